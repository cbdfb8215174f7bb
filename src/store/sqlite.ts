/**
 * Embedded SQLite backend. Records go through keyv + @keyv/sqlite (table `keyv`); claims and sorted indexes
 * live in two extra tables of the same file, reached through the adapter's own connection (`query`), so one
 * file holds everything and every statement below is atomic on its own. writeAll runs several statements as
 * one transaction on that same connection, with every other call held back until it has committed or rolled
 * back (a statement of another caller slipping in between would otherwise join, or be undone with, it).
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KeyvSqlite } from '@keyv/sqlite';
import { Keyv } from 'keyv';
import type { DeserializedData } from 'keyv';
import { deserializeStored, passesThrough } from './records.js';
import { checkScore, checkWrites, encodeRecord, KeyvRecords, normalizeTtl } from './keyvStore.js';
import type { SqliteSynchronous } from '../config/types.js';
import { StoreUnavailableError, type Store, type StoreWrite } from './types.js';

const BACKEND = 'sqlite';
/** How long a statement waits for another connection's write lock before failing (SQLITE_BUSY). */
const BUSY_TIMEOUT_MS = 5000;

const SCHEMA = [
  // WAL lets readers proceed during a write and makes concurrent processes on one file far less likely to block.
  'PRAGMA journal_mode = WAL',
  'CREATE TABLE IF NOT EXISTS claims (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at INTEGER)',
  'CREATE TABLE IF NOT EXISTS zset (idx TEXT NOT NULL, member TEXT NOT NULL, score REAL NOT NULL, PRIMARY KEY (idx, member))',
  'CREATE INDEX IF NOT EXISTS zset_by_score ON zset (idx, score)',
];

/** PRAGMA synchronous answers a number: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA. */
const SYNCHRONOUS_NAMES: Record<number, string> = { 0: 'off', 1: 'normal', 2: 'full', 3: 'extra' };

/** Escapes LIKE's wildcards (with ESCAPE '\\'), so a prefix matches only itself. */
const likeEscape = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The SQLite-backed Store. Create it with {@link openSqliteStore} (or `createStore({ kind: 'sqlite', ... })`). */
export class SqliteStore extends KeyvRecords implements Store {
  readonly kind = 'sqlite' as const;
  #closed = false;
  /** Calls started through run() that have not settled; a transaction starts only once they have. */
  #inFlight = 0;
  #drained: (() => void) | undefined;
  /** Set while writeAll owns the connection; every other call waits for it. */
  #exclusive: Promise<void> | undefined;

  private constructor(
    private readonly adapter: KeyvSqlite,
    keyv: Keyv<unknown>,
  ) {
    super(keyv);
  }

  /** @internal Opens the file and creates the tables; used by openSqliteStore. */
  static async open(path: string, synchronous: SqliteSynchronous = 'normal'): Promise<SqliteStore> {
    const adapter = new KeyvSqlite({ uri: `sqlite://${path}`, busyTimeout: BUSY_TIMEOUT_MS });
    // No namespace: the file belongs to one bridge, and keyv's "ns:" prefixing would make "ns:x" and "x" collide.
    const keyv = new Keyv<unknown>(adapter, {
      namespace: undefined,
      serialize: (data) => JSON.stringify(data),
      deserialize: <Value>(text: string) => deserializeStored<DeserializedData<Value>>(text),
      throwOnErrors: true,
    });
    const store = new SqliteStore(adapter, keyv);
    try {
      for (const sql of SCHEMA) await adapter.query(sql);
      // Durability (store.sqlite_synchronous): NORMAL with WAL syncs at checkpoints, so a process crash loses
      // nothing committed but a power loss may lose the last commits; FULL syncs the WAL at every commit.
      await adapter.query(`PRAGMA synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    } catch (error) {
      await adapter.close().catch(() => undefined);
      // The path and SQLite's reason (e.g. SQLITE_CANTOPEN for a folder or an unwritable place) say what to fix.
      throw new StoreUnavailableError(BACKEND, error, `cannot open ${path} (${error instanceof Error ? error.message : String(error)})`);
    }
    return store;
  }

  /** The durability settings in force on this connection, read back from SQLite (for logs and /readyz). */
  async durability(): Promise<{ journalMode: string; synchronous: string }> {
    return this.run(async () => {
      const [journal] = await this.#rows<{ journal_mode: string }>('PRAGMA journal_mode');
      const [sync] = await this.#rows<{ synchronous: number }>('PRAGMA synchronous');
      return { journalMode: String(journal?.journal_mode ?? 'unknown'), synchronous: SYNCHRONOUS_NAMES[Number(sync?.synchronous)] ?? 'unknown' };
    });
  }

  /** Runs a backend call, turning any backend failure into StoreUnavailableError (caller bugs stay as-is). */
  protected async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new StoreUnavailableError(BACKEND, new Error('store is closed'));
    while (this.#exclusive) await this.#exclusive;
    this.#inFlight += 1;
    try {
      return await fn();
    } catch (error) {
      if (passesThrough(error)) throw error;
      throw new StoreUnavailableError(BACKEND, error);
    } finally {
      this.#inFlight -= 1;
      if (this.#inFlight === 0 && this.#drained) {
        const drained = this.#drained;
        this.#drained = undefined;
        drained();
      }
    }
  }

  /**
   * One transaction (BEGIN IMMEDIATE … COMMIT, ROLLBACK on any failure), so the writes are all on file or
   * none is. Other calls of this store wait while it runs; other processes on the file wait for SQLite's
   * write lock (busy timeout).
   */
  writeAll(writes: readonly StoreWrite[]): Promise<void> {
    return this.#transaction(writes);
  }

  /** The writes and the compare-and-delete of the claim in one transaction (one commit instead of two). */
  writeAllAndRelease(writes: readonly StoreWrite[], claim: string, owner: string): Promise<void> {
    return this.#transaction(writes, { claim, owner });
  }

  // One connection per process (the .pid lock keeps other bridges off the file): two handles on one file in one
  // process could starve libuv's thread pool, each waiting on SQLite's lock the other's next statement holds.
  async #transaction(writes: readonly StoreWrite[], held?: { claim: string; owner: string }): Promise<void> {
    if (writes.length === 0 && held === undefined) return;
    if (this.#closed) throw new StoreUnavailableError(BACKEND, new Error('store is closed'));
    checkWrites(writes);
    while (this.#exclusive) await this.#exclusive;
    let release!: () => void;
    this.#exclusive = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      if (this.#inFlight > 0) await new Promise<void>((resolve) => { this.#drained = resolve; });
      if (this.#closed) throw new StoreUnavailableError(BACKEND, new Error('store is closed'));
      await this.adapter.query('BEGIN IMMEDIATE');
      try {
        for (const w of writes) await this.#apply(w);
        // As releaseClaim: only while it still holds the owner's value (an expired one is gone anyway).
        if (held) await this.adapter.query('DELETE FROM claims WHERE key = ? AND value = ?', held.claim, held.owner);
        await this.adapter.query('COMMIT');
      } catch (error) {
        await this.adapter.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    } catch (error) {
      if (passesThrough(error)) throw error;
      throw new StoreUnavailableError(BACKEND, error);
    } finally {
      this.#exclusive = undefined;
      release();
    }
  }

  /** One write of a writeAll transaction, as the single-call methods (and keyv's own adapter) make it. */
  async #apply(w: StoreWrite): Promise<void> {
    if (w.op === 'set') {
      await this.adapter.query(
        'INSERT INTO keyv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
        w.key,
        encodeRecord(w.key, w.value, normalizeTtl(w.ttlMs)),
      );
    } else if (w.op === 'delete') {
      await this.adapter.query('DELETE FROM keyv WHERE key = ?', w.key);
    } else if (w.op === 'zadd') {
      await this.adapter.query(
        'INSERT INTO zset (idx, member, score) VALUES (?, ?, ?) ON CONFLICT (idx, member) DO UPDATE SET score = excluded.score',
        w.index,
        w.member,
        w.score,
      );
    } else {
      await this.adapter.query('DELETE FROM zset WHERE idx = ? AND member = ?', w.index, w.member);
    }
  }

  async #rows<R>(sql: string, ...params: unknown[]): Promise<R[]> {
    // @keyv/sqlite types query's result as any; every statement here selects the columns named in R.
    return (await this.adapter.query(sql, ...params)) as R[];
  }

  setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    return this.run(async () => {
      const ttl = normalizeTtl(ttlMs);
      const now = Date.now();
      // One statement: insert, or take over a row whose claim has expired; RETURNING yields a row only if we wrote.
      const rows = await this.#rows<{ key: string }>(
        `INSERT INTO claims (key, value, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
         WHERE claims.expires_at IS NOT NULL AND claims.expires_at <= ?
         RETURNING key`,
        key,
        value,
        ttl === undefined ? null : now + ttl,
        now,
      );
      return rows.length === 1;
    });
  }

  getClaim(key: string): Promise<string | undefined> {
    return this.run(async () => {
      const rows = await this.#rows<{ value: string }>(
        'SELECT value FROM claims WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)',
        key,
        Date.now(),
      );
      return rows[0]?.value;
    });
  }

  releaseClaim(key: string, value: string): Promise<boolean> {
    return this.run(async () => {
      // An expired claim counts as already gone, as it would on Redis.
      const rows = await this.#rows<{ key: string }>(
        'DELETE FROM claims WHERE key = ? AND value = ? AND (expires_at IS NULL OR expires_at > ?) RETURNING key',
        key,
        value,
        Date.now(),
      );
      return rows.length === 1;
    });
  }

  zadd(index: string, member: string, score: number): Promise<void> {
    return this.run(async () => {
      checkScore(score, 'score');
      await this.#rows(
        'INSERT INTO zset (idx, member, score) VALUES (?, ?, ?) ON CONFLICT (idx, member) DO UPDATE SET score = excluded.score',
        index,
        member,
        score,
      );
    });
  }

  zrem(index: string, member: string): Promise<void> {
    return this.run(async () => {
      await this.#rows('DELETE FROM zset WHERE idx = ? AND member = ?', index, member);
    });
  }

  zremIfScore(index: string, member: string, score: number): Promise<boolean> {
    return this.run(async () => {
      checkScore(score, 'score');
      const removed = await this.#rows<{ member: string }>('DELETE FROM zset WHERE idx = ? AND member = ? AND score = ? RETURNING member', index, member, score);
      return removed.length > 0;
    });
  }

  zrangeByScore(index: string, maxScore: number, limit: number): Promise<Array<{ member: string; score: number }>> {
    if (!(limit >= 1)) return Promise.resolve([]);
    return this.run(async () => {
      checkScore(maxScore, 'maxScore');
      // Ties ordered by member (binary), matching Redis.
      return this.#rows<{ member: string; score: number }>(
        'SELECT member, score FROM zset WHERE idx = ? AND score <= ? ORDER BY score, member LIMIT ?',
        index,
        maxScore,
        Math.floor(limit),
      );
    });
  }

  zscore(index: string, member: string): Promise<number | undefined> {
    return this.run(async () => {
      const rows = await this.#rows<{ score: number }>('SELECT score FROM zset WHERE idx = ? AND member = ?', index, member);
      return rows[0]?.score;
    });
  }

  zcard(index: string): Promise<number> {
    return this.run(async () => {
      const rows = await this.#rows<{ n: number }>('SELECT COUNT(*) AS n FROM zset WHERE idx = ?', index);
      return rows[0]?.n ?? 0;
    });
  }

  async *scanKeys(prefix: string, pageSize = 500): AsyncIterable<string[]> {
    const limit = Math.max(1, Math.floor(pageSize));
    let after: string | undefined;
    for (;;) {
      // Keyset pagination over the primary key from `prefix` on (binary order, where LIKE would ignore
      // case): each page is one short statement, so a long walk never holds the file.
      const rows = await this.run(() =>
        after === undefined
          ? this.#rows<{ key: string }>('SELECT key FROM keyv WHERE key >= ? ORDER BY key LIMIT ?', prefix, limit)
          : this.#rows<{ key: string }>('SELECT key FROM keyv WHERE key > ? ORDER BY key LIMIT ?', after, limit),
      );
      const page = rows.map((r) => r.key).filter((k) => k.startsWith(prefix));
      if (page.length > 0) yield page;
      // Sorted keys: the first one past the prefix ends the range.
      if (rows.length < limit || page.length < rows.length) return;
      after = rows[rows.length - 1]!.key;
    }
  }

  /**
   * Drops every expiring claim whose key starts with `prefix` (leases and locks). Only safe at start-up: the
   * embedded store serves one process, so a lease still on file was left by a process that died holding it.
   */
  releaseStaleClaims(prefix: string): Promise<number> {
    return this.run(async () => {
      const rows = await this.#rows("DELETE FROM claims WHERE key LIKE ? ESCAPE '\\' AND expires_at IS NOT NULL RETURNING 1", `${likeEscape(prefix)}%`);
      return rows.length;
    });
  }

  /**
   * Deletes expired records and claims. keyv only drops an expired record when it is read, so without this
   * the file keeps every record ever written with a TTL; call it periodically (e.g. from the scheduler).
   */
  sweepExpired(): Promise<{ records: number; claims: number }> {
    return this.run(async () => {
      const now = Date.now();
      // keyv expires a record when now > expires; values are JSON ({"value":…,"expires":…}) since we serialize so.
      const records = await this.#rows(
        `DELETE FROM keyv WHERE json_valid(value) AND json_extract(value, '$.expires') < ? RETURNING 1`,
        now,
      );
      const claims = await this.#rows('DELETE FROM claims WHERE expires_at IS NOT NULL AND expires_at <= ? RETURNING 1', now);
      return { records: records.length, claims: claims.length };
    });
  }

  ping(): Promise<void> {
    return this.run(async () => {
      await this.#rows('SELECT 1');
    });
  }

  /** Closes the file. Idempotent; later calls reject with StoreUnavailableError. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    while (this.#exclusive) await this.#exclusive;
    await this.adapter.close();
  }
}

/**
 * Opens (creating if needed) the SQLite store at `path`, creating its parent directory; `':memory:'` gives a
 * private in-memory database. Rejects with StoreUnavailableError when the file cannot be opened.
 */
export async function openSqliteStore(path: string, synchronous: SqliteSynchronous = 'normal'): Promise<SqliteStore> {
  if (path !== ':memory:') {
    try {
      await mkdir(dirname(path), { recursive: true });
    } catch (error) {
      throw new StoreUnavailableError(BACKEND, error);
    }
  }
  return SqliteStore.open(path, synchronous);
}
