/**
 * The bridge's persistence. Records are JSON values kept through keyv (SQLite embedded by default, Redis
 * in production). The few operations keyv cannot do atomically (claims, sorted indexes, leases) are done
 * natively by each backend: Redis commands, or SQL tables beside keyv's own table in the same SQLite file.
 *
 * Every method rejects with StoreUnavailableError when the backend cannot be reached, quickly (no hang).
 */
export interface Store {
  readonly kind: 'sqlite' | 'redis';
  get<T>(key: string): Promise<T | undefined>;
  getMany<T>(keys: string[]): Promise<Array<T | undefined>>;
  set<T>(key: string, value: T, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<boolean>;
  /** Atomically sets key only if absent (or expired). True when this caller set it. */
  setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean>;
  /** Reads a value written by setIfAbsent. */
  getClaim(key: string): Promise<string | undefined>;
  /** Deletes a claim only if it still holds `value` (compare-and-delete). */
  releaseClaim(key: string, value: string): Promise<boolean>;
  /** Sorted index: add or move member to score. */
  zadd(index: string, member: string, score: number): Promise<void>;
  zrem(index: string, member: string): Promise<void>;
  /**
   * Removes member only while its score is still `score` (compare-and-remove, atomic): a member moved to a
   * new score since it was read stays. True when it was removed.
   */
  zremIfScore(index: string, member: string, score: number): Promise<boolean>;
  /** Members with score <= maxScore, lowest score first, at most limit. */
  zrangeByScore(index: string, maxScore: number, limit: number): Promise<Array<{ member: string; score: number }>>;
  zscore(index: string, member: string): Promise<number | undefined>;
  zcard(index: string): Promise<number>;
  /**
   * Keys of the records (get/set, not claims or sorted indexes) that start with `prefix`, in pages of at
   * most `pageSize`. A full walk of the store for rare jobs (retention, an operator's purge), not for
   * request paths. Records written or deleted during the walk may or may not be listed; an expired record
   * may be listed (reading it gives undefined).
   */
  scanKeys(prefix: string, pageSize?: number): AsyncIterable<string[]>;
  /**
   * Applies every write or none of them (Redis MULTI/EXEC, one SQLite transaction), in order. For state
   * that must never be seen half-written, e.g. an interview marked final and the outbox entry that carries
   * its result. A rejection means none was applied, unless it is a reply lost after the store committed
   * (a Redis command deadline): then all were. Never a part. Records written here read back through get().
   */
  writeAll(writes: readonly StoreWrite[]): Promise<void>;
  /** Resolves when the backend answers; rejects with StoreUnavailableError otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /**
   * Capabilities of one backend, absent on the others (callers test for them instead of for a class).
   * A store used by one process only (SQLite): claims under `prefix` found at start-up were left by a process
   * that died holding them; releases them and says how many.
   */
  releaseStaleClaims?(prefix: string): Promise<number>;
  /** A backend that keeps expired rows until read (SQLite): deletes them; the scheduler calls it hourly. */
  sweepExpired?(): Promise<unknown>;
  /**
   * A networked backend (Redis) saves round trips: setIfAbsent(claim, owner, ttlMs) and, when it succeeded,
   * getMany(keys), in one atomic call. With `guard` (another claim's key): when that claim is held by anyone,
   * the claim is still taken but nothing is read (`guarded: true`). `values` (one per key, undefined when
   * absent) comes only when `claimed` and not `guarded`.
   */
  claimAndRead?(claim: string, owner: string, ttlMs: number, keys: readonly string[], guard?: string): Promise<ClaimRead>;
  /** writeAll(writes), then releaseClaim(claim, owner), in one atomic call (all or nothing, as writeAll). */
  writeAllAndRelease?(writes: readonly StoreWrite[], claim: string, owner: string): Promise<void>;
}

/** What {@link Store.claimAndRead} did. */
export interface ClaimRead {
  claimed: boolean;
  guarded?: boolean;
  values?: unknown[];
}

/** One write of {@link Store.writeAll}: a record (set/delete) or a sorted-index member (zadd/zrem). */
export type StoreWrite =
  | { op: 'set'; key: string; value: unknown; ttlMs?: number }
  | { op: 'delete'; key: string }
  | { op: 'zadd'; index: string; member: string; score: number }
  | { op: 'zrem'; index: string; member: string };

export class StoreUnavailableError extends Error {
  constructor(
    readonly backend: string,
    cause?: unknown,
    /** What an operator can act on (e.g. the file that cannot be opened), shown after the message. */
    detail?: string,
  ) {
    super(`${backend} store is unavailable${detail ? `: ${detail}` : ''}`, { cause });
    this.name = 'StoreUnavailableError';
  }
}
