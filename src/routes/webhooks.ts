import type Router from '@koa/router';
import { exactRouter } from '../http/routing.js';
import getRawBody from 'raw-body';
import type { Container } from '../container.js';
import { HttpError, notFound } from '../http/errors.js';
import { recordsForHint } from '../jobs/pollOnce.js';
import { markForReconcile } from '../jobs/reconcileDue.js';
import type { ChangeHint } from '../upstreams/types.js';
import { SIGNATURE_HEADER } from '../upstreams/hireflix/webhook.js';
import { VERVOE_SIGNATURE_HEADER } from '../upstreams/vervoe/webhook.js';

/** The header each upstream signs its webhooks in (an absent one is an unsigned request). */
const SIGNATURE_HEADERS: Record<string, string> = { hireflix: SIGNATURE_HEADER, vervoe: VERVOE_SIGNATURE_HEADER };

/**
 * Upstream webhooks: signature first (over the exact bytes received, in constant time), then a durable
 * "reconcile this one" mark, then a fast 2xx. Duplicates and out-of-order deliveries only repeat the mark.
 */
export function webhookRoutes(c: Container, onMarked: () => void): Router {
  const router = exactRouter();
  router.post('/webhooks/:upstream/:account', async (ctx) => {
    const account = c.accountById(String(ctx.params.account));
    if (!account || account.upstream.kind !== ctx.params.upstream || !account.webhooks) throw notFound('No webhook endpoint for this account');
    const upstreamKind = account.upstream.kind;
    const limits = c.config.webhooks;
    const refuse = (status: number, reason: string, message: string, headers: Record<string, string> = {}): HttpError => {
      c.metrics.webhookRefused(upstreamKind, reason);
      // The rest of an unread body is not worth reading: close the connection after the answer.
      ctx.set('Connection', 'close');
      return new HttpError(status, message, headers);
    };
    const limited = (): HttpError | undefined => {
      const wait = c.webhookSignatureLimiter.retryAfterMs(account.id);
      return wait > 0 ? refuse(429, 'signature_limited', 'Too many webhooks with a bad signature for this account; retry later', { 'Retry-After': String(Math.ceil(wait / 1000)) }) : undefined;
    };
    // An unsigned request for an account past its bad-signature allowance is refused before its body is read.
    if (!ctx.get(SIGNATURE_HEADERS[upstreamKind] ?? 'x-hireflix-signature')) {
      const refused = limited();
      if (refused) throw refused;
    }
    const declared = ctx.get('content-length');
    if (declared !== '' && Number(declared) > limits.maxBodyBytes) throw refuse(413, 'too_large', `Request body too large: at most ${limits.maxBodyBytes} bytes`);
    let raw: Buffer;
    let timer: NodeJS.Timeout | undefined;
    try {
      raw = await Promise.race([
        getRawBody(ctx.req, { limit: limits.maxBodyBytes, length: declared || undefined }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(Object.assign(new Error('body timeout'), { status: 408 })), limits.bodyTimeoutMs);
        }),
      ]);
    } catch (err) {
      const status = (err as { status?: number }).status;
      if (status === 413) throw refuse(413, 'too_large', `Request body too large: at most ${limits.maxBodyBytes} bytes`);
      if (status === 408) throw refuse(408, 'timeout', 'Request Timeout: the webhook body did not arrive in time');
      throw new HttpError(400, 'Could not read the request body');
    } finally {
      clearTimeout(timer);
    }
    const upstream = c.upstreamFor(account);
    if (!upstream.verifyWebhook(raw, ctx.headers)) {
      ctx.state.webhookSignatureFailure = true;
      const refused = limited();
      if (refused) throw refused;
      c.webhookSignatureLimiter.recordFailure(account.id);
      throw new HttpError(401, 'Invalid Signature');
    }
    let hint: ChangeHint;
    try {
      hint = upstream.parseWebhook(raw);
    } catch {
      throw new HttpError(400, 'Invalid webhook body');
    }
    const ids = (await recordsForHint(c.store, account.id, hint)).map((r) => r.id);
    const id = ids[0];
    if (!id) {
      (ctx.state.log as typeof c.logger).debug({ accountId: account.id, event: hint.event }, 'webhook for an interview this bridge did not create; ignored');
      ctx.body = { status: 200, message: 'Ignored: not an interview created through this bridge' };
      return;
    }
    // Every Workable interview following this upstream interview gets its own reconcile and its own PUT.
    for (const each of ids) await markForReconcile(c, each, c.now());
    onMarked();
    (ctx.state.log as typeof c.logger).info({ accountId: account.id, interviewId: id, followers: ids.length, event: hint.event }, 'webhook accepted');
    ctx.body = { status: 200, message: 'Accepted' };
  });
  return router;
}
