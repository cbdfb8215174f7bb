/**
 * Child process of bench/http.ts: the servers under load, in one process so that autocannon (in the parent)
 * and the servers each get a core. Starts a bare Koa hello-world, a Hireflix sandbox with a fixed latency,
 * and two bridges (SQLite and Redis) on that sandbox; reports their URLs over IPC, and shuts everything
 * down (deleting its Redis keys and temp files) when the parent says "stop" or goes away.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Koa from 'koa';
import { startBridge, type RunningBridge } from '../src/runtime.js';
import { createHireflixSandbox } from '../src/sandbox/hireflix/index.js';
import type { Store } from '../src/store/types.js';
import { benchConfig, deleteRedisPrefix, devNull, uniquePrefix, type BenchAccount } from './lib/setup.js';

export interface TargetsReady {
  koaUrl: string;
  sandboxUrl: string;
  sandboxApiKey: string;
  templateId: string;
  bridges: { sqlite: string; redis: string };
  token: string;
}

const latencyMs = Number(process.argv[2] ?? 20);
const dir = mkdtempSync(join(tmpdir(), 'wvb-bench-http-'));
const prefix = uniquePrefix('http');

// The bridge as production runs it: compiled (npm run bench runs this file and the bridge from dist-bench/,
// built by tsc as the Dockerfile builds dist/), logging at LOG_LEVEL (default info, the production default)
// with the access line on, written asynchronously to /dev/null as it would be to stdout.
const logLevel = process.env.LOG_LEVEL ?? 'info';

// Bare Koa answers the very JSON the bridge's templates route answers (set once the bridge is up).
let templatesJson = '{}';
const koa = new Koa();
koa.use((ctx) => {
  ctx.type = 'application/json';
  ctx.body = templatesJson;
});
const koaServer = koa.listen(0, '127.0.0.1');
await new Promise((r) => koaServer.once('listening', r));

const sandbox = createHireflixSandbox({ latencyMs });
const sandboxUrl = await sandbox.listen(0, '127.0.0.1');
const templateId = sandbox.state.store.positions().find((p) => p.archived === null)!.id;

const bridges: Record<'sqlite' | 'redis', RunningBridge> = {} as Record<'sqlite' | 'redis', RunningBridge>;
/** Store calls the Redis bridge has made (each one round trip to Redis), by method: the parent reads them around a run. */
const redisStoreCalls: Record<string, number> = {};
const countCalls = (store: Store): Store =>
  new Proxy(store, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        // One id in 64 first derives with a leading "-" and is looked up once under that older rule
        // (src/domain/interviewIds.ts): not the request path's own round trips, as in round-trips.test.ts.
        if (!(prop === 'get' && String(args[0]).startsWith('interview:-'))) redisStoreCalls[String(prop)] = (redisStoreCalls[String(prop)] ?? 0) + 1;
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
let account: BenchAccount | undefined;
for (const kind of ['sqlite', 'redis'] as const) {
  const built = benchConfig({
    port: 0,
    store: kind === 'sqlite' ? { kind, path: join(dir, 'bridge.sqlite') } : { kind, prefix },
    sandboxEndpoint: sandbox.endpoint(),
    sandboxApiKey: sandbox.apiKey,
    logLevel,
    ...(account ? { account } : {}),
  });
  account = built.account;
  bridges[kind] = await startBridge(built.config, { scheduler: false, logDestination: devNull(), ...(kind === 'redis' ? { wrapStore: countCalls } : {}) });
}
const token = account!.token;
templatesJson = await (await fetch(`${bridges.sqlite.url}/interview-templates`, { headers: { authorization: `Bearer ${token}` } })).text();

const ready: TargetsReady = {
  koaUrl: `http://127.0.0.1:${(koaServer.address() as AddressInfo).port}`,
  sandboxUrl,
  sandboxApiKey: sandbox.apiKey,
  templateId,
  bridges: { sqlite: bridges.sqlite.url, redis: bridges.redis.url },
  token,
};

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const b of Object.values(bridges)) await b.shutdown();
  await sandbox.close();
  await new Promise<void>((r) => {
    koaServer.close(() => r());
    koaServer.closeAllConnections();
  });
  await deleteRedisPrefix(prefix).catch(() => 0);
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

process.on('message', (m: unknown) => {
  if (m === 'stop') void stop();
  // This process's CPU time so far (µs): the parent takes it around a run to get CPU per request.
  if (m === 'cpu') {
    const u = process.cpuUsage();
    process.send?.({ cpuMicros: u.user + u.system });
  }
  if (m === 'storeCalls') process.send?.({ storeCalls: { ...redisStoreCalls } });
  if (m === 'stats') process.send?.({ stats: { graphqlRequests: sandbox.state.stats.requests, interviews: sandbox.state.store.all().length } });
});
process.on('disconnect', () => void stop());
process.send?.({ ready });
