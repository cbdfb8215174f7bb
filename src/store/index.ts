/**
 * Store factory: the one place the rest of the bridge gets its persistence from.
 *
 * @example
 *   const store = await createStore({ kind: 'sqlite', path: 'data/bridge.sqlite' });
 *   const shared = await createStore({ kind: 'redis', url: 'redis://127.0.0.1:6379', prefix: 'wvb', logger });
 */
import { openRedisStore, type RedisStore, type StoreLogger } from './redis.js';
import { openSqliteStore, type SqliteStore } from './sqlite.js';
import type { SqliteSynchronous } from '../config/types.js';
import type { Store } from './types.js';

export { StoreUnavailableError, type Store, type StoreWrite } from './types.js';
export { RedisStore, openRedisStore, type RedisStoreOptions, type StoreLogger } from './redis.js';
export { SqliteStore, openSqliteStore } from './sqlite.js';

/** Embedded store: one SQLite file (parent directory created if needed) or ':memory:'. */
export interface SqliteStoreConfig {
  kind: 'sqlite';
  path: string;
  /** PRAGMA synchronous (store.sqlite_synchronous); default 'normal'. */
  synchronous?: SqliteSynchronous;
}

/** Shared store: every key under `prefix`, so several bridges can share one Redis. */
export interface RedisStoreConfig {
  kind: 'redis';
  url: string;
  prefix: string;
  /** Per TCP connect attempt, and the longest createStore waits for the first one. Default 2000 ms. */
  connectTimeoutMs?: number;
  /** Per command. Default 2000 ms. */
  commandTimeoutMs?: number;
  /** Receives connection-loss / restore warnings (never the URL or its password). */
  logger?: StoreLogger;
}

export type StoreConfig = SqliteStoreConfig | RedisStoreConfig;

/**
 * Opens the configured store.
 *
 * - sqlite: rejects with StoreUnavailableError if the file (or its directory) cannot be opened. The result
 *   also has `sweepExpired()`, which the scheduler should call periodically (SQLite keeps expired rows).
 * - redis: resolves even when Redis is unreachable (within connectTimeoutMs), so the process can start and
 *   report not-ready; every call then rejects with StoreUnavailableError until the background reconnect
 *   succeeds. Rejects with TypeError when `prefix` is empty.
 */
export function createStore(opts: SqliteStoreConfig): Promise<SqliteStore>;
export function createStore(opts: RedisStoreConfig): Promise<RedisStore>;
export function createStore(opts: StoreConfig): Promise<Store>;
export async function createStore(opts: StoreConfig): Promise<Store> {
  if (opts.kind === 'sqlite') return openSqliteStore(opts.path, opts.synchronous);
  return openRedisStore(opts);
}
