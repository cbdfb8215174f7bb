/**
 * A real store (SQLite or Redis) behind a wrapper that makes one chosen write fail, for fault-injection
 * tests. Every write the bridge makes (set, delete, setIfAbsent, releaseClaim, zadd, zrem, writeAll, and on
 * Redis claimAndRead and writeAllAndRelease) is
 * counted once armed; the k-th one fails with StoreUnavailableError, as a store outage would:
 *
 * - `lost`: the write is not made (the store never got it);
 * - `unacknowledged`: the write is made and then the caller is told it failed (a reply lost after the store
 *   applied it, e.g. Redis answering after the command deadline).
 *
 * Reads are never faulted. A claim (lock or lease) that a fault leaves behind, released by nobody, expires in
 * a real store after its TTL; here it expires on the test's clock instead (expireLeftClaims), so a test can
 * let "21 s pass" without waiting for them. The stores' own TTL expiry is tested in test/store.
 */
import type { Store, StoreWrite } from '../../src/store/index.js';
import { StoreUnavailableError } from '../../src/store/index.js';

export type FaultMode = 'lost' | 'unacknowledged';

/** One counted write: its 1-based index and what it wrote (e.g. `set interview:abc`). */
export interface CountedWrite {
  index: number;
  write: string;
}

// claimAndRead takes a claim and writeAllAndRelease writes and releases one: writes, like the calls they stand for.
const WRITES = new Set(['set', 'delete', 'setIfAbsent', 'releaseClaim', 'zadd', 'zrem', 'zremIfScore', 'writeAll', 'claimAndRead', 'writeAllAndRelease']);

function describeWrite(op: string, args: unknown[]): string {
  const a = args as [unknown, unknown, unknown];
  if (op === 'writeAllAndRelease') return `${describeWrite('writeAll', [a[0]])} + releaseClaim ${String(a[1])}`;
  if (op === 'writeAll') return `writeAll[${(a[0] as StoreWrite[]).map((w) => describeWrite(w.op, w.op === 'set' || w.op === 'delete' ? [w.key] : [w.index, w.member])).join(', ')}]`;
  if (op === 'zadd' || op === 'zrem' || op === 'zremIfScore') return `${op} ${String(a[0])} ${String(a[1])}`;
  return `${op} ${String(a[0])}`;
}

export interface FaultyStore {
  /** The wrapped store to hand to the bridge. */
  store: Store;
  /** Starts counting writes from 0; with `failAt`, the failAt-th write fails in `mode`. */
  arm(opts?: { failAt?: number; mode?: FaultMode }): void;
  /** Stops counting and failing; returns what was counted. */
  disarm(): CountedWrite[];
  /** Writes counted since arm(). */
  readonly count: number;
  /** The write that failed, once it has. */
  readonly fired: CountedWrite | undefined;
  /** Releases claims a fault left behind whose TTL has passed on the test's clock (`nowMs`). */
  expireLeftClaims(nowMs: number): Promise<number>;
}

/**
 * Wraps `inner`. `clock` is the bridge's clock (the test's), used to date the claims taken, so that one left
 * behind expires after its TTL on that clock.
 */
export function faultyStore(inner: Store, clock: () => number): FaultyStore {
  let counting = false;
  let failAt: number | undefined;
  let mode: FaultMode = 'lost';
  let counted: CountedWrite[] = [];
  let fired: CountedWrite | undefined;
  /** Claims this wrapper saw taken (key -> owner, ttl, when), and the ones a fault left behind. */
  const held = new Map<string, { value: string; ttlMs?: number; at: number }>();
  const left: Array<{ key: string; value: string; ttlMs?: number; at: number }> = [];

  const wrap = (op: string, fn: (...args: unknown[]) => Promise<unknown>) =>
    async (...args: unknown[]): Promise<unknown> => {
      let failing = false;
      if (counting) {
        const entry = { index: counted.length + 1, write: describeWrite(op, args) };
        counted.push(entry);
        if (entry.index === failAt) {
          failing = true;
          fired = entry;
        }
      }
      // The claim a call takes or releases, and with which owner value.
      const key = String(op === 'writeAllAndRelease' ? args[1] : args[0]);
      const owner = op === 'writeAllAndRelease' ? args[2] : args[1];
      const releases = op === 'releaseClaim' || op === 'writeAllAndRelease';
      const took = (r: unknown): boolean => (op === 'setIfAbsent' && r === true) || (op === 'claimAndRead' && (r as { claimed?: boolean }).claimed === true);
      if (failing && mode === 'lost') {
        // Not made: a release that never happened leaves the claim to its TTL.
        if (releases && held.get(key)?.value === owner) {
          left.push({ key, ...held.get(key)! });
          held.delete(key);
        }
        throw new StoreUnavailableError(inner.kind, new Error(`injected fault: ${fired!.write} not made`));
      }
      const result = await fn(...args);
      if (took(result)) {
        const ttl = args[2] as number | undefined;
        held.set(key, { value: String(args[1]), ...(ttl !== undefined ? { ttlMs: ttl } : {}), at: clock() });
      }
      if (releases) held.delete(key);
      if (failing) {
        // Made, but the caller hears it failed: a claim it took is one it will never release.
        if (took(result)) {
          left.push({ key, ...held.get(key)! });
          held.delete(key);
        }
        throw new StoreUnavailableError(inner.kind, new Error(`injected fault: ${fired!.write} made, reply lost`));
      }
      return result;
    };

  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver === store ? target : receiver) as unknown;
      if (typeof value !== 'function') return value;
      const bound = (value as (...args: unknown[]) => Promise<unknown>).bind(target);
      return typeof prop === 'string' && WRITES.has(prop) ? wrap(prop, bound) : bound;
    },
  });

  return {
    store,
    arm(opts = {}) {
      counting = true;
      counted = [];
      fired = undefined;
      failAt = opts.failAt;
      mode = opts.mode ?? 'lost';
    },
    disarm() {
      counting = false;
      failAt = undefined;
      return counted;
    },
    get count() {
      return counted.length;
    },
    get fired() {
      return fired;
    },
    async expireLeftClaims(nowMs) {
      let n = 0;
      for (const c of [...left]) {
        if (c.ttlMs !== undefined && c.at + c.ttlMs <= nowMs) {
          await inner.releaseClaim(c.key, c.value);
          left.splice(left.indexOf(c), 1);
          n += 1;
        }
      }
      return n;
    },
  };
}
