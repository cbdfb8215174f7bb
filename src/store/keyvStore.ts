/**
 * What both backends share: records are JSON values kept through keyv, and every backend call goes through
 * the backend's own `run` (its failure mapping and deadline), so callers see StoreUnavailableError alike.
 */
import type { Keyv } from 'keyv';
import { deserializeStored, packRecord, unpackRecord } from './records.js';
import type { StoreWrite } from './types.js';

/**
 * Validates an optional TTL. `undefined` and 0 mean "no expiry" (keyv's convention); anything else must be a
 * positive finite number and is rounded up to whole milliseconds.
 */
export function normalizeTtl(ttlMs: number | undefined): number | undefined {
  if (ttlMs === undefined || ttlMs === 0) return undefined;
  if (!Number.isFinite(ttlMs) || ttlMs < 0) throw new RangeError(`ttlMs must be a positive number, got ${ttlMs}`);
  return Math.ceil(ttlMs);
}

/** Rejects NaN scores early: neither backend can order them. */
export function checkScore(score: number, what: string): void {
  if (Number.isNaN(score)) throw new RangeError(`${what} must be a number, got NaN`);
}

/**
 * A record exactly as keyv stores it with our JSON serializer (`{"value":…,"expires":…}`, expires omitted
 * when there is none), for the writes a backend makes natively (Store.writeAll). Both stores pass
 * `serialize: JSON.stringify` to keyv; a test reads such records back through get().
 */
export function encodeRecord(key: string, value: unknown, ttlMs: number | undefined, now = Date.now()): string {
  if (value === undefined) throw new TypeError('a record value cannot be undefined');
  return JSON.stringify({ value: packRecord(key, value), expires: ttlMs === undefined ? undefined : now + ttlMs });
}

/** The value of a record as encodeRecord wrote it (keyv's format), or undefined when absent or expired. */
export function decodeRecord<T>(key: string, text: string | null | undefined, now = Date.now()): T | undefined {
  if (text === null || text === undefined) return undefined;
  // Text that is not JSON, or not keyv's envelope, comes back marked; unpackRecord refuses it for this key.
  const parsed = deserializeStored<{ value?: unknown; expires?: number | null }>(text);
  if (typeof parsed.expires === 'number' && parsed.expires <= now) return undefined;
  return unpackRecord(key, parsed.value) as T | undefined;
}

/** Validates a batch before a backend starts it, so a caller bug never leaves a transaction half-applied. */
export function checkWrites(writes: readonly StoreWrite[]): void {
  for (const w of writes) {
    if (w.op === 'set') normalizeTtl(w.ttlMs);
    else if (w.op === 'zadd') checkScore(w.score, 'score');
  }
}

/** Records through keyv; the claims and sorted indexes stay with each backend. */
export abstract class KeyvRecords {
  protected constructor(protected readonly keyv: Keyv<unknown>) {}

  /** Runs one backend call, mapping failures to StoreUnavailableError. */
  protected abstract run<T>(fn: () => Promise<T>): Promise<T>;

  // Values pass through the store schema (records.ts) on the way in and out: callers see what they wrote.
  get<T>(key: string): Promise<T | undefined> {
    return this.run(async () => unpackRecord(key, await this.keyv.get(key)) as T | undefined);
  }

  getMany<T>(keys: string[]): Promise<Array<T | undefined>> {
    if (keys.length === 0) return Promise.resolve([]);
    return this.run(async () => {
      const values: unknown[] = await this.keyv.get<unknown>(keys);
      return values.map((v, i) => unpackRecord(keys[i]!, v) as T | undefined);
    });
  }

  set<T>(key: string, value: T, ttlMs?: number): Promise<void> {
    return this.run(async () => {
      await this.keyv.set(key, packRecord(key, value), normalizeTtl(ttlMs));
    });
  }

  delete(key: string): Promise<boolean> {
    return this.run(() => this.keyv.delete(key));
  }
}
