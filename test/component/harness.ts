/**
 * Component-test harness: the real bridge (startBridge) on an ephemeral loopback port, a real store
 * (SQLite file or Redis under a unique prefix), and one Hireflix sandbox per account, all over real HTTP.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { parseConfig, sha256Hex } from '../../src/config/load.js';
import type { BridgeConfig } from '../../src/config/types.js';
import { startBridge } from '../../src/runtime.js';
import type { Store } from '../../src/store/index.js';
import type { RunningBridge } from '../../src/runtime.js';
import { createHireflixSandbox } from '../../src/sandbox/hireflix/index.js';
import { deleteRedisPrefix, REDIS_URL } from '../store/helpers.js';
import { record, registerBridge } from '../openapi/recorder.js';

export type StoreKind = 'sqlite' | 'redis';
export const STORE_KINDS: StoreKind[] = ['sqlite', 'redis'];

type Sandbox = ReturnType<typeof createHireflixSandbox>;

export interface TestAccount {
  id: string;
  token: string;
  workableToken: string;
  sandbox: Sandbox;
  sandboxUrl: string;
  webhookSecret: string;
}

export interface Harness {
  url: string;
  bridge: RunningBridge;
  /** Extra bridges sharing the store (HarnessOptions.replicas). */
  replicas: RunningBridge[];
  config: BridgeConfig;
  acme: TestAccount;
  globex: TestAccount;
  /** Every log line the bridge wrote, as parsed JSON, and as raw text. */
  logs: Array<Record<string, unknown>>;
  rawLogs: string[];
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Extra bridge.yaml text appended to the defaults. */
  bridgeYaml?: string;
  /** Replaces config/mappings/hireflix.yaml. */
  mappingYaml?: string;
  now?: () => Date;
  accountsExtra?: { acme?: string; globex?: string };
  /** Start the poller, reconcile and delivery workers (default: off; tests drive the jobs by hand). */
  scheduler?: boolean;
  /** Point each sandbox's signed webhooks at the bridge (default: on). */
  webhooks?: boolean;
  /** The upstream endpoint an account's adapter uses (default: its sandbox's /me), e.g. a faulty proxy. */
  endpointFor?: (account: TestAccount) => Promise<string>;
  /** Extra environment for the configuration (e.g. TRUST_PROXY_HOPS). */
  env?: Record<string, string>;
  /** Redis URL for the redis kind (default the local test Redis), e.g. a closed port to stage an outage. */
  redisUrl?: string;
  /** Further bridges on the same store (Redis only): replicas behind an imaginary load balancer. */
  replicas?: number;
  /** Handed to startBridge: the store the bridge works through instead of the one it opened. */
  wrapStore?: (store: Store) => Store;
}

/** A port that was free a moment ago (the bridge must know its public URL before it listens). */
export async function freePort(): Promise<number> {
  const srv = createNetServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

const MAPPING = readFileSync(new URL('../../config/mappings/hireflix.yaml', import.meta.url), 'utf8');

async function startAccount(id: string, positions?: Array<{ name: string }>): Promise<TestAccount> {
  const apiKey = `key-${id}-${randomUUID()}`;
  const webhookSecret = randomBytes(24).toString('base64url');
  const sandbox = createHireflixSandbox({ apiKey, webhookSecret, ...(positions ? { positions } : {}) });
  const sandboxUrl = await sandbox.listen(0, '127.0.0.1');
  return { id, token: `tok-${id}-${randomBytes(18).toString('base64url')}`, workableToken: `wk-${id}-${randomUUID()}`, sandbox, sandboxUrl, webhookSecret };
}

function accountYaml(a: TestAccount, extra = '', endpoint = `${a.sandboxUrl}/me`): string {
  const env = a.id.toUpperCase();
  return `
  - id: ${a.id}
    name: ${a.id} test account
    token_sha256: [${sha256Hex(a.token)}]
    workable_token: { env: ${env}_WORKABLE_TOKEN }
    upstream:
      kind: hireflix
      endpoint: ${endpoint}
      api_key: { env: ${env}_API_KEY }
      webhook_secret: { env: ${env}_WEBHOOK_SECRET }
      timeout_ms: 2000
    mapping: hireflix
    default_country: US
${extra}`;
}

export async function startHarness(kind: StoreKind, opts: HarnessOptions = {}): Promise<Harness> {
  const acme = await startAccount('acme');
  // Globex's company has positions of its own, so cross-account template ids can be tested.
  const globex = await startAccount('globex', [{ name: 'Globex Analyst' }, { name: 'Globex Engineer' }]);
  const dir = mkdtempSync(join(tmpdir(), 'wvb-test-'));
  const prefix = `test-bridge-${process.pid}-${randomUUID().slice(0, 8)}`;
  const env: Record<string, string> = {
    ACME_WORKABLE_TOKEN: acme.workableToken,
    ACME_API_KEY: (acme.sandbox as unknown as { apiKey?: string }).apiKey ?? '',
    ACME_WEBHOOK_SECRET: acme.webhookSecret,
    GLOBEX_WORKABLE_TOKEN: globex.workableToken,
    GLOBEX_API_KEY: (globex.sandbox as unknown as { apiKey?: string }).apiKey ?? '',
    GLOBEX_WEBHOOK_SECRET: globex.webhookSecret,
    ...(opts.env ?? {}),
    ...(kind === 'redis' ? { REDIS_URL: opts.redisUrl ?? REDIS_URL, REDIS_PREFIX: prefix } : { SQLITE_PATH: join(dir, 'bridge.sqlite') }),
  };
  const port = await freePort();
  const bridgeYaml = `
server: { host: 127.0.0.1, port: ${port}, public_base_url: "http://127.0.0.1:${port}" }
callback_policy: { allowed_hosts: ["*.workable.com"], allow_local: true }
logging: { level: debug, pretty: false }
${opts.bridgeYaml ?? ''}`;
  const parsed = parseConfig({
    dir: 'config',
    bridgeYaml,
    accountsYaml: `accounts:${accountYaml(acme, opts.accountsExtra?.acme, await opts.endpointFor?.(acme))}${accountYaml(globex, opts.accountsExtra?.globex, await opts.endpointFor?.(globex))}`,
    mappings: { hireflix: opts.mappingYaml ?? MAPPING },
    env,
    readSecretFile: () => {
      throw new Error('no secret files in tests');
    },
    sandboxSecrets: { inboundToken: 'x', workableToken: 'x', apiKey: 'x', webhookSecret: 'x' },
  });
  if (!parsed.config) throw new Error(`test config invalid:\n${parsed.problems.join('\n')}`);
  const logs: Array<Record<string, unknown>> = [];
  const rawLogs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        rawLogs.push(line);
        logs.push(JSON.parse(line) as Record<string, unknown>);
      }
      cb();
    },
  });
  // The bridge's own logger (redaction, secret scrubbing, request ids) writing into the capture.
  const bridge = await startBridge(parsed.config, { logDestination: sink, scheduler: opts.scheduler ?? false, ...(opts.now ? { now: opts.now } : {}), ...(opts.wrapStore ? { wrapStore: opts.wrapStore } : {}) });
  const unregister = [registerBridge(bridge.url)];
  const logger = bridge.logger;
  const replicas: RunningBridge[] = [];
  for (let i = 0; i < (opts.replicas ?? 0); i++) {
    if (kind !== 'redis') throw new Error('replicas share a store: use redis');
    const cfg = { ...parsed.config, server: { ...parsed.config.server, port: 0 } };
    replicas.push(await startBridge(cfg, { logger, scheduler: opts.scheduler ?? false, ...(opts.now ? { now: opts.now } : {}) }));
    unregister.push(registerBridge(replicas[replicas.length - 1]!.url));
  }
  if (opts.webhooks !== false) {
    for (const a of [acme, globex]) {
      await call(`${a.sandboxUrl}/_sandbox/webhooks`, { body: { url: `${bridge.url}/webhooks/hireflix/${a.id}`, enabled: true } });
    }
  }
  return {
    url: bridge.url,
    bridge,
    config: parsed.config,
    acme,
    globex,
    replicas,
    logs,
    rawLogs,
    async close() {
      for (const u of unregister) u();
      for (const r of replicas) await r.shutdown();
      await bridge.shutdown();
      await acme.sandbox.close();
      await globex.sandbox.close();
      if (kind === 'redis' && !opts.redisUrl) await deleteRedisPrefix(REDIS_URL, prefix);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A small HTTP client over node:http (nock 15 wraps global fetch in a way that breaks request bodies on
 * Node 20), returning status, headers and parsed JSON (or the text).
 */
export async function call(
  url: string,
  opts: { method?: string; token?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: unknown; headers: Headers; text: string }> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.rawBody !== undefined) body = opts.rawBody;
  else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  const method = opts.method ?? (body !== undefined ? 'POST' : 'GET');
  const { status, resHeaders, text } = await new Promise<{ status: number; resHeaders: Headers; text: string }>((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
        resolve({ status: res.statusCode ?? 0, resHeaders: h, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON; keep the text
  }
  // Every answer of a bridge is checked against the OpenAPI document (test/openapi/recorder.ts).
  record({ method, url, status, contentType: resHeaders.get('content-type') ?? '', text });
  return { status, body: parsed, headers: resHeaders, text };
}

/** A valid POST /interviews body; callback URLs must be unique per interview. */
export function interviewBody(templateId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    interview_template_id: templateId,
    job_id: '6789',
    job_title: 'Operations Manager',
    callback_url: `https://groove-tech.workable.com/interviews/${randomUUID()}`,
    candidate: { first_name: 'Lakita', last_name: 'Marrero', phone: '(785)991-6256', email: `lakita.${randomUUID().slice(0, 8)}@example.com` },
    preferences: { key: 'value' },
    ...overrides,
  };
}

/**
 * Polls `probe` until it returns something truthy, and returns it; fails naming `what` after `timeoutMs`
 * (generous: the machine is shared, and a result that arrives late is still correct).
 */
export async function eventually<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 20000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
