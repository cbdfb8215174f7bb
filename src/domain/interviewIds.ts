import { createHmac, randomBytes } from 'node:crypto';
import type { Store } from '../store/types.js';

const KEY_CLAIM = 'meta:interview-id-key';

/**
 * Interview ids derived from what makes a Workable request "the same": HMAC-SHA256(key, account + "\n" +
 * callback_url), 128 bits, base64url. Retries and concurrent copies compute the same id with no idempotency
 * record to store or look up, and without the key (random, created once in the store and shared by every
 * replica) an id can neither be guessed nor derived from a callback_url.
 */
export class InterviewIds {
  private key: Promise<Buffer> | undefined;

  constructor(private readonly store: Store) {}

  async idFor(accountId: string, callbackUrl: string): Promise<string> {
    const key = await this.secret();
    return createHmac('sha256', key).update(`${accountId}\n${callbackUrl}`, 'utf8').digest().subarray(0, 16).toString('base64url');
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
