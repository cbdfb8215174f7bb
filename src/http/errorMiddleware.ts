import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
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

/** Maps any thrown value to the wire status, message and extra headers. */
export function toHttp(err: unknown): { status: number; message: string; headers: Record<string, string>; expected: boolean } {
  if (err instanceof HttpError) return { status: err.status, message: err.message, headers: err.headers, expected: true };
  if (err instanceof UpstreamError) {
    const headers: Record<string, string> = {};
    if (err.failure === 'rate_limited' && err.retryAfterMs) headers['Retry-After'] = String(Math.ceil(err.retryAfterMs / 1000));
    return { status: UPSTREAM_STATUS[err.failure] ?? 502, message: err.message, headers, expected: true };
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
      else if (status >= 500) (ctx.state.log as Logger | undefined ?? logger).warn({ status, reason: message, ...where }, 'request failed');
      ctx.status = status;
      ctx.set(headers);
      ctx.body = { status, message };
    }
  };
}
