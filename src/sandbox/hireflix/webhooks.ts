/**
 * Sends Hireflix-style webhooks: POST JSON `{event, date, data}` signed with
 * `x-hireflix-signature: base64(HMAC-SHA256(secret, body))`. Sending is queued off the state change and
 * never throws into it; every attempt is recorded with the receiver's status or the network error.
 * Hireflix's retry policy is undocumented, so the sandbox sends once.
 */
import axios from 'axios';
import { createHmac } from 'node:crypto';

export interface WebhookConfig {
  url: string | null;
  secret: string | null;
  enabled: boolean;
}

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

export interface WebhookSender {
  config(): WebhookConfig;
  configure(patch: Partial<WebhookConfig>): WebhookConfig;
  send(event: string, interviewId: string, data: unknown): void;
  deliveries(): WebhookDelivery[];
  /** Resolves when every queued delivery has finished (for tests and orderly shutdown). */
  idle(): Promise<void>;
  clear(): void;
}

/** Creates the sender. `now` stamps the body's `date` (epoch ms, as integrator logs show). */
export function createWebhookSender(initial: WebhookConfig, now: () => number): WebhookSender {
  let cfg: WebhookConfig = { ...initial };
  let log: WebhookDelivery[] = [];
  let seq = 0;
  const inFlight = new Set<Promise<void>>();
  const http = axios.create({ timeout: 5000, validateStatus: () => true, maxRedirects: 0, responseType: 'text' });

  async function deliver(record: WebhookDelivery, headers: Record<string, string>): Promise<void> {
    const started = Date.now();
    try {
      const res = await http.post(record.url, record.body, { headers });
      record.status = res.status;
    } catch (err) {
      record.error = axios.isAxiosError(err) ? (err.code ?? err.message) : String(err);
    }
    record.durationMs = Date.now() - started;
  }

  return {
    config: () => ({ ...cfg }),
    configure(patch) {
      cfg = { ...cfg, ...patch };
      return { ...cfg };
    },
    send(event, interviewId, data) {
      if (!cfg.enabled || !cfg.url) return;
      const body = JSON.stringify({ event, date: now(), data });
      const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': 'hireflix-sandbox' };
      if (cfg.secret) headers['x-hireflix-signature'] = createHmac('sha256', cfg.secret).update(body).digest('base64');
      const record: WebhookDelivery = {
        seq: ++seq,
        event,
        interviewId,
        url: cfg.url,
        sentAt: new Date(now()).toISOString(),
        signed: cfg.secret !== null && cfg.secret !== '',
        body,
        status: null,
        error: null,
        durationMs: null,
      };
      log.push(record);
      // setImmediate: the GraphQL answer or control response goes out before the webhook, as upstream.
      const p = new Promise<void>((resolve) => setImmediate(resolve)).then(() => deliver(record, headers));
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
