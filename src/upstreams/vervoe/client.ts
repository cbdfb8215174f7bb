/**
 * The one HTTP client for Vervoe's REST API. Authentication follows Vervoe's description: GET
 * `/public/ats-api/token` with `Authorization: Basic base64(apiKey:secretKey)` returns a token that lives
 * 10 minutes, sent as `Authorization: Bearer <token>` on every other call. The token is cached a little
 * less than its life and fetched again once when a call is answered 401.
 *
 * Transport failures, 401/403, 429 and 5xx leave here as UpstreamError; 2xx, 400 and 404 are returned for
 * the caller, since their meaning depends on the operation (400 on invite carries "already invited").
 * Messages name Vervoe and the operation, never a key, secret or token.
 */
import { createHttpClient, parseRetryAfter, type Operation } from '../../outbound/http.js';
import { UpstreamError, type UpstreamFailure } from '../types.js';
import { parseJsonObject } from '../json.js';
import { unansweredError } from '../unanswered.js';
import { objectAt, stringAt, type JsonObject } from './read.js';

export const VERVOE = 'vervoe';

/** Vervoe documents a 10-minute token; refreshing after 9 leaves room for clock skew and slow calls. */
const DEFAULT_TOKEN_TTL_MS = 9 * 60_000;

export interface VervoeHttpOptions {
  /** API root, e.g. https://api.vervoe.com/api (no trailing slash). */
  baseUrl: string;
  apiKey: string;
  secretKey: string;
  timeoutMs: number;
  userAgent?: string;
  tokenTtlMs?: number;
  now?: () => number;
}

export interface VervoeResponse {
  status: number;
  /** The parsed JSON object, or undefined when the body was not a JSON object. */
  body: JsonObject | undefined;
}

export interface RequestOptions {
  query?: Record<string, string | number>;
  body?: JsonObject;
}

export interface VervoeHttp {
  send(op: Operation, method: 'GET' | 'POST', path: string, opts?: RequestOptions): Promise<VervoeResponse>;
}

/** An UpstreamError for Vervoe. */
export function fail(op: Operation, failure: UpstreamFailure, message: string, retryAfterMs?: number): UpstreamError {
  return new UpstreamError(VERVOE, op.name, failure, message, retryAfterMs);
}

/** Vervoe's error text (`errors` or `msg`), capped for logs; empty when there is none. */
export function errorText(body: JsonObject | undefined): string {
  const text = stringAt(body, 'errors') ?? stringAt(body, 'msg') ?? stringAt(body, 'detail') ?? '';
  return text.slice(0, 300);
}

/** `data` of a 2xx `{success, data}` answer; anything else is an UpstreamError. */
export function dataOf(op: Operation, res: VervoeResponse): JsonObject {
  if (res.status === 404) throw fail(op, 'not_found', `Vervoe answered 404 while ${op.doing}`);
  if (res.status < 200 || res.status >= 300) {
    const why = errorText(res.body);
    throw fail(op, 'bad_response', `Vervoe answered HTTP ${res.status} while ${op.doing}${why ? `: ${why}` : ''}`);
  }
  const data = objectAt(res.body, 'data');
  if (!data) throw fail(op, 'bad_response', `Vervoe sent an unreadable answer while ${op.doing}`);
  return data;
}

function queryString(query: Record<string, string | number> | undefined): string {
  if (!query) return '';
  // encodeURIComponent writes spaces as %20: the completed-gt format ("2020-01-16 22:31:10.0 UTC") has spaces.
  const parts = Object.entries(query).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Builds the client; one per account, so the token cache is per account. */
export function createVervoeHttp(opts: VervoeHttpOptions): VervoeHttp {
  const now = opts.now ?? Date.now;
  const ttl = opts.tokenTtlMs ?? DEFAULT_TOKEN_TTL_MS;
  const http = createHttpClient({
    timeoutMs: opts.timeoutMs,
    headers: { Accept: 'application/json' },
    ...(opts.userAgent ? { userAgent: opts.userAgent } : {}),
  });
  let token: { value: string; until: number } | undefined;
  let pending: Promise<string> | undefined;

  async function raw(op: Operation, method: 'GET' | 'POST', url: string, headers: Record<string, string>, body?: JsonObject) {
    try {
      const res = await http.request({ method, url, headers, ...(body ? { body: JSON.stringify(body) } : {}) });
      return { status: res.status, body: parseJsonObject(res.text), retryAfterMs: parseRetryAfter(res.header('retry-after')) };
    } catch (err) {
      throw unansweredError(VERVOE, 'Vervoe', op, opts.timeoutMs, err);
    }
  }

  function classify(op: Operation, res: { status: number; retryAfterMs: number | undefined }): void {
    if (res.status === 429) throw fail(op, 'rate_limited', `Vervoe rate-limited ${op.doing}`, res.retryAfterMs);
    if (res.status === 401 || res.status === 403) {
      throw fail(op, 'auth', `Vervoe refused the account's credentials while ${op.doing} (HTTP ${res.status})`);
    }
    if (res.status >= 500) throw fail(op, 'unavailable', `Vervoe answered HTTP ${res.status} while ${op.doing}`);
  }

  async function fetchToken(op: Operation): Promise<string> {
    const basic = Buffer.from(`${opts.apiKey}:${opts.secretKey}`, 'utf8').toString('base64');
    const authOp = { name: op.name, doing: `obtaining an API token (for ${op.doing})` };
    const res = await raw(authOp, 'GET', `${opts.baseUrl}/public/ats-api/token`, { Authorization: `Basic ${basic}` });
    // A 400 here means "Provide apiKey/secret please": a credentials problem, not a transient one.
    if (res.status === 400) throw fail(authOp, 'auth', `Vervoe refused the account's credentials while ${authOp.doing} (HTTP 400)`);
    classify(authOp, res);
    const value = stringAt(objectAt(res.body, 'data'), 'token');
    if (res.status !== 200 || value === undefined) throw fail(authOp, 'bad_response', `Vervoe sent no token while ${authOp.doing}`);
    token = { value, until: now() + ttl };
    return value;
  }

  /** A valid token; concurrent callers share one token request. */
  function currentToken(op: Operation): Promise<string> {
    if (token && token.until > now()) return Promise.resolve(token.value);
    pending ??= fetchToken(op).finally(() => {
      pending = undefined;
    });
    return pending;
  }

  return {
    async send(op, method, path, reqOpts = {}) {
      const url = `${opts.baseUrl}${path}${queryString(reqOpts.query)}`;
      const headers = (t: string): Record<string, string> => ({
        Authorization: `Bearer ${t}`,
        ...(reqOpts.body ? { 'Content-Type': 'application/json' } : {}),
      });
      let res = await raw(op, method, url, headers(await currentToken(op)), reqOpts.body);
      if (res.status === 401) {
        // The token may have been revoked or expired early: one fresh token, one retry.
        token = undefined;
        res = await raw(op, method, url, headers(await currentToken(op)), reqOpts.body);
      }
      classify(op, res);
      return { status: res.status, body: res.body };
    },
  };
}
