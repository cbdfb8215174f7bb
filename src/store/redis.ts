/**
 * Redis backend. Records go through keyv + @keyv/redis under `<prefix>::<key>`; claims (`<prefix>:claim:<key>`)
 * and sorted indexes (`<prefix>:zset:<index>`) use native commands on the same node-redis client. Records can
 * never collide with those keys: record keys always continue the prefix with "::".
 *
 * Failure model: the offline queue is off and every command has a timeout, so while Redis is unreachable
 * each call fails fast with StoreUnavailableError; node-redis keeps reconnecting in the background.
 */
import KeyvRedis, { createClient } from '@keyv/redis';
import { Keyv } from 'keyv';
import type { DeserializedData } from 'keyv';
import { StoreUnavailableError, type ClaimRead, type Store, type StoreWrite } from './types.js';
import { deserializeStored, passesThrough } from './records.js';
import { checkScore, checkWrites, decodeRecord, encodeRecord, KeyvRecords, normalizeTtl } from './keyvStore.js';

const BACKEND = 'redis';
/** Ceiling of the reconnect backoff: a dead Redis is retried at most this often once backoff saturates. */
const MAX_RECONNECT_DELAY_MS = 2000;

/** Compare-and-delete: drop the claim only while it still holds the caller's value. */
const RELEASE_SCRIPT = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

/** ZREM only while the member's score is still ARGV[2] (compared as numbers). */
const ZREM_IF_SCORE_SCRIPT =
  "if tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1])) == tonumber(ARGV[2]) then return redis.call('ZREM', KEYS[1], ARGV[1]) else return 0 end";

/**
 * Claim KEYS[1]; when taken, and unless the guard claim KEYS[2] is held (ARGV[3] = '1'), read KEYS[3..] with one
 * MGET: a lock-and-read (or a lease-and-read past a lock) in one round trip. Replies {0} not claimed,
 * {2} claimed but guarded, {1, values} claimed and read.
 */
const CLAIM_AND_READ_SCRIPT = [
  "if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {0} end",
  "if ARGV[3] == '1' and redis.call('EXISTS', KEYS[2]) == 1 then return {2} end",
  "return {1, redis.call('MGET', unpack(KEYS, 3))}",
].join('\n');

/** The pino-like subset the store logs through. */
export interface StoreLogger {
  warn(obj: object, msg: string): void;
}

/** Options for {@link openRedisStore}. */
export interface RedisStoreOptions {
  url: string;
  /** Namespace for every key this store writes, so several bridges can share one Redis. Must be non-empty. */
  prefix: string;
  /** Bound on each TCP connect attempt, and on how long openRedisStore waits for the first one. Default 2000. */
  connectTimeoutMs?: number;
  /** Bound on each command. Default 2000. */
  commandTimeoutMs?: number;
  logger?: StoreLogger;
}

type Client = ReturnType<typeof createClient>;
/**
 * The part of a MULTI transaction this store queues commands on. node-redis types `multi()` through generics
 * that resolve to `any` here, so the commands used are declared once and checked at the call sites.
 */
interface Multi {
  set(key: string, value: string, options?: { expiration: { type: 'PX'; value: number } }): Multi;
  del(key: string): Multi;
  zAdd(key: string, member: { score: number; value: string }): Multi;
  zRem(key: string, member: string): Multi;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Multi;
  exec(): Promise<unknown[]>;
}

/** Where the client connects, without credentials, for logs. */
function describeTarget(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '6379'}`;
  } catch {
    return 'unparseable redis url';
  }
}

/** The Redis-backed Store. Create it with {@link openRedisStore} (or `createStore({ kind: 'redis', ... })`). */
export class RedisStore extends KeyvRecords implements Store {
  readonly kind = 'redis' as const;
  #closed = false;

  constructor(
    private readonly client: Client,
    keyv: Keyv<unknown>,
    private readonly prefix: string,
    private readonly commandTimeoutMs: number,
  ) {
    super(keyv);
  }

  /**
   * Runs a backend call under the per-command deadline, turning any backend failure into
   * StoreUnavailableError (caller bugs, TypeError/RangeError, stay as they are). The deadline is ours:
   * node-redis's own command timeout stops counting once a command is written, so a stalled server would
   * otherwise hold the caller until the reply came.
   */
  protected async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new StoreUnavailableError(BACKEND, new Error('store is closed'));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new StoreUnavailableError(BACKEND, new Error(`no reply within ${this.commandTimeoutMs} ms`))),
        this.commandTimeoutMs,
      );
    });
    try {
      return await Promise.race([fn(), deadline]);
    } catch (error) {
      if (passesThrough(error)) throw error;
      throw new StoreUnavailableError(BACKEND, error);
    } finally {
      clearTimeout(timer);
    }
  }

  #claimKey(key: string): string {
    return `${this.prefix}:claim:${key}`;
  }

  #zsetKey(index: string): string {
    return `${this.prefix}:zset:${index}`;
  }

  /** Where keyv (through @keyv/redis, namespace = prefix, separator "::") keeps a record. */
  #recordKey(key: string): string {
    return `${this.prefix}::${key}`;
  }

  setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    return this.run(async () => {
      const ttl = normalizeTtl(ttlMs);
      const reply = await this.client.set(this.#claimKey(key), value, {
        condition: 'NX',
        ...(ttl === undefined ? {} : { expiration: { type: 'PX', value: ttl } as const }),
      });
      return reply === 'OK';
    });
  }

  getClaim(key: string): Promise<string | undefined> {
    return this.run(async () => (await this.client.get(this.#claimKey(key))) ?? undefined);
  }

  releaseClaim(key: string, value: string): Promise<boolean> {
    return this.run(async () => {
      const deleted = await this.client.eval(RELEASE_SCRIPT, { keys: [this.#claimKey(key)], arguments: [value] });
      return deleted === 1;
    });
  }

  zadd(index: string, member: string, score: number): Promise<void> {
    return this.run(async () => {
      checkScore(score, 'score');
      await this.client.zAdd(this.#zsetKey(index), { score, value: member });
    });
  }

  zrem(index: string, member: string): Promise<void> {
    return this.run(async () => {
      await this.client.zRem(this.#zsetKey(index), member);
    });
  }

  zremIfScore(index: string, member: string, score: number): Promise<boolean> {
    return this.run(async () => {
      checkScore(score, 'score');
      const removed = await this.client.eval(ZREM_IF_SCORE_SCRIPT, { keys: [this.#zsetKey(index)], arguments: [member, String(score)] });
      return removed === 1;
    });
  }

  zrangeByScore(index: string, maxScore: number, limit: number): Promise<Array<{ member: string; score: number }>> {
    // Redis treats a negative count as "no limit"; the contract says "at most limit", so < 1 means none.
    if (!(limit >= 1)) return Promise.resolve([]);
    return this.run(async () => {
      checkScore(maxScore, 'maxScore');
      const rows = await this.client.zRangeByScoreWithScores(this.#zsetKey(index), '-inf', maxScore, {
        LIMIT: { offset: 0, count: Math.floor(limit) },
      });
      return rows.map((row) => ({ member: String(row.value), score: row.score }));
    });
  }

  zscore(index: string, member: string): Promise<number | undefined> {
    return this.run(async () => (await this.client.zScore(this.#zsetKey(index), member)) ?? undefined);
  }

  zcard(index: string): Promise<number> {
    return this.run(() => this.client.zCard(this.#zsetKey(index)));
  }

  async *scanKeys(prefix: string, pageSize = 500): AsyncIterable<string[]> {
    // Records live at `<prefix>::<key>` (keyv's namespace); glob characters in the wanted prefix are escaped.
    const head = `${this.prefix}::`;
    const match = `${(head + prefix).replace(/[*?[\]\\]/g, (c) => `\\${c}`)}*`;
    let cursor = '0';
    do {
      const reply = await this.run(() => this.client.scan(cursor, { MATCH: match, COUNT: Math.max(1, Math.floor(pageSize)) }));
      cursor = String(reply.cursor);
      // SCAN may return a key twice across pages; callers act idempotently on each key.
      if (reply.keys.length > 0) yield reply.keys.map((k) => String(k).slice(head.length));
    } while (cursor !== '0');
  }

  /**
   * One MULTI/EXEC: Redis applies the queued commands together, with no other client's command in between,
   * or (connection lost before EXEC) not at all. The commands are plain SET/DEL/ZADD/ZREM on keys of their
   * own type, so none can fail inside EXEC and leave the others applied.
   */
  writeAll(writes: readonly StoreWrite[]): Promise<void> {
    if (writes.length === 0) return Promise.resolve();
    return this.run(async () => {
      checkWrites(writes);
      await this.#queue(this.#multi(), writes).exec();
    });
  }

  /** The writes and the compare-and-delete of the claim in one MULTI/EXEC (the script runs inside it). */
  writeAllAndRelease(writes: readonly StoreWrite[], claim: string, owner: string): Promise<void> {
    return this.run(async () => {
      checkWrites(writes);
      await this.#queue(this.#multi(), writes).eval(RELEASE_SCRIPT, { keys: [this.#claimKey(claim)], arguments: [owner] }).exec();
    });
  }

  claimAndRead(claim: string, owner: string, ttlMs: number, keys: readonly string[], guard?: string): Promise<ClaimRead> {
    if (keys.length === 0) return Promise.reject(new TypeError('claimAndRead needs at least one key'));
    return this.run(async () => {
      const ttl = normalizeTtl(ttlMs) ?? 1;
      const claimKey = this.#claimKey(claim);
      const reply = (await this.client.eval(CLAIM_AND_READ_SCRIPT, {
        keys: [claimKey, guard === undefined ? claimKey : this.#claimKey(guard), ...keys.map((k) => this.#recordKey(k))],
        arguments: [owner, String(ttl), guard === undefined ? '0' : '1'],
      })) as [number, Array<string | null>?];
      if (reply[0] === 0) return { claimed: false };
      if (reply[0] === 2) return { claimed: true, guarded: true };
      const texts = reply[1] ?? [];
      return { claimed: true, values: keys.map((k, i) => decodeRecord(k, texts[i])) };
    });
  }

  #multi(): Multi {
    return this.client.multi();
  }

  #queue(multi: Multi, writes: readonly StoreWrite[]): Multi {
    for (const w of writes) {
      if (w.op === 'set') {
        const ttl = normalizeTtl(w.ttlMs);
        const text = encodeRecord(w.key, w.value, ttl);
        if (ttl === undefined) multi.set(this.#recordKey(w.key), text);
        else multi.set(this.#recordKey(w.key), text, { expiration: { type: 'PX', value: ttl } });
      } else if (w.op === 'delete') multi.del(this.#recordKey(w.key));
      else if (w.op === 'zadd') multi.zAdd(this.#zsetKey(w.index), { score: w.score, value: w.member });
      else multi.zRem(this.#zsetKey(w.index), w.member);
    }
    return multi;
  }

  ping(): Promise<void> {
    return this.run(async () => {
      await this.client.ping();
    });
  }

  /** Stops reconnecting and closes the connection (waiting up to one command timeout for replies in flight). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.client.isOpen) return;
    if (this.client.isReady) {
      let timer: NodeJS.Timeout | undefined;
      const giveUp = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.commandTimeoutMs);
      });
      await Promise.race([this.client.close(), giveUp]);
      clearTimeout(timer);
    } else {
      // Not connected: nothing to flush; destroy also ends the background reconnect loop.
      this.client.destroy();
    }
  }
}

/**
 * Creates the Redis store. It resolves even when Redis is unreachable (after the first connect attempt fails,
 * or connectTimeoutMs at most), so a process can start and report "not ready": until a connection is
 * established every call, ping() included, rejects with StoreUnavailableError, and the client keeps
 * reconnecting in the background (backoff capped at 2 s). Rejects with TypeError on an empty prefix.
 */
export async function openRedisStore(opts: RedisStoreOptions): Promise<RedisStore> {
  if (opts.prefix.length === 0) throw new TypeError('redis store prefix must be non-empty');
  const connectTimeoutMs = opts.connectTimeoutMs ?? 2000;
  const commandTimeoutMs = opts.commandTimeoutMs ?? 2000;
  const target = describeTarget(opts.url);
  const client: Client = createClient({
    url: opts.url,
    // Fail commands at once while disconnected instead of queueing them until Redis returns.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: connectTimeoutMs,
      // Never give up (returning a number always): the store must heal by itself when Redis comes back.
      reconnectStrategy: (retries: number) => Math.min(100 * 2 ** Math.min(retries, 10), MAX_RECONNECT_DELAY_MS) + Math.floor(Math.random() * 100),
    },
  });

  // node-redis emits 'error' on every failed attempt; an unhandled 'error' would crash the process. Log
  // only the transitions (up -> down, down -> up) so an outage does not flood the log.
  let up = false;
  let reported = false;
  client.on('error', (error: unknown) => {
    if (up || !reported) {
      opts.logger?.warn({ target, err: error instanceof Error ? error.message : String(error) }, 'redis store unavailable');
    }
    up = false;
    reported = true;
  });
  client.on('ready', () => {
    if (reported) opts.logger?.warn({ target }, 'redis store connection restored');
    up = true;
    reported = false;
  });

  // The adapter reuses our client; useKeyPrefix: false leaves prefixing to the adapter alone (no "p:p::key").
  const adapter = new KeyvRedis(client, { throwOnConnectError: true, throwOnErrors: true });
  const keyv = new Keyv<unknown>(adapter, {
    namespace: opts.prefix,
    useKeyPrefix: false,
    throwOnErrors: true,
    serialize: (data) => JSON.stringify(data),
    deserialize: <Value>(text: string) => deserializeStored<DeserializedData<Value>>(text),
  });

  await firstAttempt(client, connectTimeoutMs);
  return new RedisStore(client, keyv, opts.prefix, commandTimeoutMs);
}

/** Starts connecting and resolves on the first outcome (ready, error, or timeout); retries continue after. */
function firstAttempt(client: Client, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const finish = (): void => {
      clearTimeout(timer);
      client.off('ready', finish);
      client.off('error', finish);
      resolve();
    };
    const timer = setTimeout(finish, timeoutMs);
    client.on('ready', finish);
    client.on('error', finish);
    // connect() settles only once connected (retries never stop); its failures arrive as 'error' events.
    client.connect().catch(() => undefined);
  });
}
