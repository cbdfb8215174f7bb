import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Store, StoreWrite } from '../store/types.js';
import { DomainError } from './errors.js';

/** A holder usually finishes within a second or two: a client told to come back then mostly finds it done. */
const BUSY_RETRY_AFTER_MS = 2000;

/**
 * Thrown by withLock when another holder keeps the lock past the caller's waitMs. Transient, so a request
 * that meets it is told to retry; the lock name stays in the logs.
 */
export class LockBusyError extends DomainError {
  constructor(readonly lockName: string, readonly waitedMs: number) {
    super('unavailable', `lock ${lockName} is busy (waited ${waitedMs} ms)`, { safe: false, retryAfterMs: BUSY_RETRY_AFTER_MS });
    this.name = 'LockBusyError';
  }
}

/** How long a lock may be held before it expires on its own, and how long to wait for it. */
export interface LockOptions {
  /** Expiry of the lock, so a crashed holder cannot block others forever. Default 10 s. */
  ttlMs?: number;
  /** How long to keep retrying before giving up with LockBusyError. Default 5 s. */
  waitMs?: number;
  /**
   * Resolve as soon as fn is done and release the lock in the background, saving the caller a store round
   * trip. For callers whose written state tells later holders what they need (a failed release only
   * delays the next holder until the TTL).
   */
  releaseInBackground?: boolean;
  /**
   * Reject with the store's error when the lock cannot be released after fn succeeded (fn's result is then
   * dropped). For a caller about to act outside the lock on what it did inside, which must not act while the
   * store is failing, nor leave its own lock behind for the next step to wait for (deliverOne reads under
   * the lock, then PUTs, then needs the lock again to record the PUT).
   */
  mustRelease?: boolean;
}

const DEFAULT_TTL_MS = 10_000;
const DEFAULT_WAIT_MS = 5_000;

/**
 * Runs fn while holding the mutex `lock:<name>` in the store. Because the lock is a store claim
 * (SET NX PX on Redis), it excludes holders in other processes that share the same Redis.
 *
 * Meant for short critical sections (read-modify-write of a few records), never for network calls to
 * third parties: fn must finish well within ttlMs, otherwise the lock expires and another holder may enter.
 * Not reentrant: calling withLock for the same name inside fn waits for itself and fails with LockBusyError.
 */
export async function withLock<T>(store: Store, name: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const key = lockClaim(name);
  const ttlMs = opts.ttlMs ?? DEFAULT_TTL_MS;
  const waitMs = opts.waitMs ?? DEFAULT_WAIT_MS;
  // A random owner token makes release a compare-and-delete: a holder whose lock expired cannot free
  // the lock that someone else has taken since.
  const owner = randomUUID();
  const started = Date.now();
  let pause = 5;
  while (!(await store.setIfAbsent(key, owner, ttlMs))) {
    const waited = Date.now() - started;
    if (waited >= waitMs) throw new LockBusyError(name, waited);
    // Jittered, slowly growing pauses keep contending replicas from polling the store in lockstep.
    await sleep(Math.min(pause + Math.random() * pause, waitMs - waited));
    pause = Math.min(pause * 2, 100);
  }
  let releasing = false;
  try {
    const result = await fn();
    if (opts.mustRelease) {
      releasing = true;
      await store.releaseClaim(key, owner);
    }
    return result;
  } finally {
    // Otherwise a failed release must not turn finished work into an error (or mask fn's own error): the
    // TTL frees the lock anyway.
    if (!releasing) {
      const released = store.releaseClaim(key, owner).catch(() => false);
      if (!opts.releaseInBackground) await released;
    }
  }
}

/**
 * Store.claimAndRead that gives the claim back when the call fails after the store may have taken it (a
 * record that cannot be decoded, a reply lost at the command deadline): otherwise nobody would release it
 * and the lock or lease would stay for its whole TTL. The release is a compare-and-delete, harmless when
 * the claim was never taken; a failed release leaves it to its TTL.
 */
async function claimAndReadReleasing(store: Store, claim: string, owner: string, ttlMs: number, keys: readonly string[], guard?: string): ReturnType<NonNullable<Store['claimAndRead']>> {
  try {
    return await store.claimAndRead!(claim, owner, ttlMs, keys, guard);
  } catch (err) {
    await store.releaseClaim(claim, owner).catch(() => false);
    throw err;
  }
}

/** The store claim behind the lock `name` (withLock, withLockedRecord): for a guard that must find it free. */
export function lockClaim(name: string): string {
  return `lock:${name}`;
}

/**
 * withLock for the common request shape "lock, read one record, decide, write a batch, release", in as few
 * store round trips as the backend allows: on Redis the lock and the read are one call and the writes and the
 * release another (two in all); elsewhere the same steps one by one. `fn` gets the record (undefined when
 * absent) and returns its result and the writes to apply atomically before the lock is released.
 */
export async function withLockedRecord<T, R>(
  store: Store,
  name: string,
  key: string,
  fn: (current: T | undefined) => Promise<{ result: R; writes: readonly StoreWrite[] }>,
  opts: LockOptions = {},
): Promise<R> {
  return withLockedRecords(store, name, [key], ([current]) => fn(current as T | undefined), opts);
}

/** withLockedRecord over several records: `fn` gets one value per key (undefined when absent), in order. */
export async function withLockedRecords<R>(
  store: Store,
  name: string,
  keys: readonly string[],
  fn: (values: unknown[]) => Promise<{ result: R; writes: readonly StoreWrite[] }>,
  opts: LockOptions = {},
): Promise<R> {
  const claim = lockClaim(name);
  const ttlMs = opts.ttlMs ?? DEFAULT_TTL_MS;
  const waitMs = opts.waitMs ?? DEFAULT_WAIT_MS;
  const owner = randomUUID();
  const started = Date.now();
  let pause = 5;
  let values: unknown[] | undefined;
  for (;;) {
    if (store.claimAndRead) {
      const got = await claimAndReadReleasing(store, claim, owner, ttlMs, keys);
      if (got.claimed) {
        values = got.values;
        break;
      }
    } else if (await store.setIfAbsent(claim, owner, ttlMs)) {
      break;
    }
    const waited = Date.now() - started;
    if (waited >= waitMs) throw new LockBusyError(name, waited);
    await sleep(Math.min(pause + Math.random() * pause, waitMs - waited));
    pause = Math.min(pause * 2, 100);
  }
  let released = false;
  try {
    values ??= await store.getMany(keys as string[]);
    const { result, writes } = await fn(values);
    if (writes.length > 0 && store.writeAllAndRelease) {
      await store.writeAllAndRelease(writes, claim, owner);
      released = true;
    } else if (writes.length > 0) {
      await store.writeAll(writes);
    }
    return result;
  } finally {
    if (!released) {
      // A failed release (or writes that failed with it) leaves the lock to its TTL, as in withLock.
      const release = store.releaseClaim(claim, owner).catch(() => false);
      if (!opts.releaseInBackground) await release;
    }
  }
}

/** What withLease did: ran fn (with its result), or found the lease held by someone else and did nothing. */
export type LeaseOutcome<T> = { ran: true; value: T } | { ran: false };

/** The first read withLease made with the lease: the values, or `guarded` when the guard claim was held. */
export type LeaseRead = { guarded: true } | { guarded: false; values: unknown[] };

/**
 * Runs fn only if the lease `name` (a store claim: SET NX PX on Redis) can be taken now; never waits. For jobs
 * that any replica may start but only one should run at a time (a poll of one account, one interview's
 * reconcile or delivery, the retention sweep). The lease is released afterwards whatever fn did. A release
 * that fails (the store is down) is remembered, and this process's next withLease of the same name on the
 * same store releases it first: a Redis restarted with its data keeps the lease, and a poll lease (5 minutes)
 * left to its TTL would stop that account's polls for as long. (Another process cannot release it: it does
 * not know the owner; if this process is gone, the TTL frees it.)
 *
 * With `read` and a store that can (Store.claimAndRead), the lease and a first read of `read.keys` are one
 * call, made only while the guard claim (e.g. lockClaim of a lock the job would otherwise take just to read)
 * is free: fn then gets the values, or `guarded` when the guard was held (read under the lock instead).
 * Without, fn gets undefined and reads for itself.
 */
export async function withLease<T>(
  store: Store,
  name: string,
  ttlMs: number,
  fn: (first?: LeaseRead) => Promise<T>,
  read?: { keys: readonly string[]; guard: string },
): Promise<LeaseOutcome<T>> {
  const left = leftLeases(store);
  const leftOwner = left.get(name);
  if (leftOwner !== undefined && (await store.releaseClaim(name, leftOwner).then(() => true, () => false))) left.delete(name);
  const owner = randomUUID();
  let first: LeaseRead | undefined;
  if (read && store.claimAndRead) {
    const got = await claimAndReadReleasing(store, name, owner, ttlMs, read.keys, read.guard);
    if (!got.claimed) return { ran: false };
    first = got.guarded ? { guarded: true } : { guarded: false, values: got.values ?? [] };
  } else if (!(await store.setIfAbsent(name, owner, ttlMs))) {
    return { ran: false };
  }
  try {
    return { ran: true, value: await fn(first) };
  } finally {
    const released = await store.releaseClaim(name, owner).then(() => true, () => false);
    if (!released) left.set(name, owner);
  }
}

/** Leases this process took and could not release, by store: name -> owner token. */
const LEFT_LEASES = new WeakMap<Store, Map<string, string>>();

function leftLeases(store: Store): Map<string, string> {
  let m = LEFT_LEASES.get(store);
  if (!m) {
    m = new Map();
    LEFT_LEASES.set(store, m);
  }
  return m;
}
