import { keys } from './keys.js';
import { getManySkipping } from '../store/records.js';
import type { Store, StoreWrite } from '../store/types.js';
import type { WorkableResult } from '../workable/payload.js';
import { withLock } from './lock.js';

/**
 * The outbox: results that must reach Workable, kept in the store until Workable has them.
 *
 * Keys: `outbox:<id>` (entry) + zset `outbox:due` (score = nextAttemptAt ms); `deadletter:<id>` + zset
 * `deadletters` (score = when it died); `attempts:<id>` (the last ATTEMPT_LOG_SIZE attempts).
 * Every change to an interview's entries happens under withLock(`interview:<id>`). Enqueueing is one
 * Store.writeAll (entry, index member and any revived dead letter together, with the interview record when
 * reconcile enqueues). Settling a delivery (attempt log, record, entry, dead letter) and an operator's
 * redeliver are one writeAll too, so no crash leaves half of one; an index member without an entry (a record
 * written by an older bridge, or removed by an operator's purge) is cleaned up by deliverDue.
 */
export interface OutboxEntry {
  interviewId: string;
  accountId: string;
  callbackUrl: string;
  payload: WorkableResult;
  /** Hash of payload, compared with the interview's deliveredHash for level-triggered delivery. */
  hash: string;
  /** When the current payload was enqueued. */
  enqueuedAt: string;
  /** When this interview entered the outbox; the give-up horizon counts from here. */
  firstEnqueuedAt: string;
  attempts: number;
  nextAttemptAt: string;
  lastError?: string;
  lastStatus?: number;
}

/** A result Workable refused, or that could not be delivered within the horizon. */
export interface DeadLetter extends OutboxEntry {
  deadAt: string;
  reason: string;
  status?: number;
}

/** One row of the attempt log. */
export interface AttemptRecord {
  at: string;
  status?: number;
  outcome: 'delivered' | 'conflict' | 'retry' | 'dead';
  error?: string;
  durationMs: number;
  hash: string;
}

/** What enqueue did: a new entry, a newer payload on a pending entry, a dead letter brought back, or nothing. */
export type EnqueueResult = 'queued' | 'replaced' | 'revived' | 'unchanged';

export const DUE_INDEX = keys.outboxIndex;
export const DEAD_INDEX = keys.deadLetterIndex;
/** Attempts an interview's log keeps (the newest). */
export const ATTEMPT_LOG_SIZE = 50;
/** The attempt log expires this long after its last attempt (retention deletes it with the interview sooner, if sooner). */
export const ATTEMPT_LOG_TTL_MS = 30 * 24 * 3600 * 1000;
/** zrangeByScore with "everything": a finite bound, since not every backend accepts Infinity. */
const ALL = Number.MAX_SAFE_INTEGER;

export const outboxKey = keys.outbox;
export const deadLetterKey = keys.deadLetter;
export const attemptsKey = keys.attempts;
/** Name for withLock guarding everything the bridge stores about one interview. */
export const interviewLock = (id: string): string => `interview:${id}`;

/** What enqueue takes: the interview's current Workable payload and its hash. */
export interface EnqueueInput {
  interviewId: string;
  accountId: string;
  callbackUrl: string;
  payload: WorkableResult;
  hash: string;
}

/**
 * Puts a result in the outbox, due now. The newest result wins: a pending entry's payload is replaced
 * (keeping its attempt count and horizon), and a dead letter with a different payload is replaced and
 * revived. Enqueueing the payload already pending or dead-lettered (same hash) changes nothing, so a
 * reconcile loop that re-enqueues on every cycle neither defeats backoff nor resurrects a refused result.
 * Takes withLock(`interview:<id>`); a caller already holding it uses enqueueLocked (the lock is not reentrant).
 */
export async function enqueue(store: Store, e: EnqueueInput, now: Date): Promise<EnqueueResult> {
  return withLock(store, interviewLock(e.interviewId), () => enqueueLocked(store, e, now));
}

/** enqueue for a caller that already holds withLock(`interview:<id>`), e.g. reconcile. */
export async function enqueueLocked(store: Store, e: EnqueueInput, now: Date): Promise<EnqueueResult> {
  const { result, writes } = await planEnqueue(store, e, now);
  await store.writeAll(writes);
  return result;
}

/**
 * What enqueueLocked would write, without writing it: for a caller that must store the result together
 * with other state in one Store.writeAll (reconcile writes the interview record and its outbox entry at
 * once, so a store failure can never leave a final record whose result nothing will send). Reads the
 * current entry and dead letter; the caller holds withLock(`interview:<id>`) until the writes are made.
 */
export async function planEnqueue(store: Store, e: EnqueueInput, now: Date): Promise<{ result: EnqueueResult; writes: StoreWrite[] }> {
  const id = e.interviewId;
  const at = now.toISOString();
  const existing = await store.get<OutboxEntry>(outboxKey(id));
  if (existing !== undefined) {
    if (existing.hash === e.hash) return { result: 'unchanged', writes: [] };
    return { result: 'replaced', writes: dueWrites({ ...existing, ...e, enqueuedAt: at, nextAttemptAt: at }) };
  }
  const dead = await store.get<DeadLetter>(deadLetterKey(id));
  if (dead?.hash === e.hash) return { result: 'unchanged', writes: [] };
  const writes = dueWrites({ ...e, enqueuedAt: at, firstEnqueuedAt: at, attempts: 0, nextAttemptAt: at });
  if (dead === undefined) return { result: 'queued', writes };
  return { result: 'revived', writes: [...writes, { op: 'delete', key: deadLetterKey(id) }, { op: 'zrem', index: DEAD_INDEX, member: id }] };
}

/** An entry and its due-index member, as one writeAll's writes. */
export function dueWrites(entry: OutboxEntry): StoreWrite[] {
  return [
    { op: 'set', key: outboxKey(entry.interviewId), value: entry },
    { op: 'zadd', index: DUE_INDEX, member: entry.interviewId, score: Date.parse(entry.nextAttemptAt) },
  ];
}

/** Entries due at `now`, earliest first. */
export async function listDue(store: Store, now: Date, limit: number): Promise<OutboxEntry[]> {
  const due = await store.zrangeByScore(DUE_INDEX, now.getTime(), limit);
  const entries = await getManySkipping<OutboxEntry>(store, due.map((d) => outboxKey(d.member)), () => undefined);
  return entries.filter((x): x is OutboxEntry => x !== undefined);
}

/** Dead letters, oldest first. */
export async function listDeadLetters(store: Store, limit: number): Promise<DeadLetter[]> {
  const dead = await store.zrangeByScore(DEAD_INDEX, ALL, limit);
  // A letter that cannot be read is left out of the list (its own commands report it), not the whole list.
  const letters = await getManySkipping<DeadLetter>(store, dead.map((d) => deadLetterKey(d.member)), () => undefined);
  return letters.filter((x): x is DeadLetter => x !== undefined);
}

/**
 * Operator action: sends a dead letter again, due now, with a fresh attempt count and horizon.
 * False when the interview has no dead letter.
 */
export async function redeliver(store: Store, interviewId: string, now: Date): Promise<boolean> {
  return withLock(store, interviewLock(interviewId), async () => {
    const dead = await store.get<DeadLetter>(deadLetterKey(interviewId));
    if (dead === undefined) return false;
    const at = now.toISOString();
    const pending = await store.get<OutboxEntry>(outboxKey(interviewId));
    // A pending entry can only be newer (enqueue replaces dead letters), so it is the one to send.
    const { deadAt: _deadAt, reason: _reason, status: _status, ...base } = dead;
    const entry: OutboxEntry = pending ?? { ...base, attempts: 0, firstEnqueuedAt: at };
    await store.writeAll([...dueWrites({ ...entry, nextAttemptAt: at }), ...deadLetterRemovalWrites(interviewId)]);
    return true;
  });
}

/** The attempt log of one interview, oldest first. */
export async function getAttempts(store: Store, interviewId: string): Promise<AttemptRecord[]> {
  return (await store.get<AttemptRecord[]>(attemptsKey(interviewId))) ?? [];
}

/** Number of results waiting for delivery. */
export async function outboxSize(store: Store): Promise<number> {
  return store.zcard(DUE_INDEX);
}

/** Number of dead letters. */
export async function deadLetterCount(store: Store): Promise<number> {
  return store.zcard(DEAD_INDEX);
}

/** The attempt log with `attempt` appended, capped and expiring, as a write (the caller read `log` under the lock). */
export function attemptLogWrite(interviewId: string, log: AttemptRecord[] | undefined, attempt: AttemptRecord): StoreWrite {
  return { op: 'set', key: attemptsKey(interviewId), value: [...(log ?? []), attempt].slice(-ATTEMPT_LOG_SIZE), ttlMs: ATTEMPT_LOG_TTL_MS };
}

/** A delivered entry leaving the outbox, as writes. */
export function outboxRemovalWrites(interviewId: string): StoreWrite[] {
  return [
    { op: 'delete', key: outboxKey(interviewId) },
    { op: 'zrem', index: DUE_INDEX, member: interviewId },
  ];
}

/** An entry moving to the dead letters, as writes. */
export function deadLetterWrites(entry: OutboxEntry, d: { reason: string; status?: number; now: Date }): StoreWrite[] {
  const letter: DeadLetter = { ...entry, deadAt: d.now.toISOString(), reason: d.reason };
  if (d.status !== undefined) letter.status = d.status;
  return [
    { op: 'set', key: deadLetterKey(entry.interviewId), value: letter },
    { op: 'zadd', index: DEAD_INDEX, member: entry.interviewId, score: d.now.getTime() },
    ...outboxRemovalWrites(entry.interviewId),
  ];
}

/** A dead letter and its index member going, as writes. */
export function deadLetterRemovalWrites(interviewId: string): StoreWrite[] {
  return [
    { op: 'delete', key: deadLetterKey(interviewId) },
    { op: 'zrem', index: DEAD_INDEX, member: interviewId },
  ];
}
