/**
 * Delivery as a use case: how one PUT to Workable settles (the attempt log, the outbox entry, a retry with
 * backoff or a dead letter), and what Workable having a result means for the interview record. The job
 * (jobs/deliverDue.ts) keeps the batching, the leases and the concurrency.
 */
import type { BridgeConfig } from '../config/types.js';
import { StoreUnavailableError, type Store } from '../store/types.js';
import type { CallbackOutcome } from '../workable/callbackClient.js';
import { nextDelayMs } from './backoff.js';
import { keys } from './keys.js';
import { withLockedRecords } from './lock.js';
import {
  attemptLogWrite, attemptsKey, deadLetterKey, deadLetterRemovalWrites, deadLetterWrites, dueWrites, interviewLock, outboxKey, outboxRemovalWrites,
  type AttemptRecord, type DeadLetter, type OutboxEntry,
} from './outbox.js';
import type { StoreWrite } from '../store/types.js';
import type { InterviewRecord } from './types.js';

/** The pino-like subset deliverDue logs through. */
export interface DeliveryLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** How one entry ended in a run. */
export type Tally = 'delivered' | 'retried' | 'dead' | 'skipped';


/** What settling needs: the store, the retry settings, and who is told. */
export interface SettleDeps {
  store: Store;
  config: Pick<BridgeConfig['delivery'], 'horizonMs' | 'baseDelayMs' | 'maxDelayMs'>;
  /**
   * Called after Workable accepted `hash`, while the interview lock is held (so it must not take that lock
   * itself); must be idempotent (delivery is at-least-once). Default: the interview record gets
   * `deliveredHash` and `deliveredAt` in the settle's own writes (a reconcile then sends only news).
   */
  onDelivered?: (interviewId: string, hash: string, at: Date) => Promise<void>;
  logger?: DeliveryLogger;
  /** Told how each attempt settled (metrics); 'retry' past the horizon settles as 'dead'. */
  onSettled?: (outcome: 'delivered' | 'conflict' | 'retry' | 'dead') => void;
}

/** The callback host, lower-cased, for logs and per-host concurrency ("" when the URL does not parse). */
export function hostOf(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return '';
  }
}

/** "3 days", "2 hours", "90 minutes", "45 seconds" or "1500 ms", for operator-facing reasons. */
function spanInWords(ms: number): string {
  const units: Array<[number, string]> = [[86_400_000, 'day'], [3_600_000, 'hour'], [60_000, 'minute'], [1000, 'second']];
  for (const [size, name] of units) {
    if (ms >= size && ms % size === 0) return `${ms / size} ${name}${ms === size ? '' : 's'}`;
  }
  return `${ms} ms`;
}

/**
 * Tells a custom onDelivered that Workable has `sent.hash`, under the interview lock the caller holds; a store
 * outage aborts (the entry stays and is sent again), anything else is logged.
 */
async function notifyDelivered(deps: SettleDeps, onDelivered: NonNullable<SettleDeps['onDelivered']>, sent: OutboxEntry, at: Date): Promise<void> {
  try {
    await onDelivered(sent.interviewId, sent.hash, at);
  } catch (err) {
    if (err instanceof StoreUnavailableError) throw err;
    deps.logger?.error({ interviewId: sent.interviewId, err }, 'onDelivered failed');
  }
}

/**
 * Records the attempt and moves the interview's current entry according to the outcome: under the interview
 * lock, reading the attempt log, the entry, the record and any dead letter with the lock (one call on Redis),
 * and writing everything the outcome changes in one Store.writeAll with the release (all or nothing).
 */
export async function settleDelivery(deps: SettleDeps, sent: OutboxEntry, outcome: CallbackOutcome, at: Date): Promise<Tally> {
  const { store, config, logger } = deps;
  const id = sent.interviewId;
  const attempt: AttemptRecord = { at: at.toISOString(), outcome: outcome.kind, durationMs: outcome.durationMs, hash: sent.hash };
  if (outcome.status !== undefined) attempt.status = outcome.status;
  if (outcome.error !== undefined) attempt.error = outcome.error;
  const log = { interviewId: id, host: hostOf(sent.callbackUrl), status: outcome.status, durationMs: outcome.durationMs };

  const reads = [attemptsKey(id), outboxKey(id), keys.interview(id), deadLetterKey(id)];
  const tally = await withLockedRecords(store, interviewLock(id), reads, async (values): Promise<{ result: Tally; writes: StoreWrite[] }> => {
    const [attempts, current, record, dead] = values as [AttemptRecord[] | undefined, OutboxEntry | undefined, InterviewRecord | undefined, DeadLetter | undefined];
    const writes: StoreWrite[] = [attemptLogWrite(id, attempts, attempt)];
    if (outcome.kind === 'delivered' || outcome.kind === 'conflict') {
      // What Workable has is recorded in the same writes that take the entry out of the outbox: a reconcile
      // (which takes this lock too) sees either the entry or the delivered hash, never neither; and when the
      // lock cannot be had or the writes fail, neither happens and the entry is sent again (at-least-once).
      if (deps.onDelivered) await notifyDelivered(deps, deps.onDelivered, sent, at);
      else if (record) writes.push({ op: 'set', key: keys.interview(id), value: { ...record, deliveredHash: sent.hash, deliveredAt: at.toISOString() } });
      // A newer payload enqueued during the PUT stays, due now; only the payload Workable has leaves.
      if (current?.hash === sent.hash) {
        writes.push(...outboxRemovalWrites(id));
        if (dead) writes.push(...deadLetterRemovalWrites(id));
      }
      return { result: 'delivered', writes };
    }
    if (current === undefined) return { result: 'skipped', writes };
    const count = current.attempts + 1;
    const lastError = outcome.error ?? `HTTP ${outcome.status ?? '?'}`;
    const failed: OutboxEntry = { ...current, attempts: count, lastError };
    if (outcome.status !== undefined) failed.lastStatus = outcome.status;
    else delete failed.lastStatus;
    if (outcome.kind === 'retry') {
      if (at.getTime() - Date.parse(current.firstEnqueuedAt) >= config.horizonMs) {
        const reason = `gave up after ${count} attempts over ${spanInWords(config.horizonMs)}`;
        return { result: 'dead', writes: [...writes, ...deadLetterWrites(failed, { reason, ...statusOf(outcome), now: at })] };
      }
      // The callback host is failing: a newer payload waits out the same backoff.
      const delay = nextDelayMs(count, { baseMs: config.baseDelayMs, maxMs: config.maxDelayMs }, Math.random, outcome.retryAfterMs);
      return { result: 'retried', writes: [...writes, ...dueWrites({ ...failed, nextAttemptAt: new Date(at.getTime() + delay).toISOString() })] };
    }
    // Refused: a newer payload may well be acceptable (e.g. after a 422), so only the refused one dies.
    if (current.hash === sent.hash) writes.push(...deadLetterWrites(failed, { reason: lastError, ...statusOf(outcome), now: at }));
    return { result: 'dead', writes };
  });

  if (tally !== 'skipped') deps.onSettled?.(tally === 'delivered' ? (outcome.kind === 'conflict' ? 'conflict' : 'delivered') : tally === 'retried' ? 'retry' : 'dead');
  if (tally === 'delivered') logger?.info({ ...log, outcome: outcome.kind }, 'result delivered to Workable');
  else if (tally === 'retried') logger?.warn({ ...log, error: outcome.error }, 'delivery failed, will retry');
  else if (tally === 'dead') logger?.error({ ...log, error: outcome.error }, 'delivery dead-lettered');
  return tally;
}

function statusOf(outcome: CallbackOutcome): { status?: number } {
  return outcome.status === undefined ? {} : { status: outcome.status };
}

