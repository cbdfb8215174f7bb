/**
 * Store safety at start-up, end to end: the real bridge on a SQLite file configured for synchronous=FULL, and
 * on a private redis-server whose eviction policy drops keys and which persists nothing (the shared Redis is
 * never reconfigured). /readyz stays 200 and carries the details; the start-up log says it loudly.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { freePort } from '../support/http.js';
import { redisServerOnPath, startRedisServer, stopRedisServer } from '../support/redis.js';
import { call, startHarness, type Harness } from '../support/harness.js';

const EVICTION = "Redis maxmemory-policy is allkeys-lru: under memory pressure Redis may evict the bridge's keys, and an evicted outbox entry is a result that never reaches Workable. Set maxmemory-policy noeviction.";
const NO_PERSISTENCE = 'Redis persistence is off (appendonly no, no save points): a Redis restart loses every pending result and interview. Turn on appendonly (or RDB snapshots).';

describe('store safety at start-up', function () {
  this.timeout(30000);
  let h: Harness | undefined;
  let server: ChildProcess | undefined;
  let dir = '';
  afterEach(async () => {
    await h?.close();
    h = undefined;
    if (server) await stopRedisServer(server);
    server = undefined;
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = '';
  });

  it('SQLite with store.sqlite_synchronous: full: /readyz shows synchronous full, no warning logged', async () => {
    h = await startHarness('sqlite', { bridgeYaml: 'store: { sqlite_synchronous: full }' });
    const res = await call(`${h.url}/readyz`);
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({
      status: 'ready',
      store: 'sqlite',
      mode: 'configured',
      storeSafety: { store: 'sqlite', journalMode: 'wal', synchronous: 'full', warnings: [] },
    });
    expect(h.logs.filter((l) => String(l.msg).startsWith('STORE SAFETY'))).to.deep.equal([]);
    expect(h.logs.find((l) => l.msg === 'store safety settings')).to.deep.include({ level: 30 });
  });

  it('Redis evicting keys and persisting nothing: a warning line for each, /readyz 200 with both', async function () {
    if (!redisServerOnPath()) this.skip();
    dir = await mkdtemp(join(tmpdir(), 'wvb-redis-safety-'));
    const port = await freePort();
    server = await startRedisServer(port, ['--dir', dir, '--maxmemory-policy', 'allkeys-lru']);
    h = await startHarness('redis', { redisUrl: `redis://127.0.0.1:${port}` });

    const warned = h.logs.filter((l) => String(l.msg).startsWith('STORE SAFETY'));
    expect(warned.map((l) => [l.level, l.msg])).to.deep.equal([
      [40, `STORE SAFETY: ${EVICTION}`],
      [40, `STORE SAFETY: ${NO_PERSISTENCE}`],
    ]);
    const res = await call(`${h.url}/readyz`);
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({
      status: 'ready',
      store: 'redis',
      mode: 'configured',
      storeSafety: { store: 'redis', evictionPolicy: 'allkeys-lru', appendonly: 'no', save: '', warnings: [EVICTION, NO_PERSISTENCE] },
    });
  });

  it('Redis refusing CONFIG and INFO: one warning that the settings are unknown, /readyz says unknown', async function () {
    if (!redisServerOnPath()) this.skip();
    dir = await mkdtemp(join(tmpdir(), 'wvb-redis-safety-'));
    const port = await freePort();
    server = await startRedisServer(port, ['--dir', dir, '--rename-command', 'CONFIG', '', '--rename-command', 'INFO', '']);
    h = await startHarness('redis', { redisUrl: `redis://127.0.0.1:${port}` });

    const warned = h.logs.filter((l) => String(l.msg).startsWith('STORE SAFETY'));
    expect(warned).to.have.length(1);
    expect(warned[0]?.msg).to.match(/^STORE SAFETY: could not read Redis evictionPolicy, appendonly, save \(CONFIG GET maxmemory-policy: ERR unknown command .*\); check by hand that maxmemory-policy is noeviction and persistence is on$/);
    const res = await call(`${h.url}/readyz`);
    expect(res.status).to.equal(200);
    expect((res.body as { storeSafety: unknown }).storeSafety).to.deep.include({ evictionPolicy: 'unknown', appendonly: 'unknown', save: 'unknown', warnings: [] });
  });
});
