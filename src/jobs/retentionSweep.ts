import { keys } from '../domain/keys.js';
import { LockBusyError, withLease } from '../domain/lock.js';
import { isFinished, lastActivity, purgeInterview } from '../domain/purge.js';
import type { InterviewRecord } from '../domain/types.js';
import { getManySkipping } from '../store/records.js';
import { StoreUnavailableError, type Store } from '../store/types.js';

const DAY_MS = 24 * 3600 * 1000;
const LEASE = keys.lease.retention;

export interface RetentionDeps {
  store: Store;
  now(): Date;
  /** retention.days of config/bridge.yaml. */
  days: number;
  logger?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** The lease that keeps two replicas from sweeping at once. Default 1 hour. */
  leaseMs?: number;
}

/** What one sweep did. `kept` are finished interviews past retention that had to stay (see purgeInterview). */
export interface RetentionSummary {
  skipped: boolean;
  scanned: number;
  purged: number;
  keptUndelivered: number;
  failed: number;
  /** Records that could not be read (corrupt, or from a newer bridge): left in place and logged. */
  unreadable: number;
  cutoff?: string;
}

/**
 * Deletes every finished interview whose last activity is older than retention.days: record, report,
 * delivery records and index members. Walks every interview record once per run (a daily job: the store
 * holds at most one retention period of finished interviews, plus the pending ones); a cheap check on the
 * record picks the candidates, and purgeInterview checks again under the interview's lock. An interview
 * whose result Workable has not yet accepted is kept, and looked at again on the next run.
 */
export async function retentionSweep(deps: RetentionDeps): Promise<RetentionSummary> {
  const summary: RetentionSummary = { skipped: false, scanned: 0, purged: 0, keptUndelivered: 0, failed: 0, unreadable: 0 };
  const run = await withLease(deps.store, LEASE, deps.leaseMs ?? 3600_000, async (): Promise<RetentionSummary> => {
    const cutoff = deps.now().getTime() - deps.days * DAY_MS;
    summary.cutoff = new Date(cutoff).toISOString();
    for await (const page of deps.store.scanKeys(keys.interview(''))) {
      // A record that cannot be read is reported and left; the sweep goes on with the others.
      const records = await getManySkipping<InterviewRecord>(deps.store, page, (key, err) => {
        summary.unreadable++;
        deps.logger?.warn({ job: 'retention', key, err: err.message }, 'retention skipped a record it cannot read');
      });
      for (const record of records) {
        if (!record) continue;
        summary.scanned++;
        // A dead letter can only make the last activity later: purgeInterview reads it before deciding.
        if (!isFinished(record) || lastActivity(record) > cutoff) continue;
        try {
          const outcome = await purgeInterview(deps.store, record.id, { olderThan: cutoff, lockTtlMs: 30_000 });
          if (outcome.kind === 'purged') summary.purged++;
          else if (outcome.kind === 'undelivered' || outcome.kind === 'delivering') summary.keptUndelivered++;
        } catch (err) {
          // A store outage ends the run (the next one retries); a busy interview waits for the next run.
          if (err instanceof StoreUnavailableError || !(err instanceof LockBusyError)) throw err;
          summary.failed++;
        }
      }
    }
    if (summary.purged > 0 || summary.keptUndelivered > 0 || summary.unreadable > 0) deps.logger?.info({ job: 'retention', ...summary }, 'retention sweep');
    return summary;
  });
  return run.ran ? run.value : { ...summary, skipped: true };
}
