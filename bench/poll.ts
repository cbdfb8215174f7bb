/**
 * Part 2, poll-cycle scale. For each size (10,000 and 100,000 open interviews) a fresh sandbox holds the
 * interviews and a fresh store holds the bridge's records (seeded directly, see lib/seed.ts). A virtual
 * clock drives both. Each cycle, 1 % of the interviews change upstream, then one poll of the account runs
 * (pollOnce) followed by reconciliation of everything it marked, batch after batch as the scheduler's
 * reconcile worker does (batch 200, 8 at a time), until nothing is due. Measured per cycle: wall time,
 * GraphQL requests the sandbox received (by operation), and Store operations (a counting proxy).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { keys } from '../src/domain/keys.js';
import { createContainer } from '../src/container.js';
import { pollOnce } from '../src/jobs/pollOnce.js';
import { reconcileDue } from '../src/jobs/reconcileDue.js';
import { Scheduler } from '../src/jobs/scheduler.js';
import { createHireflixSandbox } from '../src/sandbox/hireflix/index.js';
import { createStore } from '../src/store/index.js';
import type { Store } from '../src/store/types.js';
import { seedInterviews } from './lib/seed.js';
import { isMain, runStandalone, table, type Section } from './lib/section.js';
import { benchConfig, countingStore, deleteRedisPrefix, productionLogger, REDIS_URL, redisCommandsSoFar, uniquePrefix, type StoreKind } from './lib/setup.js';
import { fmt, median } from './lib/stats.js';

export type ChangeKind = 'finish' | 'start';

export interface PollOptions {
  /** Open interviews per scenario (Redis). */
  sizes: number[];
  /** The same for SQLite. */
  sqliteSizes: number[];
  stores: StoreKind[];
  /** Interviews changed upstream before each cycle, at every size (issue 13: 1,000), so size alone varies. */
  changesPerCycle: number;
  cycles: number;
  /** finish: completed with a score (share link, PDF report, outbox); start: opened, result unchanged. */
  kinds: ChangeKind[];
  latencyMs: number;
}

const list = (v: string | undefined): string[] | undefined => (v ? v.split(',').map((x) => x.trim()).filter(Boolean) : undefined);

/**
 * Sizes: BENCH_POLL_SIZES for every store, else 10k / 100k / 1M on Redis (the target's store) and 10k / 100k on
 * SQLite (BENCH_POLL_SQLITE_SIZES; the embedded store is for one small deployment). BENCH_POLL_STORES narrows.
 */
export const POLL_DEFAULTS: PollOptions = {
  sizes: list(process.env.BENCH_POLL_SIZES)?.map(Number) ?? [10_000, 100_000, 1_000_000],
  sqliteSizes: list(process.env.BENCH_POLL_SIZES ?? process.env.BENCH_POLL_SQLITE_SIZES)?.map(Number) ?? [10_000, 100_000],
  stores: (list(process.env.BENCH_POLL_STORES) as StoreKind[] | undefined) ?? ['redis', 'sqlite'],
  changesPerCycle: 1000,
  cycles: 3,
  kinds: ['finish', 'start'],
  latencyMs: 20,
};

interface CycleResult {
  wallMs: number;
  pollMs: number;
  reconcileMs: number;
  changes: number;
  known: number;
  reconciled: number;
  upstream: number;
  listing: number;
  storeOps: number;
  pollStoreOps: number;
  /** INFO commandstats calls over the cycle (Redis only; NaN on SQLite). */
  redisCommands: number;
}

const CYCLE_MS = 10 * 60_000;

async function scenario(kind: StoreKind, size: number, o: PollOptions, log: (s: string) => void): Promise<Map<ChangeKind, CycleResult[]>> {
  let clock = Date.parse('2025-01-06T09:00:00.000Z');
  const sandbox = createHireflixSandbox({ latencyMs: o.latencyMs, now: () => clock });
  await sandbox.listen(0, '127.0.0.1');
  const dir = mkdtempSync(join(tmpdir(), 'wvb-bench-poll-'));
  const prefix = uniquePrefix('poll');
  const storeCfg = kind === 'sqlite' ? ({ kind, path: join(dir, 'bridge.sqlite') } as const) : ({ kind, prefix } as const);
  const { config } = benchConfig({ port: 3999, store: storeCfg, sandboxEndpoint: sandbox.endpoint(), sandboxApiKey: sandbox.apiKey });
  const raw: Store = kind === 'sqlite' ? await createStore({ kind, path: storeCfg.kind === 'sqlite' ? storeCfg.path : '' }) : await createStore({ kind, url: REDIS_URL, prefix });
  const counting = countingStore(raw);
  const results = new Map<ChangeKind, CycleResult[]>();
  try {
    const c = createContainer({ config, store: counting.store, logger: productionLogger(config), now: () => new Date(clock) });
    const account = c.accounts()[0]!;
    const seedStart = performance.now();
    const ids = await seedInterviews(raw, sandbox, (ms) => (clock = ms), { count: size, accountId: account.id, startMs: clock - 7 * 86_400_000 });
    log(`  seeded ${fmt(size)} interviews on ${kind} in ${fmt((performance.now() - seedStart) / 1000, 1)} s`);
    // An hour later, past the poll's overlap: the first poll lists only the first cycle's changes.
    clock += 3_600_000;
    await raw.set(keys.watermark(account.id), new Date(clock).toISOString());
    const deps = new Scheduler(c).reconcileDeps;
    const pollDeps = { store: counting.store, upstreamFor: c.upstreamFor, now: c.now, overlapMs: config.poller.overlapMs, initialLookbackMs: config.poller.initialLookbackMs };
    const upstreamIds = ids.map((id) => id);
    let cursor = 0;
    const byExternal = new Map(sandbox.state.store.all().map((iv) => [iv.externalId!, iv.id]));
    for (const changeKind of o.kinds) {
      const cycles: CycleResult[] = [];
      // One extra, unmeasured first cycle warms the JIT and connections.
      for (let cycle = 0; cycle <= o.cycles; cycle++) {
        clock += CYCLE_MS;
        const changed = Math.min(size, o.changesPerCycle);
        for (let i = 0; i < changed; i++) {
          const upstreamId = byExternal.get(upstreamIds[cursor++ % upstreamIds.length]!)!;
          clock += 1;
          if (changeKind === 'finish') sandbox.state.store.finish(upstreamId, { score: 4, durationSeconds: 312 });
          else sandbox.state.store.start(upstreamId);
        }
        // The poll runs 2.5 minutes after the changes, past its 2-minute overlap, so it lists this cycle's changes only.
        clock += 150_000;
        const before = { ...sandbox.state.stats.byOperation };
        const requestsBefore = sandbox.state.stats.requests;
        const commandsBefore = kind === 'redis' ? await redisCommandsSoFar() : 0;
        counting.reset();
        const t0 = performance.now();
        const summary = await pollOnce(pollDeps, account);
        const t1 = performance.now();
        const pollStoreOps = counting.total();
        let reconciled = 0;
        for (;;) {
          const s = await reconcileDue(deps, { batchSize: 200, concurrency: 16, leaseMs: 120_000 });
          reconciled += s.reconciled;
          if (s.reconciled + s.failed + s.skipped === 0) break;
          if (s.failed > 0) throw new Error(`${s.failed} reconciles failed`);
        }
        const t2 = performance.now();
        // Less the first reading's own INFO; every command the cycle caused, those inside scripts and MULTI too.
        const redisCommands = kind === 'redis' ? (await redisCommandsSoFar()) - commandsBefore - 1 : Number.NaN;
        if (summary.skipped) throw new Error(`poll skipped: ${summary.reason}`);
        const ops = sandbox.state.stats.byOperation;
        const delta = (name: string) => (ops[name] ?? 0) - (before[name] ?? 0);
        const result: CycleResult = {
          wallMs: t2 - t0,
          pollMs: t1 - t0,
          reconcileMs: t2 - t1,
          changes: summary.changes,
          known: summary.known,
          reconciled,
          upstream: sandbox.state.stats.requests - requestsBefore,
          listing: delta('ListPositions') + delta('ChangedInterviews'),
          storeOps: counting.total(),
          pollStoreOps,
          redisCommands,
        };
        if (cycle > 0) cycles.push(result);
        log(`  ${kind} ${fmt(size)} ${changeKind} cycle ${cycle}${cycle === 0 ? ' (warm-up)' : ''}: ${fmt(result.wallMs)} ms (poll ${fmt(result.pollMs)}), ${result.changes} changes, ${result.upstream} upstream requests (${result.listing} listing), ${fmt(result.storeOps)} store ops`);
      }
      results.set(changeKind, cycles);
    }
  } finally {
    await raw.close();
    await sandbox.close();
    if (kind === 'redis') await deleteRedisPrefix(prefix).catch(() => 0);
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

export async function runPoll(opts: Partial<PollOptions> = {}, log: (s: string) => void = (s) => console.error(s)): Promise<Section> {
  const o = { ...POLL_DEFAULTS, ...opts };
  const rows: string[][] = [];
  /** Redis, finish: the target's rows, by size. */
  const redisFinish = new Map<number, { wall: number; listing: number; upstream: number; storeOps: number }>();
  const listingBySize = new Map<number, number[]>();
  for (const kind of o.stores) {
    for (const size of kind === 'sqlite' ? o.sqliteSizes : o.sizes) {
      const res = await scenario(kind, size, o, log);
      for (const [changeKind, cycles] of res) {
        const m = (f: (r: CycleResult) => number) => median(cycles.map(f));
        rows.push([
          kind,
          fmt(size),
          changeKind,
          fmt(m((r) => r.changes)),
          `**${fmt(m((r) => r.wallMs / 1000), 2)}**`,
          `${fmt(m((r) => r.pollMs / 1000), 2)} / ${fmt(m((r) => r.reconcileMs / 1000), 2)}`,
          fmt(m((r) => r.listing)),
          fmt(m((r) => r.upstream)),
          `${fmt(m((r) => r.pollStoreOps))} / ${fmt(m((r) => r.storeOps))}`,
          fmt(m((r) => r.storeOps / Math.max(1, r.changes)), 1),
          kind === 'redis' ? fmt(m((r) => r.redisCommands)) : '-',
        ]);
        if (changeKind === 'finish' || !listingBySize.has(size)) listingBySize.set(size, [...(listingBySize.get(size) ?? []), m((r) => r.listing)]);
        if (kind === 'redis' && changeKind === 'finish') redisFinish.set(size, { wall: m((r) => r.wallMs), listing: m((r) => r.listing), upstream: m((r) => r.upstream), storeOps: m((r) => r.storeOps) });
      }
    }
  }
  const allSizes = [...listingBySize.keys()];
  const [small, large] = [Math.min(...allSizes), Math.max(...allSizes)];
  const redisSizes = [...redisFinish.keys()].sort((a, b) => a - b);
  const redisLarge = redisSizes.at(-1) ?? 0;
  const top = redisFinish.get(redisLarge);
  const base = redisFinish.get(redisSizes[0] ?? 0);
  const flat = base !== undefined && redisSizes.length >= 2 && redisSizes.every((n) => {
    const r = redisFinish.get(n)!;
    return r.upstream === base.upstream && r.storeOps === base.storeOps && r.wall <= base.wall * 1.5;
  });
  const listingSmall = median(listingBySize.get(small) ?? []);
  const listingLarge = median(listingBySize.get(large) ?? []);
  const changes = (n: number) => fmt(Math.min(n, o.changesPerCycle));
  const body = `
${table(
  ['store', 'open interviews', 'change', 'changes listed', 'cycle wall s', 'poll s / reconcile s', 'listing requests', 'all upstream requests', 'store ops poll / cycle', 'store ops per change', 'Redis commands per cycle'],
  rows,
)}

Upstream listing requests per cycle: ${fmt(listingSmall)} with ${fmt(small)} open interviews (${changes(small)} changes) and
${fmt(listingLarge)} with ${fmt(large)} (${changes(large)} changes): they follow the changes (one positions call, then per open
position one page per 50 changes, plus one when a page ends exactly at the change boundary), not the open interviews. The other requests are reconcile's
reads of the changed interviews (one \`GetInterview\` each, plus one \`ShareInterview\` for a completion).

How: \`npm run bench:poll\`. In one process: a Hireflix sandbox (\`latencyMs: ${o.latencyMs}\` on every GraphQL request, 3 open
positions) and the bridge's jobs over a real store (Redis under a unique prefix, deleted afterwards, or a
temporary SQLite file). Interviews are seeded directly: the sandbox through its own store (no HTTP), the
bridge's records with the real key layout of \`src/domain/keys.ts\` (record and expiry index member; Hireflix
echoes our id, so there is no upstream-id index) written through the Store API. A virtual clock drives both sides; cycles are 10
minutes apart and each poll runs 2.5 minutes after its changes, so the poll's 2-minute overlap re-lists nothing
from the previous cycle (in production it does, and the poll skips changes older than a record's last
reconcile by more than the overlap). Each cycle: ${fmt(o.changesPerCycle)}
interviews change upstream, whatever the number open (sizes: 10,000, 100,000 and 1,000,000 on Redis, 10,000 and 100,000 on SQLite; \`BENCH_POLL_SIZES\`, \`BENCH_POLL_SQLITE_SIZES\` and \`BENCH_POLL_STORES\` change them) (\`finish\`: completed with 4 stars, so reconcile creates a share link,
renders the PDF report and queues a result; \`start\`: the candidate opened it, nothing to send), then
\`pollOnce\` and \`reconcileDue\` (batch 200, concurrency 16: the defaults of \`reconcile\` in config/bridge.yaml) repeated until nothing is due.
Wall time is pollOnce start to the last reconcile; store operations are counted by a proxy around the Store
(every method call); Redis commands are the server's INFO commandstats calls over the cycle (commands inside
scripts and MULTI/EXEC counted one by one). Median of ${o.cycles} cycles after one warm-up cycle.
`;
  return {
    title: '2. Poll-cycle scale',
    body,
    targets: [
      {
        name: `poll cycle on Redis over ${fmt(redisLarge)} open interviews with ${changes(redisLarge)} changed finishes`,
        goal: '< 5 s, at 1,000,000 open',
        measured: top ? `${fmt(top.wall / 1000, 2)} s` : 'n/a',
        met: top !== undefined && top.wall < 5_000 && redisLarge >= 1_000_000,
      },
      {
        name: `Redis cycle flat across ${redisSizes.map((n) => fmt(n)).join(' / ')} open: wall s, upstream requests, store ops`,
        goal: 'requests and store ops the same; wall within 1.5x of the smallest',
        measured: redisSizes.map((n) => { const r = redisFinish.get(n)!; return `${fmt(r.wall / 1000, 2)} / ${fmt(r.upstream)} / ${fmt(r.storeOps)}`; }).join(' -> '),
        met: flat,
      },
      {
        name: 'listing requests flat across sizes (same changes)',
        goal: `the same at ${fmt(small)} and ${fmt(large)} open (within 4)`,
        measured: `${fmt(listingSmall)} -> ${fmt(listingLarge)}`,
        met: listingLarge <= listingSmall + 4,
      },
    ],
  };
}

if (isMain(import.meta.url)) await runStandalone(() => runPoll());
