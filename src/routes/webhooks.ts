import type Router from '@koa/router';
import { exactRouter } from '../http/routing.js';
import getRawBody from 'raw-body';
import type { Container } from '../container.js';
import { HttpError, notFound } from '../http/errors.js';
import { receiveWebhook } from '../domain/webhook.js';
import { SIGNATURE_HEADER } from '../upstreams/hireflix/webhook.js';
import { VERVOE_SIGNATURE_HEADER } from '../upstreams/vervoe/webhook.js';

/** The header each upstream signs its webhooks in (an absent one is an unsigned request). */
const SIGNATURE_HEADERS: Record<string, string> = { hireflix: SIGNATURE_HEADER, vervoe: VERVOE_SIGNATURE_HEADER };

/**
 * Upstream webhooks: the body read within its limits (size, time, the bad-signature allowance), then one
 * domain call (domain/webhook.ts: signature, hint, durable reconcile mark), then a fast answer.
 */
export function webhookRoutes(c: Container, onMarked: () => void, router: Router = exactRouter()): Router {
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
    const result = await receiveWebhook(c, c.upstreamFor(account), account.id, raw, ctx.headers);
    const log = ctx.state.log as typeof c.logger;
    switch (result.kind) {
      case 'bad-signature': {
        c.metrics.webhookSignatureFailure(upstreamKind);
        const refused = limited();
        if (refused) throw refused;
        c.webhookSignatureLimiter.recordFailure(account.id);
        throw new HttpError(401, 'Invalid Signature');
      }
      case 'bad-body':
        throw new HttpError(400, 'Invalid webhook body');
      case 'ignored':
        log.debug({ accountId: account.id, event: result.event }, 'webhook for an interview this bridge did not create; ignored');
        ctx.body = { status: 200, message: 'Ignored: not an interview created through this bridge' };
        return;
      case 'accepted':
        onMarked();
        log.info({ accountId: account.id, interviewId: result.interviewIds[0], followers: result.interviewIds.length, event: result.event }, 'webhook accepted');
        ctx.body = { status: 200, message: 'Accepted' };
    }
  });
  return router;
}
