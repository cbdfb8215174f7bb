import type { Context } from 'koa';

/** A path segment that may be a capability or a secret: long and token-like (report ids are 32 characters). */
const TOKEN_LIKE = /^[A-Za-z0-9_~%.=+-]{16,}$/;

/**
 * What logs say about a request's path, never the path itself: the matched route pattern
 * (`/reports/:file`, not the report's capability URL) or, for a request no route matched, the path with
 * every token-like segment replaced by `:redacted`, cut to 200 characters.
 */
export function loggedPath(ctx: Pick<Context, 'path'> & { _matchedRoute?: unknown }): string {
  if (typeof ctx._matchedRoute === 'string') return ctx._matchedRoute;
  return ctx.path
    .slice(0, 200)
    .split('/')
    .map((segment) => (TOKEN_LIKE.test(segment) ? ':redacted' : segment))
    .join('/');
}
