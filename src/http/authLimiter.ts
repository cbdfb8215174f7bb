import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { Context, Next } from 'koa';
import { bearerToken } from './auth.js';
import { HttpError } from './errors.js';

/** Tuning of {@link AuthLimiter}. */
export interface AuthLimiterOptions {
  /** Failed attempts allowed per key (client address, presented token) within windowMs; further failing attempts get 429. Default 20. */
  maxFailures?: number;
  /** The sliding window (ms). Default 60 000. */
  windowMs?: number;
  /** Clients tracked at once; beyond it the least recently failing client is forgotten (bounded memory). Default 10 000. */
  maxClients?: number;
  /** Clock (epoch ms), for tests. */
  now?: () => number;
}

export const TOO_MANY_FAILURES = 'Too many failed authentication attempts; retry later';

/**
 * The key a client is counted under: an IPv4 address (also when Node reports it IPv4-mapped), or the /64 of
 * an IPv6 address, since one IPv6 host usually holds a whole /64 and could otherwise rotate through it.
 */
export function clientKey(address: string | undefined): string {
  const a = (address ?? '').toLowerCase();
  if (a.startsWith('::ffff:') && isIP(a.slice(7)) === 4) return a.slice(7);
  if (isIP(a) !== 6) return a || 'unknown';
  const [head = '', tail = ''] = a.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = a.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/**
 * Counts failed authentication attempts per key (client address, presented token hash) in this process's
 * memory (each replica counts on its own, so a client spreading guesses over N replicas gets N times the
 * allowance: still a hard cap on guessing, at no store cost on the hot path). Only failures are counted,
 * and only failing attempts are ever refused, so a correct token is never affected. Memory is bounded by
 * maxClients keys of at most maxFailures timestamps each.
 */
export class AuthLimiter {
  private maxFailures: number;
  private windowMs: number;
  private readonly maxClients: number;
  private readonly now: () => number;
  /** Failure times per client, oldest first, at most maxFailures kept. Map order = least recently failing first. */
  private readonly failures = new Map<string, number[]>();

  constructor(opts: AuthLimiterOptions = {}) {
    this.maxFailures = opts.maxFailures ?? 20;
    this.windowMs = opts.windowMs ?? 60_000;
    this.maxClients = opts.maxClients ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  /** Changes the allowance at run time (operators, tests); existing counts are kept. */
  configure(opts: Pick<AuthLimiterOptions, 'maxFailures' | 'windowMs'>): void {
    if (opts.maxFailures !== undefined) this.maxFailures = opts.maxFailures;
    if (opts.windowMs !== undefined) this.windowMs = opts.windowMs;
  }

  /** Milliseconds until this client may try again; 0 when it is not blocked. */
  retryAfterMs(key: string): number {
    const times = this.recent(key);
    if (times.length < this.maxFailures) return 0;
    return Math.max(1, times[times.length - this.maxFailures]! + this.windowMs - this.now());
  }

  /** Records one failed attempt. */
  recordFailure(key: string): void {
    const times = this.recent(key);
    times.push(this.now());
    if (times.length > this.maxFailures) times.splice(0, times.length - this.maxFailures);
    this.failures.delete(key);
    this.failures.set(key, times);
    if (this.failures.size > this.maxClients) this.failures.delete(this.failures.keys().next().value!);
  }

  /** Number of clients currently tracked. */
  get size(): number {
    return this.failures.size;
  }

  private recent(key: string): number[] {
    const times = this.failures.get(key);
    if (!times) return [];
    const since = this.now() - this.windowMs;
    while (times.length > 0 && times[0]! <= since) times.shift();
    if (times.length === 0) this.failures.delete(key);
    return times;
  }
}

/** The key a presented token is counted under: a prefix of its SHA-256, never the token itself. */
function tokenKey(token: string): string {
  return `t:${createHash('sha256').update(token, 'utf8').digest('hex').slice(0, 32)}`;
}

/**
 * Middleware ahead of every authenticated route. It never looks at a request whose token is valid: the
 * token is checked first (below, in constant time), and only a 401 "Invalid Token" thrown there counts, so
 * a correct token is always served, whoever else failed from the same address (Workable calls every
 * provider from a few shared addresses; one customer's stale token must not lock out the others).
 * A failing attempt is refused with 429 and Retry-After, instead of its 401, once its client address or its
 * presented token (by hash: a stale token retried from many addresses) has failed maxFailures times within
 * the window; refused attempts are not counted again. Requests without credentials are not guesses and
 * keep their usual 401 Missing Token.
 */
export function authFailureLimit(limiter: AuthLimiter) {
  return async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
    } catch (err) {
      if (!(err instanceof HttpError && err.status === 401 && err.message === 'Invalid Token')) throw err;
      // ctx.ip is the TCP peer unless server.trust_proxy_hops says a load balancer names the client.
      const keys = [`a:${clientKey(ctx.ip)}`, tokenKey(bearerToken(ctx.get('authorization')) ?? '')];
      const wait = Math.max(...keys.map((k) => limiter.retryAfterMs(k)));
      if (wait > 0) throw new HttpError(429, TOO_MANY_FAILURES, { 'Retry-After': String(Math.ceil(wait / 1000)) });
      for (const k of keys) limiter.recordFailure(k);
      throw err;
    }
  };
}
