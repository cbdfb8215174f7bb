/**
 * The Koa app every sandbox runs: errors answered in the platform's own body, then JSON parsing, then the
 * platform's routers. Silent, because a sandbox's 500s are reported through the 'error' event instead.
 */
import type Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';

/** Builds the platform's error body; `status` 500 means `err` is not meant for the client. */
export type ErrorBody = (status: number, err: unknown) => unknown;

/**
 * Turns a thrown error into an answer. Anything carrying a numeric `status` (the sandbox's own errors,
 * Koa's and the body parser's) keeps it; everything else is a 500, also emitted so the bug is seen.
 */
function sandboxErrorMiddleware(toBody: ErrorBody): Koa.Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 500;
      ctx.status = status;
      ctx.body = toBody(status, err);
      if (status === 500) ctx.app.emit('error', err, ctx);
    }
  };
}

/** Creates the app with `routers` mounted in order; `outer` middleware (e.g. persistence) runs around all of it. */
export function createSandboxApp(toBody: ErrorBody, routers: readonly Router[], outer: readonly Koa.Middleware[] = []): Koa {
  const app = new Koa();
  app.silent = true;
  for (const m of outer) app.use(m);
  app.use(sandboxErrorMiddleware(toBody));
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: '1mb' }));
  for (const router of routers) app.use(router.routes());
  return app;
}
