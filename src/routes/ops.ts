import type Router from '@koa/router';
import type { RouterMiddleware } from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { Container } from '../container.js';
import { HttpError, notFound } from '../http/errors.js';
import { opsGuard } from '../http/opsAuth.js';
import { exactRouter } from '../http/routing.js';
import type { JobRunner } from '../jobs/registry.js';
import { expireInterviewNow } from '../domain/expireNow.js';

/** `?account=` for a manual poll: absent means every account; an unknown one is a 404. */
function accountParam(c: Container, ctx: Context): string | undefined {
  const raw = ctx.query.account;
  if (raw === undefined) return undefined;
  const id = Array.isArray(raw) ? raw[0] : raw;
  if (!id || !c.accountById(id)) throw notFound('Unknown account');
  return id;
}

/**
 * Registers an operator route for every method, guard first, so that a wrong method is answered (405 with
 * Allow) only to a caller the guard let through: to anyone else the route does not exist (404) or asks for
 * the token (401), exactly as an unknown operator path would. HEAD is served like GET.
 */
function opsRoute(router: Router, guard: Middleware, method: 'GET' | 'POST', path: string, handler: RouterMiddleware): void {
  const allow = method === 'GET' ? 'GET, HEAD' : 'POST';
  router.all(path, guard, async (ctx, next) => {
    if (ctx.method === method || (method === 'GET' && ctx.method === 'HEAD')) {
      await handler(ctx, next);
      return;
    }
    if (ctx.method === 'OPTIONS') {
      ctx.set('Allow', allow);
      ctx.status = 204;
      return;
    }
    throw new HttpError(405, 'Method Not Allowed', { Allow: allow });
  });
}

/**
 * Liveness, readiness (public: load balancers call them), metrics and manual job runs. /metrics and /ops/*
 * carry the ops guard on the routes themselves (opsRoute), so only what is routed is served, and only
 * after the guard.
 */
export function opsRoutes(c: Container, scheduler: JobRunner, router: Router = exactRouter()): Router {
  const guard = opsGuard(c.config.ops);
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    if (c.shuttingDown) throw new HttpError(503, 'Not ready: shutting down');
    try {
      await c.store.ping();
    } catch {
      throw new HttpError(503, `Not ready: the ${c.store.kind} store does not answer`);
    }
    // Safety warnings do not fail readiness: every replica shares the store, so a 503 would take them all out
    // of the balancer for a setting only the operator can change. They are shown here and logged at start.
    ctx.body = { status: 'ready', store: c.store.kind, mode: c.config.mode, ...(c.storeSafety ? { storeSafety: c.storeSafety } : {}) };
  });
  opsRoute(router, guard, 'GET', '/metrics', async (ctx) => {
    const { contentType, body } = await c.metrics.render();
    ctx.type = contentType;
    ctx.body = body;
  });
  // Manual runs of the scheduled jobs: through the job registry, as the schedule runs them, so overlap rules
  // hold and each run is logged and metered with trigger "ops".
  opsRoute(router, guard, 'POST', '/ops/poll', async (ctx) => {
    ctx.body = { polls: await scheduler.runJob('poll', 'ops', { accountId: accountParam(c, ctx) }) };
  });
  opsRoute(router, guard, 'POST', '/ops/expire', async (ctx) => {
    ctx.body = await scheduler.runJob('expire', 'ops');
  });
  opsRoute(router, guard, 'POST', '/ops/reconcile', async (ctx) => {
    ctx.body = await scheduler.runJob('reconcile', 'ops');
  });
  opsRoute(router, guard, 'POST', '/ops/interviews/:id/expire', async (ctx) => {
    ctx.body = await expireInterviewNow(c, String(ctx.params.id));
    scheduler.kickReconcile();
  });
  opsRoute(router, guard, 'POST', '/ops/deliver', async (ctx) => {
    ctx.body = await scheduler.runJob('deliver', 'ops');
  });
  return router;
}
