import Router from '@koa/router';
import type { Container } from '../container.js';
import { HttpError } from '../http/errors.js';
import type { Scheduler } from '../jobs/scheduler.js';

/** Liveness and readiness. Readiness fails while shutting down or when the store does not answer. */
export function opsRoutes(c: Container, _scheduler: Scheduler): Router {
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
  return router;
}
