/**
 * Store safety read at start-up. Redis: private redis-servers started for the test with the settings under
 * test (the shared Redis is only read: CONFIG SET there would change it for everyone), including one whose
 * CONFIG command is renamed away, as managed services do. SQLite: PRAGMA synchronous read back.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@keyv/redis';
import { expect } from 'chai';
import { createStore } from '../../../src/store/index.js';
import { readRedisSafety, readSqliteSafety } from '../../../src/store/safety.js';
import { freePort } from '../../support/http.js';
import { REDIS_URL, redisServerOnPath, startRedisServer, stopRedisServer } from '../../support/redis.js';

describe('store safety: Redis settings', function () {
  const servers: ChildProcess[] = [];
  const dirs: string[] = [];
  before(function () {
    if (!redisServerOnPath()) this.skip();
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await stopRedisServer(s);
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  async function server(extra: string[]): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'wvb-redis-safety-'));
    dirs.push(dir);
    const port = await freePort();
    servers.push(await startRedisServer(port, ['--dir', dir, ...extra]));
    return `redis://127.0.0.1:${port}`;
  }

  it('noeviction with AOF on: no warning', async () => {
    const url = await server(['--maxmemory-policy', 'noeviction', '--appendonly', 'yes']);
    expect(await readRedisSafety(url)).to.deep.equal({ store: 'redis', evictionPolicy: 'noeviction', appendonly: 'yes', save: '', warnings: [] });
  });

  it('an evicting policy and no persistence: one warning each', async () => {
    const url = await server(['--maxmemory-policy', 'allkeys-lru']);
    const safety = await readRedisSafety(url);
    expect(safety).to.deep.include({ evictionPolicy: 'allkeys-lru', appendonly: 'no', save: '' });
    expect(safety.warnings).to.deep.equal([
      "Redis maxmemory-policy is allkeys-lru: under memory pressure Redis may evict the bridge's keys, and an evicted outbox entry is a result that never reaches Workable. Set maxmemory-policy noeviction.",
      'Redis persistence is off (appendonly no, no save points): a Redis restart loses every pending result and interview. Turn on appendonly (or RDB snapshots).',
    ]);
  });

  it('RDB save points alone count as persistence', async () => {
    const url = await server(['--save', '900 1']);
    const safety = await readRedisSafety(url);
    expect(safety).to.deep.include({ evictionPolicy: 'noeviction', appendonly: 'no', save: '900 1', warnings: [] });
  });

  it('CONFIG refused (renamed away, as managed services do): policy and AOF from INFO, save points unknown', async () => {
    const url = await server(['--maxmemory-policy', 'volatile-lru', '--rename-command', 'CONFIG', '']);
    const safety = await readRedisSafety(url);
    expect(safety).to.deep.include({ evictionPolicy: 'volatile-lru', appendonly: 'no', save: 'unknown' });
    expect(safety.note).to.match(/^CONFIG GET maxmemory-policy: ERR unknown command/);
    expect(safety.warnings, 'an unknown save setting is not called off').to.have.length(1);
    expect(safety.warnings[0]).to.match(/^Redis maxmemory-policy is volatile-lru: /);
  });

  it('CONFIG and INFO both refused: everything unknown, no warning invented', async () => {
    const url = await server(['--rename-command', 'CONFIG', '', '--rename-command', 'INFO', '']);
    const safety = await readRedisSafety(url);
    expect(safety).to.deep.include({ evictionPolicy: 'unknown', appendonly: 'unknown', save: 'unknown', warnings: [] });
    expect(safety.note).to.match(/^CONFIG GET maxmemory-policy: ERR unknown command .*\(and 2 more\)$/);
  });

  it('no server: unknown, with the reason, and no rejection', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const safety = await readRedisSafety(url, 500);
    expect(safety).to.deep.include({ evictionPolicy: 'unknown', appendonly: 'unknown', save: 'unknown', warnings: [] });
    expect(safety.note).to.match(/^could not ask Redis: /);
  });

  it('the shared test Redis, read only: the same answers CONFIG GET gives', async () => {
    const client = createClient({ url: REDIS_URL });
    await client.connect();
    const get = async (name: string): Promise<string> => String((await client.sendCommand<unknown[]>(['CONFIG', 'GET', name]))[1]);
    const expected = { evictionPolicy: await get('maxmemory-policy'), appendonly: await get('appendonly'), save: await get('save') };
    await client.close();
    expect(await readRedisSafety(REDIS_URL)).to.deep.include(expected);
  });
});

describe('store safety: SQLite durability', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wvb-sqlite-safety-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const [setting, number] of [[undefined, 1], ['normal', 1], ['full', 2]] as const) {
    it(`synchronous ${setting ?? '(default)'}: PRAGMA synchronous reads back ${number}, journal WAL`, async () => {
      const store = await createStore({ kind: 'sqlite', path: join(dir, 'bridge.sqlite'), ...(setting ? { synchronous: setting } : {}) });
      try {
        // The raw PRAGMA on the store's own connection (synchronous is per connection).
        const raw = (store as unknown as { adapter: { query(sql: string): Promise<Array<Record<string, unknown>>> } }).adapter;
        expect(await raw.query('PRAGMA synchronous')).to.deep.equal([{ synchronous: number }]);
        expect(await raw.query('PRAGMA journal_mode')).to.deep.equal([{ journal_mode: 'wal' }]);
        expect(await readSqliteSafety(store)).to.deep.equal({ store: 'sqlite', journalMode: 'wal', synchronous: number === 2 ? 'full' : 'normal', warnings: [] });
      } finally {
        await store.close();
      }
    });
  }
});
