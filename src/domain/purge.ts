import { getManySkipping, isRecordError } from '../store/records.js';
import type { Store } from '../store/types.js';
import { keys } from './keys.js';
import { withLock } from './lock.js';
import { attemptsKey, DEAD_INDEX, deadLetterKey, DUE_INDEX, interviewLock, outboxKey, type DeadLetter } from './outbox.js';
import type { InterviewRecord } from './types.js';

/**
 * Deleting everything the bridge keeps about one interview: the record, its report, its delivery records
 * (outbox entry, dead letter, attempt log) and its members of every index. Used by the retention job and by
 * the operator's `cli purge`. See docs/operations.md, "Candidate data retention".
 */

/** Why an interview was not purged, or that it was. */
export type PurgeOutcome =
  | { kind: 'purged'; record: InterviewRecord; deleted: string[] }
  | { kind: 'missing' }
  /** Still pending upstream: a result may yet come, and Workable would never hear of it. */
  | { kind: 'pending'; record: InterviewRecord }
  /** A result is in the outbox, not yet accepted by Workable. */
  | { kind: 'undelivered'; record: InterviewRecord }
  /** A delivery attempt is in flight right now (only with force): try again in a minute. */
  | { kind: 'delivering'; record: InterviewRecord }
  /** Active after `olderThan` (retention job only). */
  | { kind: 'recent'; record: InterviewRecord; lastActivity: number }
  /** Its record cannot be read (corrupt, or from a newer bridge): kept unless forced. */
  | { kind: 'unreadable'; reason: string }
  /** Forced over an unreadable record: what is keyed by the id, and its reports, were deleted. */
  | { kind: 'purged-by-key'; deleted: string[] };

export interface PurgeOptions {
  /** Purge even a pending interview, or one whose result has not reached Workable (operator's choice). */
  force?: boolean;
  /** Purge only if the interview's last activity is at or before this time (ms): the retention cut-off. */
  olderThan?: number;
  lockTtlMs?: number;
}

/** The sorted indexes an interview can be a member of. */
const INDEXES = [keys.expiryIndex, keys.reconcileIndex, DUE_INDEX, DEAD_INDEX];

/** Whether the interview has reached a state from which the bridge will not report anything new by itself. */
export function isFinished(record: InterviewRecord): boolean {
  // An invitation that never reached the upstream ('inviting') has nothing to wait for either.
  return record.final === true || record.phase !== 'invited' || record.current.status !== 'pending';
}

/**
 * When the bridge last did anything for this interview (ms): created, reconciled, delivered, or given up
 * on. Retention counts from here, so a result delivered or dead-lettered late keeps its full period.
 */
export function lastActivity(record: InterviewRecord, dead?: DeadLetter): number {
  const times = [record.createdAt, record.updatedAt, record.deliveredAt, dead?.deadAt].map((t) => (t ? Date.parse(t) : NaN));
  return Math.max(0, ...times.filter((t) => Number.isFinite(t)));
}

/**
 * Deletes one interview's data, under its lock (so no reconcile or delivery interleaves), unless it is
 * pending or has an undelivered result (without `force`) or was active after `olderThan`. Writes are
 * ordered so that a failure part-way leaves the record in place, and the next run deletes the rest:
 * everything found through the record goes first, the record last.
 */
export async function purgeInterview(store: Store, id: string, opts: PurgeOptions = {}): Promise<PurgeOutcome> {
  const ttlMs = opts.lockTtlMs ?? 30_000;
  return withLock(
    store,
    interviewLock(id),
    async (): Promise<PurgeOutcome> => {
      let record: InterviewRecord | undefined;
      try {
        record = await store.get<InterviewRecord>(keys.interview(id));
      } catch (err) {
        if (!isRecordError(err)) throw err;
        if (!opts.force || opts.olderThan !== undefined) return { kind: 'unreadable', reason: err.message };
        if ((await store.getClaim(keys.lease.deliver(id))) !== undefined) return { kind: 'unreadable', reason: `${err.message}; a delivery is in flight, try again in a minute` };
        // The operator's forced purge still deletes what it can find without the record: what is keyed by
        // the id, and its PDF reports, found by the interview id they carry (a walk of the reports).
        const deleted: string[] = [];
        for (const key of [...(await reportsOf(store, id)), attemptsKey(id), deadLetterKey(id), outboxKey(id), keys.interview(id)]) if (await store.delete(key)) deleted.push(key);
        for (const index of INDEXES) await store.zrem(index, id);
        return { kind: 'purged-by-key', deleted };
      }
      if (!record) return { kind: 'missing' };
      const [entry, dead] = await Promise.all([store.get(outboxKey(id)), store.get<DeadLetter>(deadLetterKey(id))]);
      if (opts.olderThan !== undefined) {
        const at = lastActivity(record, dead);
        if (at > opts.olderThan) return { kind: 'recent', record, lastActivity: at };
      }
      if (!opts.force && !isFinished(record)) return { kind: 'pending', record };
      if (!opts.force && entry !== undefined) return { kind: 'undelivered', record };
      // A PUT in flight would record its attempt after we are done, leaving an attempt log behind.
      if ((await store.getClaim(keys.lease.deliver(id))) !== undefined) return { kind: 'delivering', record };

      const deleted: string[] = [];
      const drop = async (key: string): Promise<void> => {
        if (await store.delete(key)) deleted.push(key);
      };
      if (record.reportId) await drop(keys.report(record.reportId));
      if (record.upstreamId) {
        const byUpstream = keys.byUpstreamId(record.accountId, record.upstreamId);
        // Only ours: a later interview may have taken over the upstream id's entry.
        if ((await store.get<string>(byUpstream)) === id) await drop(byUpstream);
        await store.zrem(keys.followers(record.accountId, record.upstreamId), id);
      }
      for (const key of [attemptsKey(id), deadLetterKey(id), outboxKey(id)]) await drop(key);
      for (const index of INDEXES) await store.zrem(index, id);
      await drop(keys.interview(id));
      return { kind: 'purged', record, deleted };
    },
    { ttlMs, waitMs: ttlMs },
  );
}

/** Keys of the stored reports of one interview (a walk of every report; for an operator's forced purge). */
async function reportsOf(store: Store, interviewId: string): Promise<string[]> {
  const found: string[] = [];
  for await (const page of store.scanKeys(keys.report(''))) {
    const reports = await getManySkipping<{ interviewId?: string }>(store, page, () => undefined);
    reports.forEach((r, i) => {
      if (r?.interviewId === interviewId) found.push(page[i]!);
    });
  }
  return found;
}

/**
 * Ids of the interviews whose candidate has this email (compared without regard to case); a full walk.
 * Records that cannot be read are not matched: their ids go to `unreadable` (the operator must look at them).
 */
export async function interviewsByEmail(store: Store, email: string, unreadable: string[] = []): Promise<string[]> {
  const wanted = email.trim().toLowerCase();
  const ids: string[] = [];
  for await (const page of store.scanKeys(keys.interview(''))) {
    const records = await getManySkipping<InterviewRecord>(store, page, (key) => unreadable.push(key.slice(keys.interview('').length)));
    for (const r of records) if (r?.candidate?.email?.trim().toLowerCase() === wanted && !ids.includes(r.id)) ids.push(r.id);
  }
  return ids;
}
