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

/**
 * Finds the account whose stored token hash matches. The presented token is hashed first, so every comparison
 * is between two 32-byte digests, and every stored hash is compared (no early exit) so timing tells nothing.
 */
export function findAccountByToken(accounts: readonly AccountConfig[], token: string): AccountConfig | undefined {
  const digest = createHash('sha256').update(token, 'utf8').digest();
  let found: AccountConfig | undefined;
  for (const account of accounts) {
    for (const hex of account.tokenSha256) {
      if (timingSafeEqual(digest, Buffer.from(hex, 'hex')) && !found) found = account;
    }
  }
  return found;
}

/** Authenticates a Workable request before anything else is looked at; sets ctx.state.account. */
export function workableAuth(accounts: () => readonly AccountConfig[]) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const token = bearerToken(ctx.get('authorization'));
    if (!token) throw new HttpError(401, 'Missing Token', { 'WWW-Authenticate': 'Bearer' });
    const account = findAccountByToken(accounts(), token);
    if (!account) throw new HttpError(401, 'Invalid Token', { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    ctx.state.account = account;
    await next();
  };
}
