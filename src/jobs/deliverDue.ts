import { randomUUID } from 'node:crypto';
import type { BridgeConfig } from '../config/types.js';
import { nextDelayMs } from '../domain/backoff.js';
import { withLock } from '../domain/lock.js';
import { WorkerLoop } from './loop.js';
import {
  DUE_INDEX, interviewLock, moveToDeadLetter, outboxKey, putDue, recordAttempt, removeDeadLetter, removeFromOutbox,
  type AttemptRecord, type OutboxEntry,
} from '../domain/outbox.js';
import { StoreUnavailableError, type Store } from '../store/types.js';
import type { CallbackClient, CallbackOutcome } from '../workable/callbackClient.js';

/** The pino-like subset deliverDue logs through. */
export interface DeliveryLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Tuning of one delivery run. */
/**
 * The delivery settings of config/bridge.yaml (each documented there and in BridgeConfig) plus the
 * per-entry lease, which must exceed the callback client's timeout so no other replica sends meanwhile.
 */
export type DeliverDueConfig = Pick<BridgeConfig['delivery'], 'horizonMs' | 'baseDelayMs' | 'maxDelayMs' | 'concurrency' | 'perHostConcurrency' | 'batchSize'> & {
  leaseMs: number;
};

/** What deliverDue needs; tokenFor returns the account's Workable token, onDelivered records delivery. */
export interface DeliverDueDeps {
  store: Store;
  client: CallbackClient;
  tokenFor: (accountId: string) => string | undefined;
  /** Called after Workable accepted `hash`, outside any lock; must be idempotent (delivery is at-least-once). */
  onDelivered: (interviewId: string, hash: string, at: Date) => Promise<void>;
  logger?: DeliveryLogger;
  config: DeliverDueConfig;
  /** Told how each attempt settled (metrics); 'retry' past the horizon settles as 'dead'. */
  onSettled?: (outcome: 'delivered' | 'conflict' | 'retry' | 'dead') => void;
}

/** Counts of one run. attempted = PUTs made; dead includes entries refused before a PUT. */
export interface DeliverDueSummary {
  attempted: number;
  delivered: number;
  retried: number;
  dead: number;
  skipped: number;
}

export const DEFAULT_HORIZON_MS = 3 * 24 * 60 * 60 * 1000;
const NO_TOKEN = 'no Workable token configured for account';

type Tally = 'delivered' | 'retried' | 'dead' | 'skipped';
type Limit = <T>(fn: () => Promise<T>) => Promise<T>;

/** At most `max` calls of fn run at once; a finishing call hands its slot straight to the next waiter. */
function createLimit(max: number): Limit {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (fn) => {
    if (active < max) active += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next !== undefined) next();
      else active -= 1;
    }
  };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return '';
  }
}

/** "3 days", "2 hours", "90 minutes", "45 seconds" or "1500 ms", for operator-facing reasons. */
export function formatDuration(ms: number): string {
  const units: Array<[number, string]> = [[86_400_000, 'day'], [3_600_000, 'hour'], [60_000, 'minute'], [1000, 'second']];
  for (const [size, name] of units) {
    if (ms >= size && ms % size === 0) return `${ms / size} ${name}${ms === size ? '' : 's'}`;
  }
  return `${ms} ms`;
}

/**
 * One delivery run: PUTs due outbox entries to Workable and settles each by its outcome (see the outbox
 * module for the records). Entries leave the outbox only once Workable has them, so a process killed at any
 * point re-sends on restart. Errors of one entry are logged and counted as skipped; a store outage rejects
 * the run (with StoreUnavailableError) once the entries already in flight have settled.
 */
export async function deliverDue(deps: DeliverDueDeps, now: () => Date): Promise<DeliverDueSummary> {
  const { store, config, logger } = deps;
  const summary: DeliverDueSummary = { attempted: 0, delivered: 0, retried: 0, dead: 0, skipped: 0 };
  const due = await store.zrangeByScore(DUE_INDEX, now().getTime(), config.batchSize);
  const listed = await store.getMany<OutboxEntry>(due.map((d) => outboxKey(d.member)));
  const overall = createLimit(Math.max(1, config.concurrency));
  const perHost = new Map<string, Limit>();
  let outage: StoreUnavailableError | undefined;

  const hostLimit = (host: string): Limit => {
    const existing = perHost.get(host);
    if (existing !== undefined) return existing;
    const created = createLimit(Math.max(1, config.perHostConcurrency));
    perHost.set(host, created);
    return created;
  };

  // Host slot first, then the overall slot: an entry waiting for its busy host must not hold an overall
  // slot that an entry for another host could use.
  const tallies = due.map(({ member: id }, i) =>
    hostLimit(hostOf(listed[i]?.callbackUrl ?? ''))(() =>
      overall(async (): Promise<Tally> => {
        if (outage !== undefined) return 'skipped';
        try {
          return await deliverOne(deps, id, now, () => { summary.attempted += 1; });
        } catch (err) {
          if (err instanceof StoreUnavailableError) outage = err;
          else logger?.error({ interviewId: id, err: err instanceof Error ? err.message : String(err) }, 'delivery failed');
          return 'skipped';
        }
      }),
    ),
  );
  for (const tally of await Promise.all(tallies)) summary[tally] += 1;
  if (outage !== undefined) throw outage;
  return summary;
}

/** Lease, read, PUT (outside any lock), settle. */
async function deliverOne(deps: DeliverDueDeps, id: string, now: () => Date, onAttempt: () => void): Promise<Tally> {
  const { store, config } = deps;
  const leaseKey = `lease:deliver:${id}`;
  const owner = randomUUID();
  if (!(await store.setIfAbsent(leaseKey, owner, config.leaseMs))) return 'skipped';
  try {
    // Read under the interview lock: if a holder (say a replica killed mid-reconcile) keeps it, give up now,
    // before the PUT, rather than send and then be unable to record it, which would send it again and again.
    const entry = await withLock(store, interviewLock(id), () => store.get<OutboxEntry>(outboxKey(id)));
    if (entry === undefined) {
      // An index member without an entry: a crash between two writes, or another replica finished it.
      await withLock(store, interviewLock(id), async () => {
        if ((await store.get(outboxKey(id))) === undefined) await store.zrem(DUE_INDEX, id);
      });
      return 'skipped';
    }
    // Another replica may have tried and rescheduled it since this run listed it.
    if (Date.parse(entry.nextAttemptAt) > now().getTime()) return 'skipped';
    const token = deps.tokenFor(entry.accountId);
    if (token === undefined) return await settle(deps, entry, { kind: 'dead', error: NO_TOKEN, durationMs: 0 }, now());
    onAttempt();
    const outcome = await deps.client.put(entry.callbackUrl, token, entry.payload);
    // Record what Workable has before the entry leaves the outbox: a reconcile on another replica in
    // between would otherwise see neither the entry nor the delivered hash and queue the same result again.
    if (outcome.kind === 'delivered' || outcome.kind === 'conflict') await recordDelivered(deps, entry, now());
    return await settle(deps, entry, outcome, now());
  } finally {
    await store.releaseClaim(leaseKey, owner).catch(() => false);
  }
}

/** Tells the interview record that Workable has `sent.hash`; a store outage aborts, anything else is logged. */
async function recordDelivered(deps: DeliverDueDeps, sent: OutboxEntry, at: Date): Promise<void> {
  try {
    await deps.onDelivered(sent.interviewId, sent.hash, at);
  } catch (err) {
    if (err instanceof StoreUnavailableError) throw err;
    deps.logger?.error({ interviewId: sent.interviewId, err: err instanceof Error ? err.message : String(err) }, 'onDelivered failed');
  }
}

/** Records the attempt and moves the interview's current entry according to the outcome. */
async function settle(deps: DeliverDueDeps, sent: OutboxEntry, outcome: CallbackOutcome, at: Date): Promise<Tally> {
  const { store, config, logger } = deps;
  const id = sent.interviewId;
  const record: AttemptRecord = { at: at.toISOString(), outcome: outcome.kind, durationMs: outcome.durationMs, hash: sent.hash };
  if (outcome.status !== undefined) record.status = outcome.status;
  if (outcome.error !== undefined) record.error = outcome.error;
  const log = { interviewId: id, host: hostOf(sent.callbackUrl), status: outcome.status, durationMs: outcome.durationMs };

  const tally = await withLock(store, interviewLock(id), async (): Promise<Tally> => {
    await recordAttempt(store, id, record);
    const current = await store.get<OutboxEntry>(outboxKey(id));
    if (outcome.kind === 'delivered' || outcome.kind === 'conflict') {
      // A newer payload enqueued during the PUT stays, due now; only the payload Workable has leaves.
      if (current?.hash === sent.hash) {
        await removeFromOutbox(store, id);
        await removeDeadLetter(store, id);
      }
      return 'delivered';
    }
    if (current === undefined) return 'skipped';
    const attempts = current.attempts + 1;
    const lastError = outcome.error ?? `HTTP ${outcome.status ?? '?'}`;
    const failed: OutboxEntry = { ...current, attempts, lastError };
    if (outcome.status !== undefined) failed.lastStatus = outcome.status;
    else delete failed.lastStatus;
    if (outcome.kind === 'retry') {
      if (at.getTime() - Date.parse(current.firstEnqueuedAt) >= config.horizonMs) {
        const reason = `gave up after ${attempts} attempts over ${formatDuration(config.horizonMs)}`;
        await moveToDeadLetter(store, failed, { reason, ...statusOf(outcome), now: at });
        return 'dead';
      }
      // The callback host is failing: a newer payload waits out the same backoff.
      const delay = nextDelayMs(attempts, { baseMs: config.baseDelayMs, maxMs: config.maxDelayMs }, Math.random, outcome.retryAfterMs);
      await putDue(store, { ...failed, nextAttemptAt: new Date(at.getTime() + delay).toISOString() });
      return 'retried';
    }
    // Refused: a newer payload may well be acceptable (e.g. after a 422), so only the refused one dies.
    if (current.hash === sent.hash) {
      await moveToDeadLetter(store, failed, { reason: lastError, ...statusOf(outcome), now: at });
    }
    return 'dead';
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

/** The delivery worker the scheduler runs: delivers due entries until stopped. */
export interface DeliveryWorker {
  /** New work may be due (an entry was enqueued): look for it now. */
  kick(): void;
  /** Stops taking work and waits for the PUTs in flight to settle. */
  stop(): Promise<void>;
}

/** Today's worker: one deliverDue run after another, a full batch running again at once. */
export function startDeliveryWorker(deps: DeliverDueDeps, now: () => Date, intervalMs: number, onError: (err: unknown) => void): DeliveryWorker {
  const loop = new WorkerLoop('deliver', intervalMs, async () => {
    const s = await deliverDue(deps, now);
    return s.attempted + s.dead >= deps.config.batchSize;
  }, onError);
  loop.start();
  return { kick: () => loop.kick(), stop: () => loop.stop() };
}
