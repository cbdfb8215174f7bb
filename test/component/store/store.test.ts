/**
 * One behavioural contract, run against both backends: SQLite (temp file) and the development Redis
 * (unique prefix, removed afterwards).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { createStore, StoreUnavailableError, type Store } from '../../../src/store/index.js';
import { deleteRedisPrefix, REDIS_URL, sleep, uniquePrefix } from '../../support/redis.js';

interface Backend {
  name: string;
  setUp(): Promise<void>;
  /** Opens a new store instance over the same data (same file / same prefix). */
  open(): Promise<Store>;
  tearDown(): Promise<void>;
}

function sqliteBackend(): Backend {
  let dir = '';
  return {
    name: 'sqlite',
    async setUp() {
      dir = await mkdtemp(join(tmpdir(), 'store-test-'));
    },
    // A nested, not-yet-existing directory: createStore must create it.
    open: () => createStore({ kind: 'sqlite', path: join(dir, 'nested', 'bridge.sqlite') }),
    async tearDown() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function redisBackend(): Backend {
  const prefix = uniquePrefix('contract');
  return {
    name: 'redis',
    async setUp() {},
    open: () => createStore({ kind: 'redis', url: REDIS_URL, prefix }),
    tearDown: () => deleteRedisPrefix(REDIS_URL, prefix),
  };
}

let counter = 0;
/** A key no other test in this run uses. */
const fresh = (label: string): string => `${label}-${++counter}`;

function contract(backend: Backend): void {
  describe(`Store contract: ${backend.name}`, () => {
    let store: Store;
    const extra: Store[] = [];

    before(async () => {
      await backend.setUp();
      store = await backend.open();
    });
    after(async () => {
      for (const s of extra) await s.close();
      await store.close();
      await backend.tearDown();
    });

    it('reports its kind and answers ping', async () => {
      expect(store.kind).to.equal(backend.name);
      await store.ping();
    });

    it('round-trips nested JSON through set/get/getMany and deletes', async () => {
      const a = fresh('rec');
      const b = fresh('rec');
      const value = {
        id: 'iv_1',
        nested: { list: [1, 2.5, null, true, { deep: ['x'] }], empty: {} },
        colon: ':leading colon',
        unicode: 'Zoë — 面试',
      };
      await store.set(a, value);
      await store.set(b, [1, 'two']);
      expect(await store.get(a)).to.deep.equal(value);
      expect(await store.getMany([a, fresh('missing'), b])).to.deep.equal([value, undefined, [1, 'two']]);
      expect(await store.getMany([])).to.deep.equal([]);

      await store.set(a, { replaced: true });
      expect(await store.get(a)).to.deep.equal({ replaced: true });

      expect(await store.delete(a)).to.equal(true);
      expect(await store.get(a)).to.equal(undefined);
      expect(await store.delete(a)).to.equal(false);
    });

    it('expires records after their TTL', async () => {
      const short = fresh('ttl');
      const lasting = fresh('ttl');
      await store.set(short, { v: 1 }, 150);
      await store.set(lasting, { v: 2 });
      expect(await store.get(short)).to.deep.equal({ v: 1 });
      await sleep(300);
      expect(await store.get(short)).to.equal(undefined);
      expect(await store.getMany([short, lasting])).to.deep.equal([undefined, { v: 2 }]);
    });

    it('setIfAbsent lets exactly one of 50 concurrent callers win', async () => {
      const key = fresh('claim');
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => store.setIfAbsent(key, `owner-${i}`, 10_000)),
      );
      const winners = results.flatMap((won, i) => (won ? [i] : []));
      expect(winners).to.have.length(1);
      expect(await store.getClaim(key)).to.equal(`owner-${winners[0]}`);
    });

    it('lets another caller take over an expired claim', async () => {
      const key = fresh('claim');
      expect(await store.setIfAbsent(key, 'first', 150)).to.equal(true);
      expect(await store.setIfAbsent(key, 'second', 150)).to.equal(false);
      expect(await store.getClaim(key)).to.equal('first');
      await sleep(300);
      expect(await store.getClaim(key)).to.equal(undefined);
      expect(await store.setIfAbsent(key, 'second', 10_000)).to.equal(true);
      expect(await store.getClaim(key)).to.equal('second');
    });

    it('keeps a claim without TTL until released', async () => {
      const key = fresh('claim');
      expect(await store.setIfAbsent(key, 'forever')).to.equal(true);
      await sleep(50);
      expect(await store.setIfAbsent(key, 'other', 100)).to.equal(false);
      expect(await store.getClaim(key)).to.equal('forever');
    });

    it('releaseClaim deletes only with the matching value', async () => {
      const key = fresh('claim');
      expect(await store.releaseClaim(key, 'nobody')).to.equal(false);
      await store.setIfAbsent(key, 'mine', 10_000);
      expect(await store.releaseClaim(key, 'theirs')).to.equal(false);
      expect(await store.getClaim(key)).to.equal('mine');
      expect(await store.releaseClaim(key, 'mine')).to.equal(true);
      expect(await store.getClaim(key)).to.equal(undefined);
      expect(await store.releaseClaim(key, 'mine')).to.equal(false);
      expect(await store.setIfAbsent(key, 'next', 10_000)).to.equal(true);
    });

    it('keeps claims apart from records with the same key', async () => {
      const key = fresh('shared');
      await store.set(key, { record: true });
      expect(await store.setIfAbsent(key, 'claim', 10_000)).to.equal(true);
      expect(await store.get(key)).to.deep.equal({ record: true });
      expect(await store.getClaim(key)).to.equal('claim');
    });

    it('orders the sorted index by score, honours limit and maxScore, rescoring and removal', async () => {
      const idx = fresh('due');
      await store.zadd(idx, 'c', 30);
      await store.zadd(idx, 'a', 10);
      await store.zadd(idx, 'b', 20);
      await store.zadd(idx, 'd', 40.5);
      expect(await store.zrangeByScore(idx, Infinity, 10)).to.deep.equal([
        { member: 'a', score: 10 },
        { member: 'b', score: 20 },
        { member: 'c', score: 30 },
        { member: 'd', score: 40.5 },
      ]);
      expect(await store.zrangeByScore(idx, Infinity, 2)).to.deep.equal([
        { member: 'a', score: 10 },
        { member: 'b', score: 20 },
      ]);
      expect(await store.zrangeByScore(idx, 25, 10)).to.deep.equal([
        { member: 'a', score: 10 },
        { member: 'b', score: 20 },
      ]);
      expect(await store.zrangeByScore(idx, 20, 10), 'maxScore is inclusive').to.have.length(2);
      expect(await store.zrangeByScore(idx, 5, 10)).to.deep.equal([]);
      expect(await store.zrangeByScore(idx, Infinity, 0)).to.deep.equal([]);

      await store.zadd(idx, 'd', -1);
      expect(await store.zcard(idx), 'rescoring does not add a member').to.equal(4);
      expect(await store.zscore(idx, 'd')).to.equal(-1);
      expect((await store.zrangeByScore(idx, 0, 10)).map((r) => r.member)).to.deep.equal(['d']);

      await store.zrem(idx, 'b');
      await store.zrem(idx, 'never-there');
      expect(await store.zcard(idx)).to.equal(3);
      expect(await store.zscore(idx, 'b')).to.equal(undefined);
      expect((await store.zrangeByScore(idx, Infinity, 10)).map((r) => r.member)).to.deep.equal(['d', 'a', 'c']);
    });

    it('zremIfScore removes a member only while it keeps the score it was read with', async () => {
      const idx = fresh('cas');
      await store.zadd(idx, 'hint', 1796410000000);
      await store.zadd(idx, 'moved', 1796410000000);
      await store.zadd(idx, 'moved', 1796410000001);
      expect(await store.zremIfScore(idx, 'hint', 1796410000000)).to.equal(true);
      expect(await store.zremIfScore(idx, 'moved', 1796410000000), 'moved since it was read').to.equal(false);
      expect(await store.zremIfScore(idx, 'never-there', 1)).to.equal(false);
      expect(await store.zscore(idx, 'hint')).to.equal(undefined);
      expect(await store.zscore(idx, 'moved')).to.equal(1796410000001);
      await store.zadd(idx, 'fraction', 2.5);
      expect(await store.zremIfScore(idx, 'fraction', 2.5)).to.equal(true);
      expect(await store.zcard(idx)).to.equal(1);
    });

    it('orders equal scores by member and keeps indexes separate', async () => {
      const idx = fresh('ties');
      const other = fresh('ties');
      await store.zadd(idx, 'm2', 5);
      await store.zadd(idx, 'm1', 5);
      await store.zadd(other, 'x', 1);
      expect((await store.zrangeByScore(idx, 5, 10)).map((r) => r.member)).to.deep.equal(['m1', 'm2']);
      expect(await store.zcard(other)).to.equal(1);
      expect(await store.zcard(fresh('empty'))).to.equal(0);
      expect(await store.zscore(other, 'm1')).to.equal(undefined);
    });

    it('keeps data across closing and reopening', async () => {
      const rec = fresh('persist');
      const claim = fresh('persist');
      const idx = fresh('persist');
      const first = await backend.open();
      await first.set(rec, { kept: [1, 2] });
      await first.setIfAbsent(claim, 'holder', 60_000);
      await first.zadd(idx, 'm', 7);
      await first.close();

      const second = await backend.open();
      extra.push(second);
      expect(await second.get(rec)).to.deep.equal({ kept: [1, 2] });
      expect(await second.getClaim(claim)).to.equal('holder');
      expect(await second.setIfAbsent(claim, 'intruder', 1000)).to.equal(false);
      expect(await second.zscore(idx, 'm')).to.equal(7);
    });

    it('lets two instances on the same data see each other and elect one claimant', async () => {
      const other = await backend.open();
      extra.push(other);
      const rec = fresh('both');
      await store.set(rec, { from: 'one' });
      expect(await other.get(rec)).to.deep.equal({ from: 'one' });
      await other.zadd(rec, 'm', 3);
      expect(await store.zscore(rec, 'm')).to.equal(3);

      const key = fresh('both');
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? store : other).setIfAbsent(key, `c${i}`, 10_000)),
      );
      expect(results.filter(Boolean)).to.have.length(1);
    });

    it('rejects calls on a closed store with StoreUnavailableError', async () => {
      const closing = await backend.open();
      await closing.close();
      await closing.close(); // idempotent
      let caught: unknown;
      try {
        await closing.get(fresh('closed'));
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(StoreUnavailableError);
    });

    it('writeAll applies records and index members that the single calls read back', async () => {
      const [a, b, gone, idx] = [fresh('batch'), fresh('batch'), fresh('batch'), fresh('batch-idx')];
      await store.set(gone, { old: true });
      await store.zadd(idx, 'leaving', 1);
      await store.writeAll([
        { op: 'set', key: a, value: { nested: { n: 1, s: 'é' }, list: [1, 'two'] } },
        { op: 'set', key: b, value: 'text', ttlMs: 150 },
        { op: 'delete', key: gone },
        { op: 'zadd', index: idx, member: 'm1', score: 5 },
        { op: 'zadd', index: idx, member: 'm2', score: 2 },
        { op: 'zrem', index: idx, member: 'leaving' },
        { op: 'set', key: a, value: { nested: { n: 2, s: 'é' }, list: [] } },
      ]);
      expect(await store.get(a)).to.deep.equal({ nested: { n: 2, s: 'é' }, list: [] });
      expect(await store.getMany([b, gone])).to.deep.equal(['text', undefined]);
      expect(await store.zrangeByScore(idx, 10, 10)).to.deep.equal([{ member: 'm2', score: 2 }, { member: 'm1', score: 5 }]);
      await store.writeAll([]);
      await sleep(300);
      expect(await store.get(b), 'a record written with a TTL expires').to.equal(undefined);
      expect(await store.delete(a)).to.equal(true);
    });

    it('writeAll applies none of its writes when one of them cannot be made', async () => {
      const [a, idx] = [fresh('none'), fresh('none-idx')];
      await store.set(a, 'before');
      let caught: unknown;
      try {
        // The second record cannot be serialised: the first must not be left applied.
        await store.writeAll([
          { op: 'set', key: a, value: 'after' },
          { op: 'zadd', index: idx, member: 'm', score: 1 },
          { op: 'set', key: fresh('none'), value: { big: 1n } },
        ]);
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(TypeError);
      caught = undefined;
      try {
        await store.writeAll([{ op: 'set', key: a, value: 'after' }, { op: 'zadd', index: idx, member: 'm', score: Number.NaN }]);
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(RangeError);
      expect(await store.get(a)).to.equal('before');
      expect(await store.zcard(idx)).to.equal(0);
    });

    it('never lets a reader see half of a writeAll', async () => {
      const [a, b, idx] = [fresh('pair'), fresh('pair'), fresh('pair-idx')];
      await store.writeAll([{ op: 'set', key: a, value: 0 }, { op: 'set', key: b, value: 0 }]);
      const seen: string[] = [];
      let writing = true;
      const reader = (async () => {
        while (writing) {
          // One getMany is one statement (SQLite) or one MGET (Redis): it sees a single moment.
          const [va, vb] = await store.getMany<number>([a, b]);
          if (va !== vb) seen.push(`${va}/${vb}`);
        }
      })();
      // Two writers, each batch after the other, with the reader's calls falling in between.
      const writer = async (from: number): Promise<void> => {
        for (let i = from; i < from + 100; i++) {
          await store.writeAll([
            { op: 'set', key: a, value: i },
            { op: 'zadd', index: idx, member: 'm', score: i },
            { op: 'set', key: b, value: i },
          ]);
        }
      };
      await Promise.all([writer(1), writer(1001)]);
      writing = false;
      await reader;
      expect(seen).to.deep.equal([]);
      const [fa, fb] = await store.getMany<number>([a, b]);
      expect(fa).to.equal(fb);
    });

    it('rejects writeAll on a closed store with StoreUnavailableError', async () => {
      const closing = await backend.open();
      await closing.close();
      let caught: unknown;
      try {
        await closing.writeAll([{ op: 'set', key: fresh('closed'), value: 1 }]);
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(StoreUnavailableError);
    });

    it('rejects invalid TTLs and NaN scores as caller errors', async () => {
      let caught: unknown;
      try {
        await store.set(fresh('bad'), 1, -5);
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(RangeError);
      caught = undefined;
      try {
        await store.zadd(fresh('bad'), 'm', Number.NaN);
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(RangeError);
    });
  });
}

contract(sqliteBackend());
contract(redisBackend());
