/**
 * Sends Hireflix-style webhooks: POST JSON `{event, date, data}` signed with
 * `x-hireflix-signature: base64(HMAC-SHA256(secret, body))`. Sending is queued off the state change and
 * never throws into it; every attempt is recorded with the receiver's status or the network error.
 * Hireflix's retry policy is undocumented, so the sandbox sends once.
 */
import { createHmac } from 'node:crypto';
import { createWebhookCore, type WebhookConfig, type WebhookControl } from '../common/webhookSender.js';

export type { WebhookConfig } from '../common/webhookSender.js';

export interface WebhookDelivery {
  seq: number;
  event: string;
  interviewId: string;
  url: string;
  sentAt: string;
  signed: boolean;
  body: string;
  status: number | null;
  error: string | null;
  durationMs: number | null;
}

/** A webhook as Hireflix's API lists it (MindCloud catalogue fields: id url events active external owner). */
export interface ApiWebhook {
  id: string;
  url: string;
  events: string[];
  active: boolean;
  external: string | null;
  owner: string;
}

/** Every event the sandbox sends, which is also what a webhook created without events receives. */
const SANDBOX_EVENTS = ['interview.create', 'interview.finish', 'interview.status-change', 'interview.delete', 'interview.score-updated'];

/** The id under which the control API's webhook (POST /_sandbox/webhooks, or the start-up URL) is listed. */
const CONTROL_WEBHOOK_ID = 'wh_sandbox';

export interface WebhookSender extends WebhookControl<WebhookDelivery> {
  send(event: string, interviewId: string, data: unknown): void;
  /** The webhook API: the control webhook (when it has a URL) and those created through GraphQL. */
  list(): ApiWebhook[];
  create(input: { url: string; events?: string[] | null; external?: string | null }): ApiWebhook;
  /** Undefined for an unknown id. Updating the control webhook changes the control config. */
  update(id: string, patch: { url?: string | null; events?: string[] | null; active?: boolean | null }): ApiWebhook | undefined;
}

/** Creates the sender. `now` stamps the body's `date` (epoch ms, as integrator logs show). */
export function createWebhookSender(initial: WebhookConfig, now: () => number): WebhookSender {
  const core = createWebhookCore<WebhookDelivery>(initial, 'hireflix-sandbox');
  let created: ApiWebhook[] = [];
  let nextId = 1;
  const controlHook = (): ApiWebhook[] => {
    const cfg = core.control.config();
    return cfg.url ? [{ id: CONTROL_WEBHOOK_ID, url: cfg.url, events: [...SANDBOX_EVENTS], active: cfg.enabled, external: null, owner: 'sandbox' }] : [];
  };
  const list = (): ApiWebhook[] => [...controlHook(), ...created.map((w) => ({ ...w, events: [...w.events] }))];

  function sendTo(url: string, event: string, interviewId: string, data: unknown): void {
    const cfg = core.control.config();
    const body = JSON.stringify({ event, date: now(), data });
    // Signed with the secret of the moment of sending, not of delivery.
    const headers: Record<string, string> = {};
    if (cfg.secret) headers['x-hireflix-signature'] = createHmac('sha256', cfg.secret).update(body).digest('base64');
    // Recorded now, so deliveries() lists it (status null) before it is sent.
    const record = core.record((seq) => ({
      seq,
      event,
      interviewId,
      url,
      sentAt: new Date(now()).toISOString(),
      signed: cfg.secret !== null && cfg.secret !== '',
      body,
      status: null,
      error: null,
      durationMs: null,
    }));
    core.enqueue(async () => {
      const started = Date.now();
      Object.assign(record, await core.post(url, body, headers));
      record.durationMs = Date.now() - started;
    });
  }

  return {
    ...core.control,
    clear() {
      core.control.clear();
      created = [];
    },
    send(event, interviewId, data) {
      // One delivery per distinct URL of an active webhook that subscribes to the event.
      const urls = new Set(list().filter((w) => w.active && w.events.includes(event)).map((w) => w.url));
      for (const url of urls) sendTo(url, event, interviewId, data);
    },
    list,
    create(input) {
      const hook: ApiWebhook = {
        id: `wh_${nextId++}`,
        url: input.url,
        events: input.events && input.events.length > 0 ? [...input.events] : [...SANDBOX_EVENTS],
        active: true,
        external: input.external ?? null,
        owner: 'sandbox',
      };
      created.push(hook);
      return { ...hook, events: [...hook.events] };
    },
    update(id, patch) {
      if (id === CONTROL_WEBHOOK_ID && controlHook().length > 0) {
        core.control.configure({ ...(patch.url ? { url: patch.url } : {}), ...(typeof patch.active === 'boolean' ? { enabled: patch.active } : {}) });
        return controlHook()[0];
      }
      const hook = created.find((w) => w.id === id);
      if (!hook) return undefined;
      if (patch.url) hook.url = patch.url;
      if (patch.events) hook.events = [...patch.events];
      if (typeof patch.active === 'boolean') hook.active = patch.active;
      return { ...hook, events: [...hook.events] };
    },
  };
}
