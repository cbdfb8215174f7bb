import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { AccountConfig } from '../config/types.js';
import { HttpError } from './errors.js';

/** Extracts the Bearer token, or undefined when there is none (no header, another scheme, empty token). */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^\s*bearer(?:\s+(.*))?$/i.exec(header ?? '');
  const token = m?.[1]?.trim();
  return token ? token : undefined;
}

/** The most verified tokens remembered per account list: enough for every live token, bounded anyway. */
export const VERIFIED_TOKEN_CACHE_SIZE = 1024;

/**
 * Token checks for one account list. A presented token is hashed and compared with every stored digest
 * (32 bytes each, decoded once here, not per request) in constant time, with no early exit, so timing
 * tells nothing. Tokens that verified are remembered (at most VERIFIED_TOKEN_CACHE_SIZE, the least recently
 * used forgotten first), so a repeat caller skips the hash and the scan; a token that failed is never
 * remembered. The list is replaced as a whole when accounts are reloaded, and a new verifier (with an
 * empty cache) goes with it: a token removed from accounts.yaml stops working at the reload.
 */
export class TokenVerifier {
  private readonly digests: Array<{ digest: Buffer; account: AccountConfig }>;
  private readonly verified = new Map<string, AccountConfig>();

  constructor(accounts: readonly AccountConfig[]) {
    this.digests = accounts.flatMap((account) => account.tokenSha256.map((hex) => ({ digest: Buffer.from(hex, 'hex'), account })));
  }

  find(token: string): AccountConfig | undefined {
    const known = this.verified.get(token);
    if (known) {
      this.verified.delete(token);
      this.verified.set(token, known);
      return known;
    }
    const digest = createHash('sha256').update(token, 'utf8').digest();
    let found: AccountConfig | undefined;
    for (const d of this.digests) {
      if (timingSafeEqual(digest, d.digest) && !found) found = d.account;
    }
    if (found) {
      if (this.verified.size >= VERIFIED_TOKEN_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, found);
    }
    return found;
  }

  /** How many verified tokens are remembered (for tests). */
  get cached(): number {
    return this.verified.size;
  }
}

/** Finds the account whose stored token hash matches (no cache: one-off checks and tests). */
export function findAccountByToken(accounts: readonly AccountConfig[], token: string): AccountConfig | undefined {
  return new TokenVerifier(accounts).find(token);
}

/** One verifier per account list in force: a reload brings a new list, so a new verifier and cache. */
const verifiers = new WeakMap<readonly AccountConfig[], TokenVerifier>();
export function verifierFor(accounts: readonly AccountConfig[]): TokenVerifier {
  let v = verifiers.get(accounts);
  if (!v) verifiers.set(accounts, (v = new TokenVerifier(accounts)));
  return v;
}

/** Authenticates a Workable request before anything else is looked at; sets ctx.state.account. */
export function workableAuth(accounts: () => readonly AccountConfig[]) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const token = bearerToken(ctx.get('authorization'));
    if (!token) throw new HttpError(401, 'Missing Token', { 'WWW-Authenticate': 'Bearer' });
    const account = verifierFor(accounts()).find(token);
    if (!account) throw new HttpError(401, 'Invalid Token', { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    ctx.state.account = account;
    await next();
  };
}
