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
import { startBridge } from '../src/runtime.js';
import type { RunningBridge } from '../src/runtime.js';
import { createHireflixSandbox } from '../src/sandbox/hireflix/index.js';
import { benchConfig, deleteRedisPrefix, quietLogger, uniquePrefix, type BenchAccount } from './lib/setup.js';

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

const koa = new Koa();
koa.use((ctx) => {
  ctx.body = 'Hello World';
});
const koaServer = koa.listen(0, '127.0.0.1');
await new Promise((r) => koaServer.once('listening', r));

const sandbox = createHireflixSandbox({ latencyMs });
const sandboxUrl = await sandbox.listen(0, '127.0.0.1');
const templateId = sandbox.state.store.positions().find((p) => p.archived === null)!.id;

const logger = quietLogger();
const bridges: Record<'sqlite' | 'redis', RunningBridge> = {} as Record<'sqlite' | 'redis', RunningBridge>;
let account: BenchAccount | undefined;
for (const kind of ['sqlite', 'redis'] as const) {
  const built = benchConfig({
    port: 0,
    store: kind === 'sqlite' ? { kind, path: join(dir, 'bridge.sqlite') } : { kind, prefix },
    sandboxEndpoint: sandbox.endpoint(),
    sandboxApiKey: sandbox.apiKey,
    ...(account ? { account } : {}),
  });
  account = built.account;
  bridges[kind] = await startBridge(built.config, { logger, scheduler: false });
}
const token = account!.token;

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
  if (m === 'stats') process.send?.({ stats: { graphqlRequests: sandbox.state.stats.requests, interviews: sandbox.state.store.all().length } });
});
process.on('disconnect', () => void stop());
process.send?.({ ready });
