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

/** Listings one run makes at most (each of batch_size): a run ends, and the next one starts, after this many. */
const MAX_LISTINGS_PER_RUN = 10;

/**
 * Reconciles every interview whose hint is due. Each one is leased, so replicas sharing Redis never work on
 * the same interview at once; a hint that arrived while it was being reconciled keeps it in the index.
 *
 * The workers never wait for a whole batch to finish: when the listed hints run out while some are still in
 * progress and the listing was full, the next batch is listed at once (hints already taken in this run left
 * out, e.g. one another replica holds), up to MAX_LISTINGS_PER_RUN listings.
 */
export async function reconcileDue(deps: ReconcileDeps, opts: { batchSize: number; concurrency: number; leaseMs: number }): Promise<ReconcileDueSummary> {
  const now = deps.now();
  const batch = Math.max(1, opts.batchSize);
  const summary: ReconcileDueSummary = { reconciled: 0, enqueued: 0, failed: 0, skipped: 0 };
  const seen = new Set<string>();
  /** Hints of this run that may still be listed (in progress, or skipped): a listing passes over them. */
  let listable = 0;
  const due: Array<{ member: string; score: number }> = [];
  let listings = 0;
  let more = true;
  let listing: Promise<void> | undefined;
  let failure: { err: unknown } | undefined;
  const list = async (): Promise<void> => {
    listings++;
    const limit = batch + listable;
    const found = await deps.store.zrangeByScore(keys.reconcileIndex, now.getTime(), limit);
    more = found.length >= limit && listings < MAX_LISTINGS_PER_RUN;
    for (const hint of found) {
      if (seen.has(hint.member)) continue;
      seen.add(hint.member);
      listable++;
      due.push(hint);
    }
  };
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      if (next >= due.length) {
        if (!more) return;
        // One listing at a time; the workers that find the list empty meanwhile wait for it.
        // A listing that fails ends the run once the hints in progress are done, and the run rejects with it.
        listing ??= list()
          .catch((err: unknown) => {
            more = false;
            failure ??= { err };
          })
          .finally(() => (listing = undefined));
        await listing;
        if (next >= due.length) return;
        continue;
      }
      const { member: id, score } = due[next++]!;
      const run = await withLease(deps.store, keys.lease.reconcile(id), opts.leaseMs, async () => {
        try {
          const outcome = await reconcile(deps, id);
          summary.reconciled++;
          if (outcome.kind === 'enqueued') summary.enqueued++;
          // Compare-and-remove in one store call: a hint that lands between a read and a remove would be lost.
          // (A hint re-scored meanwhile stays, at a score after this run's listing bound.)
          await deps.store.zremIfScore(keys.reconcileIndex, id, score);
          listable--;
        } catch (err) {
          summary.failed++;
          const wait = err instanceof UpstreamError && err.retryAfterMs ? Math.max(err.retryAfterMs, RETRY_MS) : RETRY_MS;
          deps.logger.warn({ interviewId: id, err, retryInMs: wait }, 'reconcile failed; will retry');
          // From now, not from the run's start: a long run must not schedule the retry in the past.
          if ((await deps.store.zscore(keys.reconcileIndex, id)) === score) await deps.store.zadd(keys.reconcileIndex, id, deps.now().getTime() + wait);
          // Moved past this run's listing bound, by us or by a newer hint.
          listable--;
        }
      });
      if (!run.ran) summary.skipped++;
    }
  };
  await list();
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
  if (failure) throw failure.err;
  return summary;
}
