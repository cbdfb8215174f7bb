import { createHmac, randomBytes } from 'node:crypto';
import type { Store } from '../store/types.js';
import { keys } from './keys.js';

const KEY_CLAIM = keys.idKey;

/**
 * Interview ids derived from what makes a Workable request "the same": HMAC-SHA256(key, account + "\n" +
 * callback_url), 128 bits, base64url. Retries and concurrent copies compute the same id with no idempotency
 * record to store or look up, and without the key (random, created once in the store and shared by every
 * replica) an id can neither be guessed nor derived from a callback_url.
 *
 * About one base64url id in 32 starts with "-", which shells and option parsers take for a flag. New ids
 * never do: when the first derivation starts with "-", the next one ("\n1", "\n2", … appended) is used.
 * Ids issued before that rule keep working: if an interview is stored under the first derivation, a
 * repeat of its request still answers with it (Workable keeps the ids it was given).
 */
export class InterviewIds {
  private key: Promise<Buffer> | undefined;

  constructor(private readonly store: Store) {}

  async idFor(accountId: string, callbackUrl: string): Promise<string> {
    const key = await this.secret();
    const first = derive(key, accountId, callbackUrl, 0);
    if (!first.startsWith('-')) return first;
    // Issued before ids stopped starting with "-"? Then it stays this interview's id.
    if ((await this.store.get(keys.interview(first))) !== undefined) return first;
    for (let round = 1; ; round++) {
      const next = derive(key, accountId, callbackUrl, round);
      if (!next.startsWith('-')) return next;
    }
  }

  private secret(): Promise<Buffer> {
    this.key ??= (async () => {
      // Whoever writes first wins; everyone (any replica, any restart) then reads the same key.
      await this.store.setIfAbsent(KEY_CLAIM, randomBytes(32).toString('base64url'));
      const stored = await this.store.getClaim(KEY_CLAIM);
      if (!stored) throw new Error('interview id key missing from the store');
      return Buffer.from(stored, 'base64url');
    })();
    // A store outage must not be cached: the next request tries again.
    this.key.catch(() => (this.key = undefined));
    return this.key;
  }
}

function derive(key: Buffer, accountId: string, callbackUrl: string, round: number): string {
  const input = round === 0 ? `${accountId}\n${callbackUrl}` : `${accountId}\n${callbackUrl}\n${round}`;
  return createHmac('sha256', key).update(input, 'utf8').digest().subarray(0, 16).toString('base64url');
}
