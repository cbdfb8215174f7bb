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
  /** Members with score <= maxScore, lowest score first, at most limit. */
  zrangeByScore(index: string, maxScore: number, limit: number): Promise<Array<{ member: string; score: number }>>;
  zscore(index: string, member: string): Promise<number | undefined>;
  zcard(index: string): Promise<number>;
  /** Resolves when the backend answers; rejects with StoreUnavailableError otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class StoreUnavailableError extends Error {
  constructor(
    readonly backend: string,
    cause?: unknown,
  ) {
    super(`${backend} store is unavailable`, { cause });
    this.name = 'StoreUnavailableError';
  }
}
