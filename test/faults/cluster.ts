/**
 * Several bridge processes (`node --import tsx src/server.ts`) sharing one Redis prefix and one config dir,
 * with a Hireflix sandbox in the test process and no load balancer: the test spreads requests round-robin
 * itself and fails over to the next replica on a refused connection, as a balancer would. The sandbox's
 * webhooks go through a small forwarder that spreads them over the live replicas the same way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Hex } from '../../src/config/load.js';
import { createHireflixSandbox, type HireflixSandbox } from '../../src/sandbox/hireflix/index.js';
import { call, freePort } from '../support/harness.js';
import { deleteRedisPrefix } from '../support/redis.js';
import { sleep } from './util.js';

const ROOT = new URL('../..', import.meta.url).pathname;

export interface Replica {
  index: number;
  url: string;
  port: number;
  child: ChildProcess;
  alive: boolean;
  logFile: string;
}

export interface ClusterOptions {
  replicas: number;
  redisUrl: string;
  /** YAML of the `delivery:` mapping (without the key); fast retries by default. */
  delivery?: string;
  /** node-cron (with seconds) of the poller, the safety net for webhooks lost while a replica was down. */
  pollerCron?: string;
  /** Upstream timeout of the account (ms). */
  upstreamTimeoutMs?: number;
  /** Spread the sandbox's webhooks over the replicas (default); false: the poller alone notices changes. */
  webhooks?: boolean;
}

export interface Cluster {
  dir: string;
  prefix: string;
  token: string;
  workableToken: string;
  sandbox: HireflixSandbox;
  sandboxUrl: string;
  replicas: Replica[];
  templateId: string;
  webhookStats: { forwarded: number; failed: number };
  /** The next live replica, round-robin. */
  next(): Replica;
  /** A request to the next live replica; a refused connection moves on to the next one (at most once per replica). */
  request(path: string, opts?: Parameters<typeof call>[1]): Promise<Awaited<ReturnType<typeof call>> & { replica: number }>;
  kill(index: number, signal?: NodeJS.Signals): Promise<void>;
  close(): Promise<void>;
}

async function waitReady(r: Replica, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (r.child.exitCode !== null) throw new Error(`replica ${r.index} exited with ${r.child.exitCode} (log: ${r.logFile})`);
    try {
      if ((await call(`${r.url}/readyz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`replica ${r.index} did not become ready (log: ${r.logFile})`);
}

function writeConfig(dir: string, o: ClusterOptions, sandboxUrl: string, token: string): void {
  mkdirSync(join(dir, 'config', 'mappings'), { recursive: true });
  copyFileSync(join(ROOT, 'config/mappings/hireflix.yaml'), join(dir, 'config/mappings/hireflix.yaml'));
  writeFileSync(
    join(dir, 'config/bridge.yaml'),
    `server: { host: 127.0.0.1, port: 0, shutdown_timeout_ms: 5000 }
callback_policy: { allow_local: true }
templates_cache_ms: 60000
delivery: ${o.delivery ?? '{ timeout_ms: 5000, base_delay_ms: 100, max_delay_ms: 2000, interval_ms: 200, concurrency: 16, per_host_concurrency: 16 }'}
poller: { cron: "${o.pollerCron ?? '*/5 * * * * *'}", overlap_ms: 60000 }
logging: { level: info, pretty: false }
`,
  );
  writeFileSync(
    join(dir, 'config/accounts.yaml'),
    `accounts:
  - id: acme
    name: ACME
    token_sha256: ["${sha256Hex(token)}"]
    workable_token: { env: ACME_WK }
    webhooks: ${o.webhooks === false ? 'false' : 'true'}
    upstream: { kind: hireflix, endpoint: "${sandboxUrl}/me", api_key: { env: ACME_KEY }, webhook_secret: { env: ACME_WH }, timeout_ms: ${o.upstreamTimeoutMs ?? 3000} }
`,
  );
}

/** Starts the sandbox, the webhook forwarder and N replicas, and waits until every replica is ready. */
export async function startCluster(o: ClusterOptions): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'wvb-faults-'));
  const prefix = `test-faults-${process.pid}-${randomUUID().slice(0, 8)}`;
  const token = `tok-${randomUUID()}`;
  const workableToken = `wk-${randomUUID()}`;
  const replicas: Replica[] = [];
  const webhookStats = { forwarded: 0, failed: 0 };
  let rr = 0;
  const next = (): Replica => {
    const live = replicas.filter((r) => r.alive);
    if (live.length === 0) throw new Error('no live replica');
    return live[rr++ % live.length]!;
  };

  const forwarder = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void forward(req, res, Buffer.concat(chunks)));
  });
  const forward = async (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> => {
    for (let tries = 0; tries < replicas.length; tries++) {
      const target = next();
      const headers: Record<string, string> = { 'content-type': String(req.headers['content-type'] ?? 'application/json') };
      const sig = req.headers['x-hireflix-signature'];
      if (typeof sig === 'string') headers['x-hireflix-signature'] = sig;
      try {
        const r = await call(`${target.url}${req.url ?? '/'}`, { method: 'POST', rawBody: body.toString('utf8'), headers });
        webhookStats.forwarded++;
        res.writeHead(r.status, { 'content-type': 'application/json' }).end(r.text);
        return;
      } catch {
        // that replica is down: the next one gets it
      }
    }
    webhookStats.failed++;
    res.writeHead(502).end();
  };
  await new Promise<void>((r) => forwarder.listen(0, '127.0.0.1', r));
  const forwarderUrl = `http://127.0.0.1:${(forwarder.address() as AddressInfo).port}`;

  const sandbox = createHireflixSandbox({ webhookUrl: `${forwarderUrl}/webhooks/hireflix/acme` });
  const sandboxUrl = await sandbox.listen(0, '127.0.0.1');
  writeConfig(dir, o, sandboxUrl, token);

  // Behind a real balancer every replica has the same public URL; report links (part of the payload) must
  // not differ by which replica happened to reconcile, or each reconcile would look like a new result.
  const publicUrl = `http://127.0.0.1:${await freePort()}`;
  const startReplica = async (index: number): Promise<Replica> => {
    const port = await freePort();
    const logFile = join(dir, `replica-${index}.log`);
    const fd = openSync(logFile, 'a');
    const env = {
      ...process.env,
      CONFIG_DIR: join(dir, 'config'),
      PORT: String(port),
      PUBLIC_BASE_URL: publicUrl,
      REDIS_URL: o.redisUrl,
      REDIS_PREFIX: prefix,
      ACME_WK: workableToken,
      ACME_KEY: sandbox.apiKey,
      ACME_WH: sandbox.webhookSecret,
      LOG_PRETTY: '0',
    };
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: ROOT, env, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    const replica: Replica = { index, url: `http://127.0.0.1:${port}`, port, child, alive: true, logFile };
    child.once('exit', () => {
      replica.alive = false;
    });
    return replica;
  };
  for (let i = 0; i < o.replicas; i++) replicas.push(await startReplica(i));
  const cluster: Cluster = {
    dir,
    prefix,
    token,
    workableToken,
    sandbox,
    sandboxUrl,
    replicas,
    templateId: '',
    webhookStats,
    next,
    async request(path, opts = {}) {
      let lastErr: unknown;
      for (let tries = 0; tries < replicas.length; tries++) {
        const target = next();
        try {
          return { ...(await call(`${target.url}${path}`, { token, ...opts })), replica: target.index };
        } catch (err) {
          lastErr = err;
        }
      }
      throw lastErr;
    },
    async kill(index, signal = 'SIGKILL') {
      const r = replicas[index]!;
      r.alive = false;
      if (r.child.exitCode !== null || r.child.signalCode !== null) return;
      const exited = new Promise((res) => r.child.once('exit', res));
      r.child.kill(signal);
      await exited;
    },
    async close() {
      await Promise.all(replicas.map(async (r) => {
        await Promise.race([cluster.kill(r.index, 'SIGTERM'), sleep(8000)]);
        if (r.child.exitCode === null && r.child.signalCode === null) await cluster.kill(r.index, 'SIGKILL');
      }));
      await sandbox.close();
      forwarder.closeAllConnections();
      await new Promise<void>((r) => forwarder.close(() => r()));
      await deleteRedisPrefix(o.redisUrl, prefix).catch(() => undefined);
      if (!process.env.FAULT_KEEP_LOGS) rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await Promise.all(replicas.map((r) => waitReady(r)));
    const t = await cluster.request('/interview-templates');
    cluster.templateId = (t.body as { interview_templates: Array<{ id: string }> }).interview_templates[0]!.id;
  } catch (err) {
    await cluster.close();
    throw err;
  }
  return cluster;
}
