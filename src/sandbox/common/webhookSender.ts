/**
 * The platform-neutral half of a sandbox's webhook sender: the config, the delivery log, one POST
 * attempt and the queue that idle() waits on. Each platform keeps its own body, signature and retry
 * policy, and decides when a delivery record is made (Hireflix at send time, Vervoe per attempt).
 */
import axios from 'axios';

export interface WebhookConfig {
  url: string | null;
  secret: string | null;
  enabled: boolean;
}

/** What the control API and close() use, whatever the platform's record looks like. */
export interface WebhookControl<D> {
  config(): WebhookConfig;
  configure(patch: Partial<WebhookConfig>): WebhookConfig;
  deliveries(): D[];
  /** Resolves when every queued delivery has finished (for tests and orderly shutdown). */
  idle(): Promise<void>;
  clear(): void;
}

export interface PostOutcome {
  status: number | null;
  error: string | null;
}

export interface WebhookCore<D extends { seq: number }> {
  /** The part a platform's sender hands on unchanged. */
  readonly control: WebhookControl<D>;
  /** Appends a record numbered with the next sequence number and returns it, for the caller to fill in. */
  record(build: (seq: number) => D): D;
  /** POSTs once; never throws: a network failure comes back as `error`. */
  post(url: string, body: string, extraHeaders: Record<string, string>): Promise<PostOutcome>;
  /** Runs `job` after the current answer has gone out, and counts it until it settles. */
  enqueue(job: () => Promise<void>): void;
}

/** Creates the core; `userAgent` names the sandbox in every request. */
export function createWebhookCore<D extends { seq: number }>(initial: WebhookConfig, userAgent: string): WebhookCore<D> {
  let cfg: WebhookConfig = { ...initial };
  let log: D[] = [];
  let seq = 0;
  const inFlight = new Set<Promise<void>>();
  // Any status is an answer to record, and a redirect is not followed: upstream does neither.
  const http = axios.create({ timeout: 5000, validateStatus: () => true, maxRedirects: 0, responseType: 'text' });

  const control: WebhookControl<D> = {
    config: () => ({ ...cfg }),
    configure(patch) {
      cfg = { ...cfg, ...patch };
      return { ...cfg };
    },
    deliveries: () => log.map((d) => ({ ...d })),
    async idle() {
      // Waiting may let more be queued (a receiver reacting to one webhook), so loop until none is left.
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    clear() {
      log = [];
    },
  };

  return {
    control,
    record(build) {
      const d = build(++seq);
      log.push(d);
      return d;
    },
    async post(url, body, extraHeaders) {
      const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': userAgent, ...extraHeaders };
      try {
        return { status: (await http.post(url, body, { headers })).status, error: null };
      } catch (err) {
        return { status: null, error: axios.isAxiosError(err) ? (err.code ?? err.message) : String(err) };
      }
    },
    enqueue(job) {
      // setImmediate: the API or control answer goes out before the webhook, as upstream.
      const p = new Promise<void>((resolve) => setImmediate(resolve)).then(job);
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    },
  };
}
