import { keys } from '../domain/keys.js';
import { withLease } from '../domain/lock.js';
import { reconcile } from '../domain/reconcile.js';
import type { ReconcileDeps } from '../domain/reconcile.js';
import { UpstreamError } from '../upstreams/types.js';

export interface ReconcileDueSummary {
  reconciled: number;
  enqueued: number;
  failed: number;
  skipped: number;
}

/** How long a failed reconcile waits before the next try (the hint stays in the index meanwhile). */
const RETRY_MS = 30_000;

/**
 * Reconciles every interview whose hint is due. Each one is leased, so replicas sharing Redis never work on
 * the same interview at once; a hint that arrived while it was being reconciled keeps it in the index.
 */
export async function reconcileDue(deps: ReconcileDeps, opts: { batchSize: number; concurrency: number; leaseMs: number }): Promise<ReconcileDueSummary> {
  const now = deps.now();
  const due = await deps.store.zrangeByScore(keys.reconcileIndex, now.getTime(), opts.batchSize);
  const summary: ReconcileDueSummary = { reconciled: 0, enqueued: 0, failed: 0, skipped: 0 };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < due.length) {
      const { member: id, score } = due[next++]!;
      const run = await withLease(deps.store, keys.lease.reconcile(id), opts.leaseMs, async () => {
        try {
          const outcome = await reconcile(deps, id);
          summary.reconciled++;
          if (outcome.kind === 'enqueued') summary.enqueued++;
          // Compare-and-remove in one store call: a hint that lands between a read and a remove would be lost.
          await deps.store.zremIfScore(keys.reconcileIndex, id, score);
        } catch (err) {
          summary.failed++;
          const wait = err instanceof UpstreamError && err.retryAfterMs ? Math.max(err.retryAfterMs, RETRY_MS) : RETRY_MS;
          deps.logger.warn({ interviewId: id, err, retryInMs: wait }, 'reconcile failed; will retry');
          if ((await deps.store.zscore(keys.reconcileIndex, id)) === score) await deps.store.zadd(keys.reconcileIndex, id, now.getTime() + wait);
        }
      });
      if (!run.ran) summary.skipped++;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
  return summary;
}
