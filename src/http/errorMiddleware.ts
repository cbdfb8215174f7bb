import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import { DomainError, type DomainErrorKind } from '../domain/errors.js';
import { StoreRecordError, StoreSchemaError } from '../store/records.js';
import { StoreUnavailableError } from '../store/types.js';
import { UpstreamError } from '../upstreams/types.js';
import { HttpError } from './errors.js';
import { loggedPath } from './logPath.js';

const UPSTREAM_STATUS: Record<string, number> = {
  unreachable: 502,
  timeout: 504,
  unavailable: 503,
  rate_limited: 503,
  auth: 502,
  quota: 502,
  bad_response: 502,
  not_found: 502,
};

const DOMAIN_STATUS: Record<DomainErrorKind, number> = { invalid: 400, not_found: 404, conflict: 409, unavailable: 503 };

/** What the client reads when a domain message is for the logs only. */
const DOMAIN_PUBLIC_MESSAGE: Record<DomainErrorKind, string> = {
  invalid: 'Bad Request',
  not_found: 'Not Found',
  conflict: 'Conflict',
  unavailable: 'Service busy: another request for the same interview is in progress; retry shortly',
};

function fromDomain(err: DomainError): { status: number; message: string; headers: Record<string, string>; expected: boolean } {
  const headers: Record<string, string> = {};
  if (err.retryAfterMs !== undefined) headers['Retry-After'] = String(Math.max(1, Math.ceil(err.retryAfterMs / 1000)));
  const message = err.safe ? err.message : DOMAIN_PUBLIC_MESSAGE[err.kind];
  return { status: DOMAIN_STATUS[err.kind], message, headers, expected: true };
}

/** Maps any thrown value to the wire status, message and extra headers. */
export function toHttp(err: unknown): { status: number; message: string; headers: Record<string, string>; expected: boolean } {
  if (err instanceof HttpError) return { status: err.status, message: err.message, headers: err.headers, expected: true };
  if (err instanceof DomainError) return fromDomain(err);
  if (err instanceof UpstreamError) {
    const headers: Record<string, string> = {};
    if (err.failure === 'rate_limited' && err.retryAfterMs) headers['Retry-After'] = String(Math.ceil(err.retryAfterMs / 1000));
    return { status: UPSTREAM_STATUS[err.failure] ?? 502, message: err.message, headers, expected: true };
  }
  if (err instanceof StoreSchemaError) {
    // A newer bridge wrote this record (docs/deploy.md, "Store schema and upgrades"): logged with the key and version.
    return { status: 503, message: 'Service temporarily unavailable: the store holds a record a newer bridge version wrote', headers: { 'Retry-After': '30' }, expected: false };
  }
  if (err instanceof StoreRecordError) {
    // A corrupt or hand-edited record: logged with its key; the request can be retried once an operator fixed it.
    return { status: 503, message: 'Service temporarily unavailable: a stored record cannot be read', headers: { 'Retry-After': '30' }, expected: false };
  }
  if (err instanceof StoreUnavailableError) {
    return { status: 503, message: 'Service temporarily unavailable: the bridge cannot reach its store', headers: { 'Retry-After': '5' }, expected: true };
  }
  // Errors raised by Koa's own machinery (body parser: 400/413/415) carry a status and an exposable message.
  const e = err as { status?: unknown; expose?: unknown; message?: unknown; type?: unknown };
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    return { status: e.status, message: bodyParserMessage(e.status, e.type), headers: {}, expected: true };
  }
  return { status: 500, message: 'Internal Server Error', headers: {}, expected: false };
}

function bodyParserMessage(status: number, type: unknown): string {
  if (status === 413) return 'Request body too large';
  if (status === 415) return 'Unsupported Media Type: send application/json';
  if (type === 'entity.parse.failed' || status === 400) return 'Invalid JSON';
  return status === 404 ? 'Not Found' : 'Bad Request';
}

/** Renders every error as `{status, message}`; unexpected errors are logged with their stack and hidden. */
export function errorMiddleware(logger: Logger) {
  return async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
    } catch (err) {
      const { status, message, headers, expected } = toHttp(err);
      // Where it happened is the route pattern, never the path (a report's path is its capability).
      const where = { method: ctx.method, path: loggedPath(ctx) };
      if (!expected) (ctx.state.log as Logger | undefined ?? logger).error({ err, ...where }, 'unexpected error');
      else if (status >= 500) {
        // A domain message kept from the client (a lock name) still says in the log what was busy.
        const reason = err instanceof DomainError ? err.message : message;
        (ctx.state.log as Logger | undefined ?? logger).warn({ status, reason, ...where }, 'request failed');
      }
      ctx.status = status;
      ctx.set(headers);
      ctx.body = { status, message };
    }
  };
}
