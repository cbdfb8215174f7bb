import type { AccountConfig } from '../config/types.js';
import { keys } from '../domain/keys.js';
import type { InterviewRecord } from '../domain/types.js';
import { isRecordError } from '../store/records.js';
import type { Store } from '../store/types.js';
import type { ChangeHint, Upstream } from '../upstreams/types.js';
import { markForReconcile, recordsForHint } from '../domain/hints.js';
import { withLease } from '../domain/lock.js';

export interface PollDeps {
  store: Store;
  upstreamFor: (account: AccountConfig) => Upstream;
  now(): Date;
  overlapMs: number;
  initialLookbackMs: number;
  leaseMs?: number;
  logger?: { warn(obj: object, msg: string): void };
}

export type PollSummary =
  | { accountId: string; skipped: true; reason: string }
  | { accountId: string; skipped: false; since: string; changes: number; known: number; durationMs: number };

/** A poll of one account that threw (upstream down, store failing): a failure, not a skipped cycle. */
export interface PollFailure {
  accountId: string;
  failed: true;
  error: string;
}

/** What a manual or scheduled poll reports per account. */
export type PollRun = PollSummary | PollFailure;

/**
 * Whether a listed change can be news to the record. The poll window overlaps the previous one (clock skew),
 * so most changes are listed several times; one older than the record's last reconcile by more than the
 * overlap was already seen. Within the overlap it is looked at again: a skewed upstream clock must not hide
 * a change.
 */
export function mayBeNews(record: InterviewRecord, hint: ChangeHint, overlapMs: number): boolean {
  if (record.final) return false;
  if (!hint.changedAt) return true;
  return Date.parse(hint.changedAt) + overlapMs >= Date.parse(record.updatedAt);
}

/** Hints a poll looks up and marks at once (store round trips only; the upstream is not called per hint). */
const HINT_CONCURRENCY = 16;

/** Runs fn over items, at most `width` at once; rejects with the first failure once the calls started have ended. */
async function eachAtMost<T>(width: number, items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  if (failure) throw failure.err;
}

/**
 * One poll of one account: ask the upstream what changed since the last watermark (minus an overlap for
 * clock skew) and mark the interviews the bridge knows for reconciliation. Costs upstream requests in
 * proportion to changes, not to open interviews. A lease keeps overlapping runs (any replica) apart.
 */
export async function pollOnce(deps: PollDeps, account: AccountConfig): Promise<PollSummary> {
  const run = await withLease(deps.store, keys.lease.poll(account.id), deps.leaseMs ?? 5 * 60_000, async (): Promise<PollSummary> => {
    const started = deps.now();
    const watermark = await deps.store.get<string>(keys.watermark(account.id));
    const base = watermark ? Date.parse(watermark) : started.getTime() - deps.initialLookbackMs;
    const since = new Date(base - deps.overlapMs);
    const hints = await deps.upstreamFor(account).listChangedSince(since);
    let known = 0;
    // A few hints at a time: each costs a few store round trips (its records, its followers, the mark), which
    // one after another made most of a poll's time. The first failure stops the rest and fails the poll.
    await eachAtMost(HINT_CONCURRENCY, hints, async (hint) => {
      let records;
      try {
        records = await recordsForHint(deps.store, account.id, hint);
      } catch (err) {
        // A record that cannot be read (corrupt, or from a newer bridge) loses this hint, not the poll.
        if (!isRecordError(err)) throw err;
        deps.logger?.warn({ accountId: account.id, upstreamId: hint.upstreamId, err: err.message }, 'poll skipped a change: its record cannot be read');
        return;
      }
      if (records.length === 0) return;
      known++;
      for (const record of records) if (mayBeNews(record, hint, deps.overlapMs)) await markForReconcile(deps, record.id, started);
    });
    // The next poll starts from when this one started: anything changed during it is seen again (overlap).
    await deps.store.set(keys.watermark(account.id), started.toISOString());
    return { accountId: account.id, skipped: false, since: since.toISOString(), changes: hints.length, known, durationMs: deps.now().getTime() - started.getTime() };
  });
  return run.ran ? run.value : { accountId: account.id, skipped: true, reason: 'a poll of this account is already running' };
}
