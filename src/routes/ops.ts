import Router from '@koa/router';
import type { Context } from 'koa';
import type { Container } from '../container.js';
import { HttpError, notFound } from '../http/errors.js';
import type { Scheduler } from '../jobs/scheduler.js';
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
 * Liveness, readiness (public: load balancers call them), metrics and manual job runs. /metrics and /ops/*
 * are guarded by opsAuth ahead of every router, so nothing here checks credentials itself.
 */
export function opsRoutes(c: Container, scheduler: Scheduler): Router {
  const router = new Router();
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
    ctx.body = { status: 'ready', store: c.store.kind, mode: c.config.mode };
  });
  router.get('/metrics', async (ctx) => {
    const { contentType, body } = await c.metrics.render();
    ctx.type = contentType;
    ctx.body = body;
  });
  // Manual runs of the scheduled jobs: the same functions the schedule calls, so overlap rules still hold.
  router.post('/ops/poll', async (ctx) => {
    ctx.body = { polls: await scheduler.pollNow(accountParam(c, ctx)) };
  });
  router.post('/ops/expire', async (ctx) => {
    ctx.body = await scheduler.expireNow();
  });
  router.post('/ops/reconcile', async (ctx) => {
    ctx.body = await scheduler.reconcileNow();
  });
  router.post('/ops/interviews/:id/expire', async (ctx) => {
    ctx.body = await expireInterviewNow(c, String(ctx.params.id));
    scheduler.kickReconcile();
  });
  router.post('/ops/deliver', async (ctx) => {
    ctx.body = await scheduler.deliverNow();
  });
  return router;
}
