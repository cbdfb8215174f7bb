import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { deadLetterCount, outboxSize } from './domain/outbox.js';
import type { Store } from './store/types.js';

/** How one delivery attempt settled (see deliverDue): Workable has it, already had it, later, never. */
export type DeliveryOutcome = 'delivered' | 'conflict' | 'retry' | 'dead';

/** How one poll of one account ended. */
export type PollOutcome = 'ok' | 'skipped' | 'failed';

/** The bridge's Prometheus metrics. One instance (and one Registry) per container, never the global one. */
export interface Metrics {
  readonly registry: Registry;
  /** `route` is the matched route pattern (or "unmatched"), never the raw path: bounded label values. */
  request(method: string, route: string, status: number, seconds: number): void;
  /** `outcome` is "ok", an UpstreamFailure ("timeout", "unavailable", …), "invalid" or "error". */
  upstreamCall(upstream: string, operation: string, outcome: string, seconds: number): void;
  delivery(outcome: DeliveryOutcome): void;
  poll(account: string, outcome: PollOutcome, seconds?: number, changes?: number): void;
  /** One run of a scheduled job (poll, expire, reconcile, deliver, retention), by who started it. */
  jobRun(job: string, trigger: string, outcome: 'ok' | 'failed', seconds: number): void;
  webhookSignatureFailure(upstream: string): void;
  /** A webhook refused before or instead of its signature check: "too_large", "timeout", "signature_limited". */
  webhookRefused(upstream: string, reason: string): void;
  /** The text exposition format and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}

export interface MetricsOptions {
  /** Read on every scrape for the outbox gauges. */
  store: Store;
  /** Node process metrics (memory, CPU, event loop lag); off in tests that build many containers. */
  processMetrics?: boolean;
}

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Builds the registry and every metric the bridge exports, all prefixed `wvb_`. */
export function createMetrics(opts: MetricsOptions): Metrics {
  const registry = new Registry();
  const registers = [registry];
  if (opts.processMetrics) collectDefaultMetrics({ register: registry });

  const requests = new Counter({ name: 'wvb_http_requests_total', help: 'HTTP requests answered, by method, matched route and status.', labelNames: ['method', 'route', 'status'], registers });
  const requestSeconds = new Histogram({ name: 'wvb_http_request_duration_seconds', help: 'HTTP request latency, by method and matched route.', labelNames: ['method', 'route'], buckets: SECONDS_BUCKETS, registers });
  const upstreamCalls = new Counter({ name: 'wvb_upstream_calls_total', help: 'Calls to upstream platforms, by upstream, operation and outcome.', labelNames: ['upstream', 'operation', 'outcome'], registers });
  const upstreamSeconds = new Histogram({ name: 'wvb_upstream_call_duration_seconds', help: 'Upstream call latency, by upstream and operation.', labelNames: ['upstream', 'operation'], buckets: SECONDS_BUCKETS, registers });
  const deliveries = new Counter({ name: 'wvb_deliveries_total', help: 'Result deliveries to Workable, by how they settled.', labelNames: ['outcome'], registers });
  const polls = new Counter({ name: 'wvb_poll_cycles_total', help: 'Poll cycles, by account and outcome.', labelNames: ['account', 'outcome'], registers });
  const pollSeconds = new Histogram({ name: 'wvb_poll_duration_seconds', help: 'Duration of completed poll cycles, by account.', labelNames: ['account'], buckets: SECONDS_BUCKETS, registers });
  const pollChanges = new Counter({ name: 'wvb_poll_changes_total', help: 'Changed interviews reported by the upstream to poll cycles, by account.', labelNames: ['account'], registers });
  const jobRuns = new Counter({ name: 'wvb_job_runs_total', help: 'Runs of the jobs (poll, expire, reconcile, deliver, retention), by job, trigger (schedule, ops, cli) and outcome.', labelNames: ['job', 'trigger', 'outcome'], registers });
  const jobSeconds = new Histogram({ name: 'wvb_job_run_duration_seconds', help: 'Duration of job runs, by job.', labelNames: ['job'], buckets: SECONDS_BUCKETS, registers });
  const signatureFailures = new Counter({ name: 'wvb_webhook_signature_failures_total', help: 'Webhooks refused for a bad or missing signature, by upstream.', labelNames: ['upstream'], registers });

  const webhooksRefused = new Counter({ name: 'wvb_webhooks_refused_total', help: 'Webhooks refused for their size, a stalled body, or too many bad signatures for the account, by upstream and reason.', labelNames: ['upstream', 'reason'], registers });

  const store = opts.store;
  // Gauges read on scrape, so they are right on every replica without bookkeeping. An unreachable store
  // reports NaN (unknown) rather than a reassuring 0, and wvb_store_up says why.
  new Gauge({ name: 'wvb_store_up', help: '1 when the store answered this scrape, else 0.', registers, collect: gaugeFrom(async () => (await store.ping(), 1), 0) });
  new Gauge({ name: 'wvb_outbox_size', help: 'Results waiting for delivery to Workable (NaN: store unreachable).', registers, collect: gaugeFrom(() => outboxSize(store)) });
  new Gauge({ name: 'wvb_dead_letters', help: 'Results Workable refused, waiting for an operator (NaN: store unreachable).', registers, collect: gaugeFrom(() => deadLetterCount(store)) });

  return {
    registry,
    request: (method, route, status, seconds) => {
      requests.inc({ method, route, status: String(status) });
      requestSeconds.observe({ method, route }, seconds);
    },
    upstreamCall: (upstream, operation, outcome, seconds) => {
      upstreamCalls.inc({ upstream, operation, outcome });
      upstreamSeconds.observe({ upstream, operation }, seconds);
    },
    delivery: (outcome) => deliveries.inc({ outcome }),
    poll: (account, outcome, seconds, changes) => {
      polls.inc({ account, outcome });
      if (seconds !== undefined) pollSeconds.observe({ account }, seconds);
      if (changes !== undefined) pollChanges.inc({ account }, changes);
    },
    jobRun: (job, trigger, outcome, seconds) => {
      jobRuns.inc({ job, trigger, outcome });
      jobSeconds.observe({ job }, seconds);
    },
    webhookSignatureFailure: (upstream) => signatureFailures.inc({ upstream }),
    webhookRefused: (upstream, reason) => webhooksRefused.inc({ upstream, reason }),
    render: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
}

/** A collect function: sets the gauge from `read`, or to `onError` when the read fails. */
function gaugeFrom(read: () => Promise<number>, onError = Number.NaN) {
  return async function (this: Gauge): Promise<void> {
    try {
      this.set(await read());
    } catch {
      this.set(onError);
    }
  };
}
