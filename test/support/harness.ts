/**
 * The one bridge harness for tests: launchBridge() starts the real bridge (startBridge) on a free loopback
 * port with a real store (a SQLite file, or Redis under a unique prefix deleted afterwards), the
 * configuration built by testConfig (test/support/bridgeConfig.ts), every log line captured, and its answers
 * checked against the OpenAPI document. The fixtures on top of it differ only in the accounts they give it:
 * startHarness (two Hireflix accounts, each on its own sandbox; this file), startOpsBridge (one account and
 * an environment under the test's control; opsBridge.ts), startVervoeBridge (one Vervoe account;
 * vervoeBridge.ts).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { sha256Hex } from '../../src/config/load.js';
import type { BridgeConfig } from '../../src/config/types.js';
import { startBridge } from '../../src/runtime.js';
import type { Store } from '../../src/store/index.js';
import type { RunningBridge } from '../../src/runtime.js';
import { createHireflixSandbox } from '../../src/sandbox/hireflix/index.js';
import { shippedMapping, testConfig, type TestConfigInput } from './bridgeConfig.js';
import { call, freePort } from './http.js';
import { deleteRedisPrefix, REDIS_URL } from './redis.js';
import { registerBridge } from './recorder.js';

export { call, eventually, freePort } from './http.js';

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

export interface LaunchOptions extends Omit<TestConfigInput, 'port' | 'env'> {
  kind: StoreKind;
  /** The environment the configuration reads; the store's variables are added unless given here. */
  env?: Record<string, string>;
  /** Redis URL for the redis kind (default the test Redis); keys are then left to the caller. */
  redisUrl?: string;
  /** Start the poller, reconcile and delivery workers (default: off; tests drive the jobs by hand). */
  scheduler?: boolean;
  now?: () => Date;
  wrapStore?: (store: Store) => Store;
  /** Further bridges on the same store (Redis only). */
  replicas?: number;
  /** Sandboxes whose signed webhooks should reach this bridge: the sandbox URL and the bridge's webhook path. */
  webhooks?: Array<{ sandboxUrl: string; path: string }>;
}

export interface LaunchedBridge {
  url: string;
  bridge: RunningBridge;
  replicas: RunningBridge[];
  config: BridgeConfig;
  /** Every log line the bridge wrote, exactly as written. */
  rawLogs: string[];
  /** The same lines as parsed JSON (parsed when read). */
  readonly logs: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/** Starts a bridge on a fresh store; close() stops it (and its replicas) and deletes what it stored. */
export async function launchBridge(o: LaunchOptions): Promise<LaunchedBridge> {
  const dir = mkdtempSync(join(tmpdir(), 'wvb-test-'));
  const prefix = `test-bridge-${process.pid}-${randomUUID().slice(0, 8)}`;
  const storeEnv: Record<string, string> =
    o.kind === 'redis' ? { REDIS_URL: o.redisUrl ?? REDIS_URL, REDIS_PREFIX: prefix } : { SQLITE_PATH: join(dir, 'bridge.sqlite') };
  const config = testConfig({ ...o, port: await freePort(), env: { ...storeEnv, ...(o.env ?? {}) } });
  const rawLogs: string[] = [];
  const parsed: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) rawLogs.push(line);
      cb();
    },
  });
  const startOpts = { scheduler: o.scheduler ?? false, ...(o.now ? { now: o.now } : {}) };
  // The bridge's own logger (redaction, secret scrubbing, request ids) writing into the capture.
  const bridge = await startBridge(config, { logDestination: sink, ...startOpts, ...(o.wrapStore ? { wrapStore: o.wrapStore } : {}) });
  const unregister = [registerBridge(bridge.url)];
  const replicas: RunningBridge[] = [];
  for (let i = 0; i < (o.replicas ?? 0); i++) {
    if (o.kind !== 'redis') throw new Error('replicas share a store: use redis');
    const replica = await startBridge({ ...config, server: { ...config.server, port: 0 } }, { logger: bridge.logger, ...startOpts });
    replicas.push(replica);
    unregister.push(registerBridge(replica.url));
  }
  for (const w of o.webhooks ?? []) {
    await call(`${w.sandboxUrl}/_sandbox/webhooks`, { body: { url: `${bridge.url}${w.path}`, enabled: true } });
  }
  return {
    url: bridge.url,
    bridge,
    replicas,
    config,
    rawLogs,
    get logs() {
      while (parsed.length < rawLogs.length) parsed.push(JSON.parse(rawLogs[parsed.length]!) as Record<string, unknown>);
      return parsed;
    },
    async close() {
      for (const u of unregister) u();
      for (const r of replicas) await r.shutdown();
      await bridge.shutdown();
      if (o.kind === 'redis' && !o.redisUrl) await deleteRedisPrefix(REDIS_URL, prefix);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

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
  const env: Record<string, string> = {
    ACME_WORKABLE_TOKEN: acme.workableToken,
    ACME_API_KEY: (acme.sandbox as unknown as { apiKey?: string }).apiKey ?? '',
    ACME_WEBHOOK_SECRET: acme.webhookSecret,
    GLOBEX_WORKABLE_TOKEN: globex.workableToken,
    GLOBEX_API_KEY: (globex.sandbox as unknown as { apiKey?: string }).apiKey ?? '',
    GLOBEX_WEBHOOK_SECRET: globex.webhookSecret,
    ...(opts.env ?? {}),
  };
  const b = await launchBridge({
    kind,
    env,
    ...(opts.redisUrl ? { redisUrl: opts.redisUrl } : {}),
    ...(opts.bridgeYaml ? { bridgeYaml: opts.bridgeYaml } : {}),
    accountsYaml: `${accountYaml(acme, opts.accountsExtra?.acme, await opts.endpointFor?.(acme))}${accountYaml(globex, opts.accountsExtra?.globex, await opts.endpointFor?.(globex))}`,
    mappings: { hireflix: opts.mappingYaml ?? shippedMapping('hireflix') },
    scheduler: opts.scheduler ?? false,
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.wrapStore ? { wrapStore: opts.wrapStore } : {}),
    ...(opts.replicas ? { replicas: opts.replicas } : {}),
    webhooks: opts.webhooks === false ? [] : [acme, globex].map((a) => ({ sandboxUrl: a.sandboxUrl, path: `/webhooks/hireflix/${a.id}` })),
  });
  return {
    url: b.url,
    bridge: b.bridge,
    config: b.config,
    acme,
    globex,
    replicas: b.replicas,
    get logs() {
      return b.logs;
    },
    rawLogs: b.rawLogs,
    async close() {
      await b.close();
      await acme.sandbox.close();
      await globex.sandbox.close();
    },
  };
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
 * POST /interviews through the bridge for `account` (201 expected), and the invitation's id in its sandbox:
 * { id: the bridge's interview id, upstreamId, body: what was sent }.
 */
export async function createThroughBridge(
  h: Pick<Harness, 'url'>,
  account: TestAccount,
  templateId: string,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; upstreamId: string; body: Record<string, unknown> }> {
  const body = interviewBody(templateId, overrides);
  const created = await call(`${h.url}/interviews`, { token: account.token, body });
  if (created.status !== 201) throw new Error(`POST /interviews answered ${created.status}: ${created.text}`);
  const id = (created.body as { interview_id: string }).interview_id;
  const email = (body.candidate as { email: string }).email;
  const [up] = (await call(`${account.sandboxUrl}/_sandbox/interviews?email=${encodeURIComponent(email)}`)).body as Array<{ id: string }>;
  if (!up) throw new Error(`the sandbox has no invitation for ${email}`);
  return { id, upstreamId: up.id, body };
}

/** True once every webhook `account`'s sandbox has sent so far was answered (or failed): none is in flight. */
export async function sandboxWebhooksAnswered(account: Pick<TestAccount, 'sandboxUrl'>): Promise<boolean> {
  const list = (await call(`${account.sandboxUrl}/_sandbox/webhooks/deliveries`)).body as Array<{ status: number | null; error: string | null }>;
  return list.every((d) => d.status !== null || d.error !== null);
}
