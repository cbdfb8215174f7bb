/** Everything one Vervoe sandbox holds, shared by its REST routes, its control API and tests. */
import { createFaultInjector, type FaultInjector } from '../common/faults.js';
import { DEFAULT_ASSESSMENTS } from './model.js';
import type { VervoeSandboxOptions } from './sandbox.js';
import { VervoeSandboxStore } from './store.js';
import { createVervoeWebhookSender, type VervoeWebhookSender } from './webhooks.js';

/** The sandbox's options once the credentials have been chosen (random ones when the caller gave none). */
export type VervoeSandboxStateOptions = Omit<VervoeSandboxOptions, 'apiKey' | 'secretKey' | 'webhookSecret'> &
  Required<Pick<VervoeSandboxOptions, 'apiKey' | 'secretKey' | 'webhookSecret'>>;

export interface VervoeSandboxState {
  readonly apiKey: string;
  readonly secretKey: string;
  readonly store: VervoeSandboxStore;
  readonly webhooks: VervoeWebhookSender;
  readonly faults: FaultInjector;
  readonly stats: { requests: number; byOperation: Record<string, number> };
  readonly pageSize: number;
  now(): number;
  baseUrl(): string;
  setBaseUrl(url: string): void;
  /** Forget every issued token, as if they had expired. */
  revokeTokens(): void;
  onRevoke(fn: () => void): void;
  onReset(fn: () => void): void;
  reset(): void;
  /** The records kept across a restart (candidate assessments, invitation e-mails), and the way back. */
  snapshot(): unknown;
  restore(data: unknown): void;
}

/** Builds the state; `now` defaults to the wall clock. */
export function createVervoeSandboxState(opts: VervoeSandboxStateOptions): VervoeSandboxState {
  const now = opts.now ?? Date.now;
  const store = new VervoeSandboxStore(opts.assessments ?? DEFAULT_ASSESSMENTS, now);
  const webhooks = createVervoeWebhookSender(
    { url: opts.webhookUrl ?? null, secret: opts.webhookSecret, enabled: true },
    { now, maxAttempts: opts.webhookMaxAttempts ?? 3, retryDelayMs: opts.webhookRetryDelayMs ?? 50 },
  );
  const faults = createFaultInjector();
  const stats = { requests: 0, byOperation: {} as Record<string, number> };
  const revokers: Array<() => void> = [];
  const resetters: Array<() => void> = [];
  let base = 'http://127.0.0.1';
  return {
    apiKey: opts.apiKey,
    secretKey: opts.secretKey,
    store,
    webhooks,
    faults,
    stats,
    pageSize: opts.pageSize ?? 20,
    now,
    baseUrl: () => base,
    setBaseUrl(url) {
      base = url;
    },
    revokeTokens: () => revokers.forEach((fn) => fn()),
    onRevoke: (fn) => revokers.push(fn),
    onReset: (fn) => resetters.push(fn),
    reset() {
      store.reset();
      faults.set(null);
      faults.release();
      webhooks.clear();
      stats.requests = 0;
      stats.byOperation = {};
      resetters.forEach((fn) => fn());
    },
    // Issued API tokens are not kept: after a restart they are unknown, as expired ones are, and a client
    // asks for a new one. Webhook settings come from the start-up options again.
    snapshot: () => store.snapshot(),
    restore: (data) => store.restore(data as Parameters<VervoeSandboxStore['restore']>[0]),
  };
}
