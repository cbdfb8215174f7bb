import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import { bearerToken } from './auth.js';
import { HttpError } from './errors.js';

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback (::ffff:127.x.y.z), as Node reports remote addresses. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.toLowerCase().startsWith('::ffff:') ? address.slice(7) : address;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4)) return true;
  return address === '::1' || address === '0:0:0:0:0:0:0:1';
}

/** Compares two secrets in constant time: both are hashed first, so their lengths do not leak either. */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

// A reverse proxy on this machine makes every outside request look local; these headers give it away (present
// at all, even empty: a proxy that forwards an empty value is still a proxy).
const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip'];

export interface OpsAuthOptions {
  /** The ops token (env OPS_TOKEN). When set, it is required from everyone, loopback included. */
  token?: string;
  /** Without a token, let requests from this machine in (default true). False closes the endpoints. */
  allowUnauthenticatedLocal?: boolean;
}

/**
 * The guard of one operator route (/metrics, /ops/*), attached to the route itself: it runs exactly when the
 * router has matched that route, so what is guarded is what is routed, whatever the spelling of the path.
 * With an ops token: `Authorization: Bearer <token>` or 401. Without one: only direct loopback requests;
 * everyone else gets the same 404 an unknown route gets. A Workable account token never opens them: it is
 * not the ops token, and it is never consulted here.
 */
export function opsGuard(opts: OpsAuthOptions) {
  return async (ctx: Context, next: Next): Promise<void> => {
    if (opts.token !== undefined && opts.token !== '') {
      const given = bearerToken(ctx.get('authorization'));
      if (given === undefined) throw new HttpError(401, 'Missing Token', { 'WWW-Authenticate': 'Bearer realm="ops"' });
      if (!sameSecret(given, opts.token)) throw new HttpError(401, 'Invalid Token', { 'WWW-Authenticate': 'Bearer realm="ops", error="invalid_token"' });
      await next();
      return;
    }
    const local = (opts.allowUnauthenticatedLocal ?? true) && isLoopback(ctx.req.socket.remoteAddress) && !PROXY_HEADERS.some((h) => h in ctx.req.headers);
    if (!local) throw new HttpError(404, `Not Found: no route ${ctx.method} ${ctx.path.slice(0, 200)}`);
    await next();
  };
}
