/**
 * Part 3, delivery throughput. N results are enqueued with the real outbox (enqueue, under the interview
 * lock), then drained by the scheduler's real delivery worker (startDeliveryWorker: one continuous pool),
 * with the container's callback client, at the configured concurrency (16 overall, 8 per callback host:
 * every result here goes to one host). The receiver runs in a child process. Baselines in the same run: the
 * same PUTs (same body, same headers) from a plain keep-alive client with the same 8-request limit, and from
 * the bridge's own callback client with no store work.
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createContainer } from '../src/container.js';
import { keys } from '../src/domain/keys.js';
import { resultHash } from '../src/domain/mapping/index.js';
import { enqueue } from '../src/domain/outbox.js';
import type { InterviewRecord } from '../src/domain/types.js';
import { startDeliveryWorker } from '../src/jobs/deliverDue.js';
import { createStore } from '../src/store/index.js';
import type { Store } from '../src/store/types.js';
import type { WorkableResult } from '../src/workable/payload.js';
import { pool } from './lib/seed.js';
import { isMain, runStandalone, table, type Section } from './lib/section.js';
import { benchChild, benchConfig, deleteRedisPrefix, productionLogger, REDIS_URL, redisCommandsSoFar, uniquePrefix, type StoreKind } from './lib/setup.js';
import { fmt, median, percentile } from './lib/stats.js';
import { randomBytes } from 'node:crypto';

export interface DeliveryOptions {
  count: number;
  rounds: number;
  stores: StoreKind[];
}

export const DELIVERY_DEFAULTS: DeliveryOptions = { count: 10_000, rounds: 3, stores: ['redis', 'sqlite'] };

interface Run {
  perSecond: number;
  p50: number;
  p99: number;
  seconds: number;
}

function payload(id: string): WorkableResult {
  return {
    status: 'completed',
    results_url: `https://app.hireflix.com/share/${id}`,
    interview: {
      score: '80',
      grade: 'excelled',
      summary: 'Lakita Marrero completed "Customer Support Specialist" and scored 80 %.',
      details: { position: 'Customer Support Specialist', questions: '3', answered: '3', duration: '00:05:12' },
      duration: '00:05:12',
    },
    attachments: [{ description: 'Interview Report', url: `https://bridge.example.com/reports/${randomBytes(24).toString('base64url')}.pdf` }],
  };
}

async function startReceiver() {
  const receiver = benchChild('delivery-receiver', import.meta.url);
  const child = fork(receiver.path, [], { execArgv: receiver.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('message', (m: { url: string }) => resolve(m.url));
  });
  return {
    url,
    stop: () => new Promise<void>((r) => {
      child.once('exit', () => r());
      child.send('stop');
    }),
  };
}

/** The receiver alone: the same PUTs from a plain keep-alive client, 8 in flight. */
async function baseline(base: string, n: number, token: string): Promise<Run> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const times: number[] = [];
  const ids = Array.from({ length: n }, (_, i) => `baseline-${i}`);
  const started = performance.now();
  await pool(ids, 8, (id) => new Promise<void>((resolve, reject) => {
    const body = JSON.stringify(payload(id));
    const t0 = performance.now();
    const req = http.request(`${base}/interviews/${id}/callback`, {
      method: 'PUT',
      agent,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'bench', 'content-length': String(Buffer.byteLength(body)) },
    }, (res) => {
      res.resume();
      res.on('end', () => {
        times.push(performance.now() - t0);
        if (res.statusCode !== 200) reject(new Error(`baseline PUT answered ${res.statusCode}`));
        else resolve();
      });
    });
    req.on('error', reject);
    req.end(body);
  }));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { perSecond: n / seconds, p50: percentile(times, 50), p99: percentile(times, 99), seconds };
}

/**
 * The bridge's own callback client alone (axios with the callback policy's guards, as the container builds it),
 * 8 PUTs in flight, no store: the ceiling the HTTP client puts on delivery before any store work.
 */
async function clientAlone(receiverUrl: string, n: number): Promise<Run> {
  const store = await createStore({ kind: 'sqlite', path: ':memory:' });
  try {
    const { config } = benchConfig({ port: 3999, store: { kind: 'sqlite', path: ':memory:' }, sandboxEndpoint: 'http://127.0.0.1:9/me', sandboxApiKey: 'unused' });
    const c = createContainer({ config, store, logger: productionLogger(config) });
    const token = c.accounts()[0]!.workableToken;
    const times: number[] = [];
    const ids = Array.from({ length: n }, (_, i) => `client-${i}`);
    const started = performance.now();
    await pool(ids, 8, async (id) => {
      const t0 = performance.now();
      const outcome = await c.callbackClient.put(`${receiverUrl}/interviews/${id}/callback`, token, payload(id));
      times.push(performance.now() - t0);
      if (outcome.kind !== 'delivered') throw new Error(`client-alone PUT ${outcome.kind}: ${outcome.error ?? outcome.status}`);
    });
    const seconds = (performance.now() - started) / 1000;
    return { perSecond: n / seconds, p50: percentile(times, 50), p99: percentile(times, 99), seconds };
  } finally {
    await store.close();
  }
}

async function bridgeRun(kind: StoreKind, receiverUrl: string, n: number): Promise<Run & { enqueueSeconds: number; commandsPerResult: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'wvb-bench-delivery-'));
  const prefix = uniquePrefix('delivery');
  const storeCfg = kind === 'sqlite' ? ({ kind, path: join(dir, 'bridge.sqlite') } as const) : ({ kind, prefix } as const);
  const { config } = benchConfig({ port: 3999, store: storeCfg, sandboxEndpoint: 'http://127.0.0.1:9/me', sandboxApiKey: 'unused' });
  const store: Store = storeCfg.kind === 'sqlite' ? await createStore({ kind: 'sqlite', path: storeCfg.path }) : await createStore({ kind: 'redis', url: REDIS_URL, prefix });
  try {
    const logger = productionLogger(config);
    const c = createContainer({ config, store, logger });
    const account = c.accounts()[0]!;
    const ids = Array.from({ length: n }, () => randomBytes(16).toString('base64url'));
    const now = new Date();
    // The interview records the settle marks delivered, then the outbox entries.
    await pool(ids, 128, async (id) => {
      const callbackUrl = `${receiverUrl}/interviews/${id}/callback`;
      const record: InterviewRecord = {
        id, accountId: account.id, upstream: 'hireflix', upstreamId: randomBytes(12).toString('hex'), templateId: '64f0c0ffee00000000000001',
        jobTitle: 'Operations Manager', callbackUrl, candidate: { firstName: 'Lakita', lastName: 'Marrero', email: `${id}@example.com` },
        createdAt: now.toISOString(), updatedAt: now.toISOString(), phase: 'invited', current: payload(id),
      };
      await store.set(keys.interview(id), record);
    });
    const e0 = performance.now();
    await pool(ids, 64, async (id) => {
      const p = payload(id);
      await enqueue(store, { interviewId: id, accountId: account.id, callbackUrl: `${receiverUrl}/interviews/${id}/callback`, payload: p, hash: resultHash(p) }, now);
    });
    const enqueueSeconds = (performance.now() - e0) / 1000;
    const times: number[] = [];
    const client = {
      put: async (...args: Parameters<typeof c.callbackClient.put>) => {
        const t0 = performance.now();
        const outcome = await c.callbackClient.put(...args);
        times.push(performance.now() - t0);
        if (outcome.kind !== 'delivered') throw new Error(`delivery ${outcome.kind}: ${outcome.error ?? outcome.status}`);
        return outcome;
      },
    };
    const d = config.delivery;
    const deps = {
      store,
      client,
      tokenFor: (id: string) => c.accountById(id)?.workableToken,
      logger,
      config: { ...d, leaseMs: d.timeoutMs + 15_000 },
    };
    const commandsBefore = kind === 'redis' ? await redisCommandsSoFar() : 0;
    const started = performance.now();
    // The scheduler's delivery worker (one continuous pool), told of the work once, as an enqueue would.
    let delivered = 0;
    let failure: unknown;
    let done!: () => void;
    const drained = new Promise<void>((resolve) => {
      done = resolve;
    });
    const worker = startDeliveryWorker(
      {
        ...deps,
        onSettled: (outcome) => {
          if (outcome === 'delivered') delivered += 1;
          else failure ??= new Error(`a delivery settled as ${outcome}`);
          if (delivered === n || failure !== undefined) done();
        },
      },
      () => new Date(),
      d.intervalMs,
      (err) => {
        failure ??= err;
        done();
      },
    );
    await drained;
    await worker.stop();
    if (failure !== undefined) throw failure as Error;
    const seconds = (performance.now() - started) / 1000;
    // Less the first reading's own INFO.
    const commandsPerResult = kind === 'redis' ? ((await redisCommandsSoFar()) - commandsBefore - 1) / n : Number.NaN;
    if (delivered !== n) throw new Error(`delivered ${delivered} of ${n}`);
    return { perSecond: n / seconds, p50: percentile(times, 50), p99: percentile(times, 99), seconds, enqueueSeconds, commandsPerResult };
  } finally {
    await store.close();
    if (kind === 'redis') await deleteRedisPrefix(prefix).catch(() => 0);
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runDelivery(opts: Partial<DeliveryOptions> = {}, log: (s: string) => void = (s) => console.error(s)): Promise<Section> {
  const o = { ...DELIVERY_DEFAULTS, ...opts };
  const receiver = await startReceiver();
  try {
    const base: Run[] = [];
    const alone: Run[] = [];
    const bridge: Record<string, Array<Run & { enqueueSeconds: number; commandsPerResult: number }>> = {};
    await baseline(receiver.url, 1000, 'warm-up');
    for (let round = 0; round < o.rounds; round++) {
      base.push(await baseline(receiver.url, o.count, 'wk-baseline'));
      log(`  baseline round ${round}: ${fmt(base.at(-1)!.perSecond)}/s`);
      alone.push(await clientAlone(receiver.url, o.count));
      log(`  callback client alone round ${round}: ${fmt(alone.at(-1)!.perSecond)}/s`);
      for (const kind of o.stores) {
        const r = await bridgeRun(kind, receiver.url, o.count);
        (bridge[kind] ??= []).push(r);
        log(`  ${kind} round ${round}: ${fmt(r.perSecond)}/s, drained in ${fmt(r.seconds, 2)} s (enqueue ${fmt(r.enqueueSeconds, 2)} s)${kind === 'redis' ? `, ${fmt(r.commandsPerResult, 1)} Redis commands per result` : ''}`);
      }
    }
    const baseRate = median(base.map((r) => r.perSecond));
    const rows = [
      ['receiver alone (plain keep-alive client, 8 in flight)', fmt(baseRate), fmt(median(base.map((r) => r.seconds)), 2), fmt(median(base.map((r) => r.p50)), 2), fmt(median(base.map((r) => r.p99)), 2), '100 %', '-', '-'],
      ["the bridge's callback client alone (axios + guards, 8 in flight, no store)", fmt(median(alone.map((r) => r.perSecond))), fmt(median(alone.map((r) => r.seconds)), 2), fmt(median(alone.map((r) => r.p50)), 2), fmt(median(alone.map((r) => r.p99)), 2), `${fmt((median(alone.map((r) => r.perSecond)) / baseRate) * 100, 1)} %`, '-', '-'],
      ...o.stores.map((kind) => {
        const rs = bridge[kind]!;
        return [
          `bridge, ${kind === 'redis' ? 'Redis' : 'SQLite'} store (outbox + delivery worker)`,
          fmt(median(rs.map((r) => r.perSecond))),
          `**${fmt(median(rs.map((r) => r.seconds)), 2)}**`,
          fmt(median(rs.map((r) => r.p50)), 2),
          fmt(median(rs.map((r) => r.p99)), 2),
          `${fmt((median(rs.map((r) => r.perSecond)) / baseRate) * 100, 1)} %`,
          fmt(median(rs.map((r) => r.enqueueSeconds)), 2),
          kind === 'redis' ? fmt(median(rs.map((r) => r.commandsPerResult)), 1) : '-',
        ];
      }),
    ];
    const ratio = (kind: StoreKind): number => (bridge[kind] ? (median(bridge[kind].map((r) => r.perSecond)) / baseRate) * 100 : Number.NaN);
    const commands = bridge.redis ? median(bridge.redis.map((r) => r.commandsPerResult)) : Number.NaN;
    const body = `
${table(['what', 'deliveries/s', `drain ${fmt(o.count)} s`, 'PUT p50 ms', 'PUT p99 ms', 'vs receiver alone', `enqueue ${fmt(o.count)} s`, 'Redis commands per result'], rows)}

How: \`npm run bench:delivery\`. The receiver (answers 200, empty body) runs in a child process. For each store, a
fresh store (Redis under a unique prefix, deleted afterwards, or a temporary SQLite file) gets ${fmt(o.count)} interview
records and ${fmt(o.count)} results queued with \`enqueue\` (src/domain/outbox.ts), then the scheduler's delivery worker
(\`startDeliveryWorker\`, src/jobs/deliverDue.ts: one continuous pool) drains them, told once as an enqueue tells it,
with the container's callback client and the default delivery settings: concurrency 16, per_host_concurrency 8
(all callbacks go to one host), batch_size 200; the drain ends when the last result has settled.
"PUT" times are the callback client's own \`put\` calls as the worker makes them. Baselines: the same ${fmt(o.count)} PUTs
(same payload and headers) from a plain \`http.Agent({keepAlive: true})\` client, 8 in flight, and from the bridge's
own callback client with no store behind it (what the HTTP client alone allows). Median of ${o.rounds}
rounds, baseline and stores interleaved. The bridge logs at info (its production default) to /dev/null.
"Redis commands per result": the server's INFO commandstats calls over the drain, divided by the results
delivered (every command the drain caused: leases, locks, reads, the settle's writes).
`;
    return {
      title: '3. Delivery throughput',
      body,
      targets: [
        { name: `${fmt(o.count)} due results delivered on Redis, vs the receiver alone`, goal: '>= 40 %', measured: `${fmt(ratio('redis'), 1)} %`, met: ratio('redis') >= 40 },
        { name: 'Redis commands per delivered result', goal: '<= 8', measured: fmt(commands, 1), met: commands <= 8 },
        { name: `${fmt(o.count)} due results delivered on SQLite, vs the receiver alone`, goal: '>= 20 %', measured: `${fmt(ratio('sqlite'), 1)} %`, met: ratio('sqlite') >= 20 },
      ],
    };
  } finally {
    await receiver.stop();
  }
}

// BENCH_DELIVERY_STORES=redis and BENCH_DELIVERY_ROUNDS=1 narrow a standalone run (e.g. under --cpu-prof).
if (isMain(import.meta.url)) {
  const stores = process.env.BENCH_DELIVERY_STORES?.split(',').filter((s): s is StoreKind => s === 'redis' || s === 'sqlite');
  const rounds = Number(process.env.BENCH_DELIVERY_ROUNDS ?? DELIVERY_DEFAULTS.rounds);
  await runStandalone(() => runDelivery({ ...(stores?.length ? { stores } : {}), rounds }));
}
