import { randomUUID } from 'node:crypto';
import { exactRouter } from './http/routing.js';
import Koa from 'koa';
import type { Context, Next } from 'koa';
import type { Container } from './container.js';
import { authFailureLimit, clientKey } from './http/authLimiter.js';
import { errorMiddleware } from './http/errorMiddleware.js';
import { HttpError } from './http/errors.js';
import { loggedPath } from './http/logPath.js';
import { accessLogger, requestScope } from './logger.js';
import { openApiRoutes } from './routes/openapi.js';
import { opsRoutes } from './routes/ops.js';
import { reportRoutes } from './routes/reports.js';
import { webhookRoutes } from './routes/webhooks.js';
import { workableRoutes } from './routes/workable.js';
import type { Scheduler } from './jobs/scheduler.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Gives every request an id (the caller's X-Request-Id when sane) and a child logger carrying it. */
function requestContext(c: Container) {
  const access = accessLogger(c.logger);
  return async (ctx: Context, next: Next): Promise<void> => {
    const given = ctx.get('x-request-id');
    const id = REQUEST_ID.test(given) ? given : randomUUID();
    ctx.set('X-Request-Id', id);
    // The process logger: inside the request scope below, its mixin adds the request id to every line.
    ctx.state.log = c.logger;
    const started = process.hrtime.bigint();
    try {
      await requestScope.run({ reqId: id }, next);
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const route = typeof ctx._matchedRoute === 'string' ? ctx._matchedRoute : null;
      if (c.logger.isLevelEnabled('info')) {
        // `path` is the route pattern (or the redacted path when none matched): a report's path is its capability.
        access.info({ reqId: id, method: ctx.method, path: loggedPath(ctx), route, status: ctx.status, ms: Math.round(ms * 10) / 10 }, 'request');
      }
      c.metrics.request(ctx.method, route ?? 'unmatched', ctx.status, ms / 1000);
    }
  };
}

/**
 * At most `max` requests in progress per client address (0: no limit), so one client's stalled bodies or
 * slow calls cannot take every worker slot. Health probes are not counted. The map holds only clients with
 * requests in progress, so it is bounded by the connection cap.
 */
function perClientConcurrency(max: number) {
  const active = new Map<string, number>();
  return async (ctx: Context, next: Next): Promise<void> => {
    if (max <= 0 || ctx.path === '/healthz' || ctx.path === '/readyz') {
      await next();
      return;
    }
    const key = clientKey(ctx.ip);
    const n = active.get(key) ?? 0;
    if (n >= max) throw new HttpError(429, 'Too many concurrent requests from this client; retry shortly', { 'Retry-After': '1' });
    active.set(key, n + 1);
    try {
      await next();
    } finally {
      const left = (active.get(key) ?? 1) - 1;
      if (left > 0) active.set(key, left);
      else active.delete(key);
    }
  };
}

/** Builds the Koa app; it never listens (server.ts and the tests do). */
export function createApp(c: Container, scheduler: Scheduler): Koa {
  // X-Forwarded-For is believed only for the configured number of proxy hops (ctx.ip); none by default.
  const hops = c.config.server.trustProxyHops;
  const app = new Koa({ proxy: hops > 0, maxIpsCount: hops });
  app.silent = true; // errors are rendered and logged by errorMiddleware; Koa's default printer would duplicate them
  app.use(requestContext(c));
  app.use(errorMiddleware(c.logger));
  app.use(async (ctx, next) => {
    if (c.shuttingDown && !ctx.path.startsWith('/healthz') && !ctx.path.startsWith('/readyz')) {
      ctx.set('Connection', 'close');
      throw new HttpError(503, 'Service shutting down: retry shortly', { 'Retry-After': '5' });
    }
    await next();
    // A request that began before the shutdown: answer it, but close its connection so the drain ends.
    if (c.shuttingDown) ctx.set('Connection', 'close');
  });
  app.use(perClientConcurrency(c.config.server.maxRequestsPerClient));
  app.use(authFailureLimit(c.authLimiter));
  // Runs after the routers: nothing answered, so no route matched (allowedMethods has had its say on 405).
  app.use(async (ctx, next) => {
    await next();
    // OPTIONS on a known path: the router set Allow; nothing else to say (204, not an empty 200 text/plain).
    if (ctx.method === 'OPTIONS' && ctx.status === 200 && (ctx.body === undefined || ctx.body === '') && ctx.response.get('Allow')) {
      ctx.status = 204;
      return;
    }
    if (ctx.body !== undefined && ctx.body !== '') return;
    if (ctx.status === 404) throw new HttpError(404, `Not Found: no route ${ctx.method} ${ctx.path.slice(0, 200)}`);
    if (ctx.status === 405) throw new HttpError(405, 'Method Not Allowed'); // Allow is already set by the router
    if (ctx.status === 501) throw new HttpError(501, 'Not Implemented');
  });
  // One router holding every route (not one per module nested in it): a request is matched once, by one
  // pass over the routes, which is a measurable share of a cached templates answer.
  const router = exactRouter();
  opsRoutes(c, scheduler, router);
  webhookRoutes(c, () => scheduler.kickReconcile(), router);
  reportRoutes(c, router);
  openApiRoutes(c, router);
  workableRoutes(c, () => scheduler.kickReconcile(), router);
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
