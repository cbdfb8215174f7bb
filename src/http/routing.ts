import Router from '@koa/router';

/**
 * Every router of the bridge matches paths exactly: case-sensitive and strict (no optional trailing slash).
 * The contract names its paths exactly, and guards attached to routes (the ops token) then protect exactly
 * the spellings that are routed: `/METRICS` or `/metrics/` is an unknown route (404), not a second door.
 * Paths are matched as received: percent-encoded (`/%6Detrics`), doubled-slash and dot-segment spellings
 * are not normalised, so they match nothing either.
 */
const EXACT_ROUTING = { sensitive: true, strict: true } as const;

/** A @koa/router Router with {@link EXACT_ROUTING}. */
export function exactRouter(): Router {
  return new Router(EXACT_ROUTING);
}
