/**
 * What only one backend does: Redis key layout and prefix isolation; SQLite sweeping, WAL, and open failures.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@keyv/redis';
import { expect } from 'chai';
import { createStore, StoreUnavailableError, type RedisStore, type SqliteStore } from '../../../src/store/index.js';
import { deleteRedisPrefix, REDIS_URL, sleep, uniquePrefix } from '../../support/redis.js';

describe('RedisStore specifics', () => {
  const prefix = uniquePrefix('layout');
  const otherPrefix = uniquePrefix('layout-other');
  const raw = createClient({ url: REDIS_URL });
  let store: RedisStore;
  let other: RedisStore;

  before(async () => {
    raw.on('error', () => undefined);
    await raw.connect();
    store = await createStore({ kind: 'redis', url: REDIS_URL, prefix });
    other = await createStore({ kind: 'redis', url: REDIS_URL, prefix: otherPrefix });
  });
  after(async () => {
    await store.close();
    await other.close();
    await deleteRedisPrefix(REDIS_URL, prefix);
    await deleteRedisPrefix(REDIS_URL, otherPrefix);
    raw.destroy();
  });

  it('stores records once-prefixed as plain JSON, with native TTL', async () => {
    await store.set('rec', { a: [1, ':x'] }, 60_000);
    expect(await raw.exists(`${prefix}::rec`)).to.equal(1);
    expect(await raw.keys(`${prefix}*`), 'exactly one key, no double prefix').to.deep.equal([`${prefix}::rec`]);
    const text = await raw.get(`${prefix}::rec`);
    expect(JSON.parse(text ?? 'null')).to.have.property('value').that.deep.equals({ a: [1, ':x'] });
    const pttl = await raw.pTTL(`${prefix}::rec`);
    expect(pttl).to.be.greaterThan(50_000).and.at.most(60_000);
  });

  it('keeps claims and indexes under the same prefix', async () => {
    await store.setIfAbsent('job', 'me', 5000);
    await store.zadd('due', 'm', 1);
    expect(await raw.get(`${prefix}:claim:job`)).to.equal('me');
    const pttl = await raw.pTTL(`${prefix}:claim:job`);
    expect(pttl).to.be.greaterThan(0).and.at.most(5000);
    expect(await raw.zScore(`${prefix}:zset:due`, 'm')).to.equal(1);
  });

  it('isolates stores with different prefixes on one Redis', async () => {
    await store.set('same', 'from-first');
    expect(await other.get('same')).to.equal(undefined);
    expect(await other.setIfAbsent('lock', 'b', 5000)).to.equal(true);
    expect(await store.setIfAbsent('lock', 'a', 5000)).to.equal(true);
  });

  it('refuses an empty prefix', async () => {
    let caught: unknown;
    try {
      await createStore({ kind: 'redis', url: REDIS_URL, prefix: '' });
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(TypeError);
  });
});

describe('SqliteStore specifics', () => {
  let dir = '';
  let store: SqliteStore;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'store-sqlite-'));
    store = await createStore({ kind: 'sqlite', path: join(dir, 'bridge.sqlite') });
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('sweepExpired deletes expired records and claims, and nothing else', async () => {
    await store.set('gone', 1, 50);
    await store.set('kept-ttl', 2, 60_000);
    await store.set('kept', 3);
    await store.setIfAbsent('claim-gone', 'x', 50);
    await store.setIfAbsent('claim-kept', 'y', 60_000);
    await store.setIfAbsent('claim-forever', 'z');
    await sleep(120);
    expect(await store.sweepExpired()).to.deep.equal({ records: 1, claims: 1 });
    expect(await store.sweepExpired()).to.deep.equal({ records: 0, claims: 0 });
    expect(await store.getMany(['kept-ttl', 'kept'])).to.deep.equal([2, 3]);
    expect(await store.getClaim('claim-kept')).to.equal('y');
    expect(await store.getClaim('claim-forever')).to.equal('z');
  });

  it('runs the file in WAL mode', async () => {
    // In WAL mode writes go to a "-wal" file beside the database while a connection is open.
    await store.set('wal-probe', 1);
    expect(existsSync(join(dir, 'bridge.sqlite-wal'))).to.equal(true);
  });

  it('works in memory', async () => {
    const mem = await createStore({ kind: 'sqlite', path: ':memory:' });
    await mem.set('k', { v: true });
    expect(await mem.get('k')).to.deep.equal({ v: true });
    await mem.close();
  });

  it('rejects with StoreUnavailableError when the path cannot be created', async () => {
    const blocker = join(dir, 'a-file');
    await writeFile(blocker, 'not a directory');
    let caught: unknown;
    try {
      await createStore({ kind: 'sqlite', path: join(blocker, 'sub', 'bridge.sqlite') });
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(StoreUnavailableError);
  });

  it('rejects with StoreUnavailableError when the file cannot be opened', async () => {
    let caught: unknown;
    try {
      await createStore({ kind: 'sqlite', path: dir }); // a directory, not a database file
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(StoreUnavailableError);
  });
});
