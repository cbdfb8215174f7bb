/**
 * Sends Vervoe-style report webhooks: POST of the candidate report object, signed with
 * `Vervoe-Signature: t=<unix seconds>,hash=hex(HMAC-SHA256(secret, "<t>.<body>"))`. Vervoe re-sends until
 * it gets HTTP 200; the sandbox does the same up to `maxAttempts`, recording every attempt.
 */
import { createHmac } from 'node:crypto';
import { createWebhookCore, type WebhookConfig, type WebhookControl } from '../common/webhookSender.js';
import type { VervoeEvent } from './model.js';

export type VervoeWebhookConfig = WebhookConfig;

export interface VervoeWebhookDelivery {
  seq: number;
  /** The event that fired it (sandbox bookkeeping: Vervoe's body does not name it). */
  event: VervoeEvent;
  candidateAssessmentUuid: string;
  url: string;
  attempt: number;
  sentAt: string;
  signature: string | null;
  body: string;
  status: number | null;
  error: string | null;
}

export interface VervoeWebhookSender extends WebhookControl<VervoeWebhookDelivery> {
  send(event: VervoeEvent, uuid: string, report: unknown): void;
}

export interface SenderOptions {
  now: () => number;
  maxAttempts: number;
  retryDelayMs: number;
}

/** Creates the sender; sending never throws into the state change that caused it. */
export function createVervoeWebhookSender(initial: VervoeWebhookConfig, opts: SenderOptions): VervoeWebhookSender {
  const core = createWebhookCore<VervoeWebhookDelivery>(initial, 'vervoe-sandbox');

  async function deliver(event: VervoeEvent, uuid: string, url: string, secret: string | null, body: string): Promise<void> {
    for (let attempt = 1; attempt <= opts.maxAttempts; attempt++) {
      // Each attempt is signed afresh, so its t= is the time it was sent.
      const t = Math.floor(opts.now() / 1000);
      const signature = secret ? `t=${t},hash=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}` : null;
      const record = core.record((seq) => ({
        seq, event, candidateAssessmentUuid: uuid, url, attempt, sentAt: new Date(opts.now()).toISOString(), signature, body, status: null, error: null,
      }));
      Object.assign(record, await core.post(url, body, signature ? { 'Vervoe-Signature': signature } : {}));
      // Exactly 200, as Vervoe documents: a 201 or 204 is retried too.
      if (record.status === 200) return;
      if (attempt < opts.maxAttempts) await new Promise((r) => setTimeout(r, opts.retryDelayMs));
    }
  }

  return {
    ...core.control,
    send(event, uuid, report) {
      const { enabled, url, secret } = core.control.config();
      if (!enabled || !url) return;
      const body = JSON.stringify(report);
      core.enqueue(() => deliver(event, uuid, url, secret, body));
    },
  };
}
