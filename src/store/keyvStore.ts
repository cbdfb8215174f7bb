/**
 * What both backends share: records are JSON values kept through keyv, and every backend call goes through
 * the backend's own `run` (its failure mapping and deadline), so callers see StoreUnavailableError alike.
 */
import type { Keyv } from 'keyv';

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

/** Records through keyv; the claims and sorted indexes stay with each backend. */
export abstract class KeyvRecords {
  protected constructor(protected readonly keyv: Keyv<unknown>) {}

  /** Runs one backend call, mapping failures to StoreUnavailableError. */
  protected abstract run<T>(fn: () => Promise<T>): Promise<T>;

  get<T>(key: string): Promise<T | undefined> {
    return this.run(async () => (await this.keyv.get(key)) as T | undefined);
  }

  getMany<T>(keys: string[]): Promise<Array<T | undefined>> {
    if (keys.length === 0) return Promise.resolve([]);
    return this.run(async () => (await this.keyv.get(keys)) as Array<T | undefined>);
  }

  set<T>(key: string, value: T, ttlMs?: number): Promise<void> {
    return this.run(async () => {
      await this.keyv.set(key, value, normalizeTtl(ttlMs));
    });
  }

  delete(key: string): Promise<boolean> {
    return this.run(() => this.keyv.delete(key));
  }
}
