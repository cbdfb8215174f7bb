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

export interface WebhookSender extends WebhookControl<WebhookDelivery> {
  send(event: string, interviewId: string, data: unknown): void;
}

/** Creates the sender. `now` stamps the body's `date` (epoch ms, as integrator logs show). */
export function createWebhookSender(initial: WebhookConfig, now: () => number): WebhookSender {
  const core = createWebhookCore<WebhookDelivery>(initial, 'hireflix-sandbox');
  return {
    ...core.control,
    send(event, interviewId, data) {
      const cfg = core.control.config();
      if (!cfg.enabled || !cfg.url) return;
      const url = cfg.url;
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
    },
  };
}
