/**
 * Sends Vervoe-style report webhooks: POST of the candidate report object, signed with
 * `Vervoe-Signature: t=<unix seconds>,hash=hex(HMAC-SHA256(secret, "<t>.<body>"))`. Vervoe re-sends until
 * it gets HTTP 200; the sandbox does the same up to `maxAttempts`, recording every attempt.
 */
import { createHmac } from 'node:crypto';
import axios from 'axios';
import type { VervoeEvent } from './model.js';

export interface VervoeWebhookConfig {
  url: string | null;
  secret: string | null;
  enabled: boolean;
}

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

export interface VervoeWebhookSender {
  config(): VervoeWebhookConfig;
  configure(patch: Partial<VervoeWebhookConfig>): VervoeWebhookConfig;
  send(event: VervoeEvent, uuid: string, report: unknown): void;
  deliveries(): VervoeWebhookDelivery[];
  idle(): Promise<void>;
  clear(): void;
}

export interface SenderOptions {
  now: () => number;
  maxAttempts: number;
  retryDelayMs: number;
}

/** Creates the sender; sending never throws into the state change that caused it. */
export function createVervoeWebhookSender(initial: VervoeWebhookConfig, opts: SenderOptions): VervoeWebhookSender {
  let cfg = { ...initial };
  let log: VervoeWebhookDelivery[] = [];
  let seq = 0;
  const inFlight = new Set<Promise<void>>();
  const http = axios.create({ timeout: 5000, validateStatus: () => true, maxRedirects: 0, responseType: 'text' });

  async function deliver(event: VervoeEvent, uuid: string, url: string, secret: string | null, body: string): Promise<void> {
    for (let attempt = 1; attempt <= opts.maxAttempts; attempt++) {
      const t = Math.floor(opts.now() / 1000);
      const signature = secret ? `t=${t},hash=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}` : null;
      const record: VervoeWebhookDelivery = {
        seq: ++seq, event, candidateAssessmentUuid: uuid, url, attempt, sentAt: new Date(opts.now()).toISOString(), signature, body, status: null, error: null,
      };
      log.push(record);
      try {
        const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': 'vervoe-sandbox' };
        if (signature) headers['Vervoe-Signature'] = signature;
        record.status = (await http.post(url, body, { headers })).status;
      } catch (err) {
        record.error = axios.isAxiosError(err) ? (err.code ?? err.message) : String(err);
      }
      // Exactly 200, as Vervoe documents: a 201 or 204 is retried too.
      if (record.status === 200) return;
      if (attempt < opts.maxAttempts) await new Promise((r) => setTimeout(r, opts.retryDelayMs));
    }
  }

  return {
    config: () => ({ ...cfg }),
    configure(patch) {
      cfg = { ...cfg, ...patch };
      return { ...cfg };
    },
    send(event, uuid, report) {
      if (!cfg.enabled || !cfg.url) return;
      const { url, secret } = cfg;
      const body = JSON.stringify(report);
      // setImmediate: the API or control answer goes out before the webhook, as upstream.
      const p = new Promise<void>((r) => setImmediate(r)).then(() => deliver(event, uuid, url, secret, body));
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    },
    deliveries: () => log.map((d) => ({ ...d })),
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    clear() {
      log = [];
    },
  };
}
