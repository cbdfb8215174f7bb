/**
 * Part 4, memory per tracked interview.
 *  - Redis: INFO used_memory before and after seeding N interviews under a fresh prefix, divided by N; and
 *    MEMORY USAGE of the key one interview uses (its record) over a sample,
 *    plus its share of the expiry index (MEMORY USAGE of the sorted set / members).
 *  - SQLite: file size after a WAL checkpoint and VACUUM, per record, at each size.
 *  - Process: RSS and heap of a bridge process (child, after full GCs) empty, then with 100,000 tracked
 *    interviews after it has polled and reconciled 1 % of them.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@keyv/redis';
import sqlite3 from 'sqlite3';
import { settleDelivery } from '../src/domain/delivery.js';
import { keys } from '../src/domain/keys.js';
import { ATTEMPT_LOG_SIZE, ATTEMPT_LOG_TTL_MS, type OutboxEntry } from '../src/domain/outbox.js';
import type { InterviewRecord } from '../src/domain/types.js';
import { createHireflixSandbox } from '../src/sandbox/hireflix/index.js';
import { createStore } from '../src/store/index.js';
import { seedInterviews } from './lib/seed.js';
import { isMain, runStandalone, table, type Section } from './lib/section.js';
import { benchChild, deleteRedisPrefix, REDIS_URL, uniquePrefix } from './lib/setup.js';
import { fmt, fmtBytes } from './lib/stats.js';

export interface MemoryOptions {
  sizes: number[];
  /** Interviews whose keys MEMORY USAGE inspects. */
  sample: number;
  rssSize: number;
}

export const MEMORY_DEFAULTS: MemoryOptions = { sizes: [10_000, 100_000], sample: 500, rssSize: 100_000 };

type Redis = ReturnType<typeof createClient>;

async function usedMemory(client: Redis): Promise<number> {
  const info = await client.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);
}

async function redisSize(client: Redis, n: number, sample: number) {
  const prefix = uniquePrefix('mem');
  let clock = Date.parse('2025-01-06T09:00:00.000Z');
  const sandbox = createHireflixSandbox({ now: () => clock });
  const store = await createStore({ kind: 'redis', url: REDIS_URL, prefix });
  try {
    const before = await usedMemory(client);
    const ids = await seedInterviews(store, sandbox, (ms) => (clock = ms), { count: n, accountId: 'bench', startMs: clock });
    const after = await usedMemory(client);
    const parts = { record: 0, followers: 0 };
    const step = Math.max(1, Math.floor(ids.length / sample));
    let sampled = 0;
    for (let i = 0; i < ids.length && sampled < sample; i += step, sampled++) {
      const record = (await store.get<InterviewRecord>(keys.interview(ids[i]!)))!;
      parts.record += (await client.memoryUsage(`${prefix}::${keys.interview(record.id)}`, { SAMPLES: 0 })) ?? 0;
      parts.followers += (await client.memoryUsage(`${prefix}:zset:${keys.followers(record.accountId, record.upstreamId!)}`, { SAMPLES: 0 })) ?? 0;
    }
    const zset = ((await client.memoryUsage(`${prefix}:zset:${keys.expiryIndex}`, { SAMPLES: 0 })) ?? 0) / n;
    if (parts.record === 0 || parts.followers === 0) throw new Error('MEMORY USAGE found no key: the key layout changed');
    return { delta: (after - before) / n, record: parts.record / sampled, followers: parts.followers / sampled, zset };
  } finally {
    await store.close();
    await deleteRedisPrefix(prefix).catch(() => 0);
  }
}

async function sqliteSize(n: number) {
  const dir = mkdtempSync(join(tmpdir(), 'wvb-bench-mem-'));
  const path = join(dir, 'bridge.sqlite');
  let clock = Date.parse('2025-01-06T09:00:00.000Z');
  const sandbox = createHireflixSandbox({ now: () => clock });
  try {
    const empty = await createStore({ kind: 'sqlite', path });
    await empty.close();
    const vacuumed = async (): Promise<number> => {
      await new Promise<void>((resolve, reject) => {
        const db = new sqlite3.Database(path, (err) => {
          if (err) return reject(err);
          db.exec('PRAGMA wal_checkpoint(TRUNCATE); VACUUM;', (e) => db.close(() => (e ? reject(e) : resolve())));
        });
      });
      return statSync(path).size;
    };
    const base = await vacuumed();
    const store = await createStore({ kind: 'sqlite', path });
    await seedInterviews(store, sandbox, (ms) => (clock = ms), { count: n, accountId: 'bench', startMs: clock, width: 32 });
    await store.close();
    const size = await vacuumed();
    return { file: size, perRecord: (size - base) / n };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type KeyRow = { state: string; record: number; report: number; outbox: number; attempts: number; followers: number; sum: number };

/**
 * MEMORY USAGE of every key of completed interviews, as the bridge's reconcile left them (record, report
 * input, outbox entry, follower index), then after the real settle of a delivered PUT (the entry gone, one
 * attempt logged, the record's delivered hash).
 */
async function completedKeys(prefix: string, ids: string[]): Promise<{ sampled: number; waiting: KeyRow; delivered: KeyRow; attemptsTtlDays: string }> {
  const client: Redis = createClient({ url: REDIS_URL });
  client.on('error', () => undefined);
  await client.connect();
  const store = await createStore({ kind: 'redis', url: REDIS_URL, prefix });
  const usage = async (key: string): Promise<number> => (await client.memoryUsage(key, { SAMPLES: 0 })) ?? 0;
  const measure = async (state: string, records: InterviewRecord[]): Promise<KeyRow> => {
    const row: KeyRow = { state, record: 0, report: 0, outbox: 0, attempts: 0, followers: 0, sum: 0 };
    for (const r of records) {
      row.record += await usage(`${prefix}::${keys.interview(r.id)}`);
      if (r.reportId) row.report += await usage(`${prefix}::${keys.report(r.reportId)}`);
      row.outbox += await usage(`${prefix}::${keys.outbox(r.id)}`);
      row.attempts += await usage(`${prefix}::${keys.attempts(r.id)}`);
      row.followers += await usage(`${prefix}:zset:${keys.followers(r.accountId, r.upstreamId!)}`);
    }
    for (const k of ['record', 'report', 'outbox', 'attempts', 'followers'] as const) row[k] /= records.length;
    row.sum = row.record + row.report + row.outbox + row.attempts + row.followers;
    return row;
  };
  try {
    const found = (await store.getMany<InterviewRecord>(ids.map((id) => keys.interview(id)))).filter((r): r is InterviewRecord => r?.current.status === 'completed');
    if (found.length === 0) throw new Error('no completed interview to measure');
    const waiting = await measure('completed, result waiting for delivery', found);
    const at = new Date();
    const deps = { store, config: { horizonMs: 86_400_000, baseDelayMs: 1000, maxDelayMs: 60_000 } };
    for (const r of found) {
      const entry = (await store.get<OutboxEntry>(keys.outbox(r.id)))!;
      await settleDelivery(deps, entry, { kind: 'delivered', status: 200, durationMs: 12 }, at);
    }
    const delivered = await measure('completed and delivered (the steady state)', await store.getMany<InterviewRecord>(found.map((r) => keys.interview(r.id))) as InterviewRecord[]);
    const ttl = await client.pTTL(`${prefix}::${keys.attempts(found[0]!.id)}`);
    return { sampled: found.length, waiting, delivered, attemptsTtlDays: fmt(ttl / 86_400_000, 1) };
  } finally {
    await store.close();
    client.destroy();
  }
}

async function processRss(n: number) {
  let clock = Date.now() - 3 * 86_400_000;
  const sandbox = createHireflixSandbox({ now: () => clock });
  await sandbox.listen(0, '127.0.0.1');
  const prefix = uniquePrefix('rss');
  const memoryChild = benchChild('memory-child', import.meta.url);
  const child = fork(memoryChild.path, [sandbox.endpoint(), sandbox.apiKey, prefix], {
    execArgv: [...memoryChild.execArgv, '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ask = <T>(msg: string, key: string) =>
    new Promise<T>((resolve) => {
      const on = (m: Record<string, unknown>) => {
        if (key in m) {
          child.off('message', on);
          resolve(m[key] as T);
        }
      };
      child.on('message', on);
      child.send(msg);
    });
  try {
    await new Promise((r) => child.once('message', r));
    const empty = await ask<{ rss: number; heapUsed: number }>('measure', 'memory');
    const store = await createStore({ kind: 'redis', url: REDIS_URL, prefix });
    const ids = await seedInterviews(store, sandbox, (ms) => (clock = ms), { count: n, accountId: 'bench', startMs: clock });
    await store.close();
    clock = Date.now();
    const upstream = new Map(sandbox.state.store.all().map((iv) => [iv.externalId!, iv.id]));
    for (let i = 0; i < n / 100; i++) sandbox.state.store.finish(upstream.get(ids[i * 100]!)!, { score: 4 });
    const reconciled = await ask<number>('cycle', 'reconciled');
    const full = await ask<{ rss: number; heapUsed: number }>('measure', 'memory');
    const completed = await completedKeys(prefix, Array.from({ length: n / 100 }, (_, i) => ids[i * 100]!));
    return { empty, full, reconciled, completed };
  } finally {
    await new Promise<void>((r) => {
      child.once('exit', () => r());
      child.send('stop');
    });
    await sandbox.close();
    await deleteRedisPrefix(prefix).catch(() => 0);
  }
}

export async function runMemory(opts: Partial<MemoryOptions> = {}, log: (s: string) => void = (s) => console.error(s)): Promise<Section> {
  const o = { ...MEMORY_DEFAULTS, ...opts };
  const client: Redis = createClient({ url: REDIS_URL });
  client.on('error', () => undefined);
  await client.connect();
  const redisRows: string[][] = [];
  let worstRedis = 0;
  try {
    for (const n of o.sizes) {
      const r = await redisSize(client, n, o.sample);
      const perInterview = r.record + r.followers + r.zset;
      worstRedis = Math.max(worstRedis, perInterview);
      log(`  redis ${fmt(n)}: ${fmt(perInterview)} B by MEMORY USAGE, ${fmt(r.delta)} B by used_memory`);
      redisRows.push([fmt(n), fmt(r.record), fmt(r.followers), fmt(r.zset, 1), `**${fmt(perInterview)}**`, fmt(r.delta)]);
    }
  } finally {
    client.destroy();
  }
  const sqliteRows: string[][] = [];
  for (const n of o.sizes) {
    const s = await sqliteSize(n);
    log(`  sqlite ${fmt(n)}: ${fmt(s.perRecord)} B per interview`);
    sqliteRows.push([fmt(n), fmtBytes(s.file), `**${fmt(s.perRecord)}**`]);
  }
  const rss = await processRss(o.rssSize);
  log(`  rss: ${fmtBytes(rss.empty.rss)} -> ${fmtBytes(rss.full.rss)}`);
  const body = `
Redis, bytes per tracked interview:

${table(['tracked interviews', 'record', 'follower index', 'expiry index share', 'sum (MEMORY USAGE)', 'used_memory delta / N'], redisRows)}

Redis, bytes per completed interview (MEMORY USAGE of every key it owns; ${fmt(rss.completed.sampled)} interviews the bridge completed in the
process run below, as reconcile left them, then after \`settleDelivery\` recorded Workable's 200):

${table(
  ['state', 'record', 'PDF report input', 'outbox entry', 'attempt log', 'follower index', 'sum'],
  [rss.completed.waiting, rss.completed.delivered].map((c) => [c.state, fmt(c.record), fmt(c.report), fmt(c.outbox), fmt(c.attempts), fmt(c.followers), `**${fmt(c.sum)}**`]),
)}

The attempt log keeps the newest ${ATTEMPT_LOG_SIZE} attempts and expires ${fmt(ATTEMPT_LOG_TTL_MS / 86_400_000)} days after its last one (TTL
${rss.completed.attemptsTtlDays} days read back with PTTL); retention deletes every key of a finished interview after \`retention.days\`.

SQLite, file size after \`PRAGMA wal_checkpoint(TRUNCATE); VACUUM\`:

${table(['tracked interviews', 'file', 'bytes per interview'], sqliteRows)}

Bridge process (Redis store), after full GCs:

${table(
  ['state', 'RSS', 'heap used'],
  [
    ['started, empty store', fmtBytes(rss.empty.rss), fmtBytes(rss.empty.heapUsed)],
    [`${fmt(o.rssSize)} tracked, after a poll + reconcile of ${fmt(rss.reconciled)} changed`, fmtBytes(rss.full.rss), fmtBytes(rss.full.heapUsed)],
    ['difference', fmtBytes(rss.full.rss - rss.empty.rss), fmtBytes(rss.full.heapUsed - rss.empty.heapUsed)],
  ],
)}

How: \`npm run bench:memory\`. Interviews are seeded as in part 2 (sandbox in-process, records written with the real
key layout through the Store API; a record is what createInterview stores after inviting: candidate with phone,
callback URL, candidate link, template name, expiry deadline, with createInterview's follower index). Redis: "sum" is MEMORY
USAGE (SAMPLES 0) of the record (\`<prefix>::interview:<id>\`) and its follower index averaged over ${o.sample} interviews (ids are derived from account + callback_url, so there is
no idempotency record; Hireflix echoes our id, so there is no upstream-id index), plus the expiry sorted set's MEMORY USAGE divided
by its members; "used_memory delta" is INFO's used_memory after minus before seeding, divided by N (includes the
key-space dictionary; other clients of the same Redis can move it a little). Transient keys (locks, leases,
reconcile hints, outbox entries until delivered) are not counted. The process figures come from a bridge in a
child process started with \`--expose-gc\`: memory after three \`gc()\` calls, empty, then after the parent seeded
${fmt(o.rssSize)} interviews and the bridge ran one poll over them (1 % finished upstream) and reconciled what it found.
`;
  return {
    title: '4. Memory',
    body,
    targets: [
      { name: 'Redis memory per pending interview (MEMORY USAGE of its keys + index share)', goal: '<= 500 B', measured: `${fmt(worstRedis)} B`, met: worstRedis <= 500 },
      { name: 'Redis memory per completed interview, every key it owns (delivered; waiting)', goal: '<= 2 KB', measured: `${fmt(rss.completed.delivered.sum)} B; ${fmt(rss.completed.waiting.sum)} B`, met: Math.max(rss.completed.delivered.sum, rss.completed.waiting.sum) <= 2048 },
      { name: 'attempt log per interview: capped and expiring', goal: 'a cap and a TTL', measured: `${ATTEMPT_LOG_SIZE} attempts, TTL ${rss.completed.attemptsTtlDays} days`, met: Number(rss.completed.attemptsTtlDays) > 0 },
    ],
  };
}

if (isMain(import.meta.url)) await runStandalone(() => runMemory());
