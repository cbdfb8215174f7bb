/** Shared setup for outbox and deliverDue tests: a controllable clock, deps with recorded side effects. */
import { createHash } from 'node:crypto';
import { deliverDue, type DeliverDueConfig, type DeliverDueSummary } from '../../src/jobs/deliverDue.js';
import { enqueue, type EnqueueResult } from '../../src/domain/outbox.js';
import type { Store } from '../../src/store/types.js';
import { createCallbackClient, type CallbackClient } from '../../src/workable/callbackClient.js';
import type { WorkableResult } from '../../src/workable/payload.js';

export const T0 = Date.parse('2025-03-01T10:00:00.000Z');
export const TOKEN = 'wk-callback-token-77aa';
export const DAY = 24 * 60 * 60 * 1000;

export const baseConfig: DeliverDueConfig = {
  horizonMs: 3 * DAY,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  concurrency: 8,
  perHostConcurrency: 4,
  batchSize: 50,
  leaseMs: 5000,
};

export function payload(status: WorkableResult['status'], score?: string): WorkableResult {
  return score === undefined
    ? { status }
    : { status, results_url: 'https://bridge.example/r/1', interview: { score, grade: 'passed' } };
}

export function hashOf(p: WorkableResult): string {
  return createHash('sha256').update(JSON.stringify(p)).digest('hex');
}

export interface Harness {
  clock: number;
  now: () => Date;
  delivered: Array<{ interviewId: string; hash: string; at: string }>;
  /** Everything deliverDue logged, as [level, message, fields-as-JSON]. */
  logs: Array<[string, string, string]>;
  client: CallbackClient;
  run(overrides?: Partial<DeliverDueConfig>, store?: Store, client?: CallbackClient): Promise<DeliverDueSummary>;
  put(id: string, url: string, p: WorkableResult, accountId?: string): Promise<EnqueueResult>;
}

export function harness(store: Store): Harness {
  const h: Harness = {
    clock: T0,
    now: () => new Date(h.clock),
    delivered: [],
    logs: [],
    client: createCallbackClient({ timeoutMs: 2000, userAgent: 'bridge-test' }),
    run: (overrides = {}, s = store, client = h.client) =>
      deliverDue(
        {
          store: s,
          client,
          tokenFor: (accountId) => (accountId === 'acc-1' ? TOKEN : undefined),
          onDelivered: async (interviewId, hash, at) => {
            h.delivered.push({ interviewId, hash, at: at.toISOString() });
          },
          logger: {
            info: (obj, msg) => h.logs.push(['info', msg, JSON.stringify(obj)]),
            warn: (obj, msg) => h.logs.push(['warn', msg, JSON.stringify(obj)]),
            error: (obj, msg) => h.logs.push(['error', msg, JSON.stringify(obj)]),
          },
          config: { ...baseConfig, ...overrides },
        },
        h.now,
      ),
    put: (id, url, p, accountId = 'acc-1') =>
      enqueue(store, { interviewId: id, accountId, callbackUrl: url, payload: p, hash: hashOf(p) }, h.now()),
  };
  return h;
}

/** Resolves once cond() holds, polling; fails the test after a second. */
export async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i += 1) await new Promise((r) => setTimeout(r, 5));
  if (!cond()) throw new Error('condition not reached');
}
