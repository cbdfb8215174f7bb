import type Router from '@koa/router';
import { exactRouter } from '../http/routing.js';
import getRawBody from 'raw-body';
import type { Container } from '../container.js';
import { HttpError, notFound } from '../http/errors.js';
import { interviewIdForHint } from '../jobs/pollOnce.js';
import { markForReconcile } from '../jobs/reconcileDue.js';
import type { ChangeHint } from '../upstreams/types.js';

const WEBHOOK_LIMIT = '1mb';

/**
 * Upstream webhooks: signature first (over the exact bytes received, in constant time), then a durable
 * "reconcile this one" mark, then a fast 2xx. Duplicates and out-of-order deliveries only repeat the mark.
 */
export function webhookRoutes(c: Container, onMarked: () => void): Router {
  const router = exactRouter();
  router.post('/webhooks/:upstream/:account', async (ctx) => {
    const account = c.accountById(String(ctx.params.account));
    if (!account || account.upstream.kind !== ctx.params.upstream || !account.webhooks) throw notFound('No webhook endpoint for this account');
    let raw: Buffer;
    try {
      raw = await getRawBody(ctx.req, { limit: WEBHOOK_LIMIT, length: ctx.get('content-length') || undefined });
    } catch (err) {
      const status = (err as { status?: number }).status === 413 ? 413 : 400;
      throw new HttpError(status, status === 413 ? 'Request body too large' : 'Could not read the request body');
    }
    const upstream = c.upstreamFor(account);
    if (!upstream.verifyWebhook(raw, ctx.headers)) {
      ctx.state.webhookSignatureFailure = true;
      throw new HttpError(401, 'Invalid Signature');
    }
    let hint: ChangeHint;
    try {
      hint = upstream.parseWebhook(raw);
    } catch {
      throw new HttpError(400, 'Invalid webhook body');
    }
    const id = await interviewIdForHint(c.store, account.id, hint);
    if (!id) {
      (ctx.state.log as typeof c.logger).debug({ accountId: account.id, event: hint.event }, 'webhook for an interview this bridge did not create; ignored');
      ctx.body = { status: 200, message: 'Ignored: not an interview created through this bridge' };
      return;
    }
    await markForReconcile(c, id, c.now());
    onMarked();
    (ctx.state.log as typeof c.logger).info({ accountId: account.id, interviewId: id, event: hint.event }, 'webhook accepted');
    ctx.body = { status: 200, message: 'Accepted' };
  });
  return router;
}
