/**
 * The control routes every sandbox has under /_sandbox, whatever its platform: sent invitations,
 * the webhook config and log, and the fault injector. Errors are made by the platform's factory, so they
 * reach that sandbox's error middleware and get its error body.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { FAULT_MODES, type FaultInjector, type FaultMode } from './faults.js';
import type { WebhookConfig, WebhookControl } from './webhookSender.js';

/** Makes the error a sandbox answers with `status` (its own error class). */
export type SandboxErrorFactory = (status: number, message: string) => Error;

/** What the shared routes need from a sandbox's state. */
export interface ControlState {
  readonly store: { invitations(): unknown };
  readonly webhooks: WebhookControl<unknown>;
  readonly faults: Pick<FaultInjector, 'set' | 'current'>;
}

/** The JSON body as an object; anything else (array, missing body) reads as empty. */
export function bodyOf(ctx: Context): Record<string, unknown> {
  const body: unknown = ctx.request.body;
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

/** A finite number >= 0, or undefined when absent; anything else is a 400. */
export function optionalNonNegative(value: unknown, name: string, fail: SandboxErrorFactory): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw fail(400, `${name} must be a non-negative number`);
  return value;
}

/** Adds GET /invitations, GET|POST /webhooks, GET /webhooks/deliveries and GET|POST /faults to `r`. */
export function addCommonControlRoutes(r: Router, s: ControlState, fail: SandboxErrorFactory): void {
  const currentFault = () => s.faults.current() ?? { mode: null, remaining: 0 };

  r.get('/invitations', (ctx) => {
    ctx.body = s.store.invitations();
  });
  r.get('/webhooks', (ctx) => {
    ctx.body = s.webhooks.config();
  });
  r.post('/webhooks', (ctx) => {
    const b = bodyOf(ctx);
    // An empty string clears the field, like null.
    const patch: Partial<WebhookConfig> = {};
    if ('url' in b) patch.url = typeof b.url === 'string' && b.url !== '' ? b.url : null;
    if ('secret' in b) patch.secret = typeof b.secret === 'string' && b.secret !== '' ? b.secret : null;
    if ('enabled' in b) patch.enabled = b.enabled === true;
    ctx.body = s.webhooks.configure(patch);
  });
  r.get('/webhooks/deliveries', (ctx) => {
    ctx.body = s.webhooks.deliveries();
  });
  r.get('/faults', (ctx) => {
    ctx.body = currentFault();
  });
  r.post('/faults', (ctx) => {
    const b = bodyOf(ctx);
    if (!FAULT_MODES.includes(b.mode as FaultMode)) throw fail(400, `mode must be one of ${FAULT_MODES.join(', ')}`);
    // A count that floors to 0 disarms (the injector keeps no fault with nothing remaining).
    const count = optionalNonNegative(b.count, 'count', fail) ?? 1;
    const retryAfterSeconds = optionalNonNegative(b.retryAfterSeconds, 'retryAfterSeconds', fail);
    s.faults.set({ mode: b.mode as FaultMode, remaining: Math.floor(count), ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) });
    ctx.body = currentFault();
  });
}
