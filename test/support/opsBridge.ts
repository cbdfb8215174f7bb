/**
 * A bridge for the ops tests (on launchBridge, test/support/harness.ts): one account on its own Hireflix
 * sandbox, the production logger (createLogger with the configuration's secrets) writing into memory, and
 * the environment under the test's control (OPS_TOKEN, REDIS_URL at a closed port, ...), which startHarness
 * fixes and these tests must not take for granted.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { sha256Hex } from '../../src/config/load.js';
import type { BridgeConfig } from '../../src/config/types.js';
import type { RunningBridge } from '../../src/runtime.js';
import { createHireflixSandbox } from '../../src/sandbox/hireflix/index.js';
import { shippedMapping } from './bridgeConfig.js';
import { launchBridge } from './harness.js';

export interface OpsBridge {
  url: string;
  bridge: RunningBridge;
  config: BridgeConfig;
  sandbox: ReturnType<typeof createHireflixSandbox>;
  sandboxUrl: string;
  /** The secrets this bridge was configured with. */
  token: string;
  workableToken: string;
  apiKey: string;
  webhookSecret: string;
  /** Raw log lines, exactly as written. */
  lines: string[];
  close(): Promise<void>;
}

export interface OpsBridgeOptions {
  env?: Record<string, string>;
  bridgeYaml?: string;
  /** Extra keys of the `server:` map, e.g. `request_timeout_ms: 5000`. */
  serverYaml?: string;
  logLevel?: string;
}

/** Starts the sandbox and the bridge; the scheduler is off, tests run the jobs through /ops or by hand. */
export async function startOpsBridge(opts: OpsBridgeOptions = {}): Promise<OpsBridge> {
  const apiKey = `hfx-${randomBytes(18).toString('base64url')}`;
  const webhookSecret = `whs-${randomBytes(18).toString('base64url')}`;
  const sandbox = createHireflixSandbox({ apiKey, webhookSecret });
  const sandboxUrl = await sandbox.listen(0, '127.0.0.1');
  const token = `tok-${randomBytes(18).toString('base64url')}`;
  const workableToken = `wk-${randomUUID()}`;
  const b = await launchBridge({
    kind: 'sqlite',
    ...(opts.serverYaml ? { serverYaml: opts.serverYaml } : {}),
    ...(opts.logLevel ? { logLevel: opts.logLevel } : {}),
    ...(opts.bridgeYaml ? { bridgeYaml: opts.bridgeYaml } : {}),
    accountsYaml: `  - id: acme
    name: Acme
    token_sha256: [${sha256Hex(token)}]
    workable_token: { env: ACME_WORKABLE_TOKEN }
    upstream: { kind: hireflix, endpoint: "${sandboxUrl}/me", api_key: { env: ACME_API_KEY }, webhook_secret: { env: ACME_WEBHOOK_SECRET }, timeout_ms: 2000 }
    mapping: hireflix
    default_country: US
`,
    mappings: { hireflix: shippedMapping('hireflix') },
    env: { ACME_WORKABLE_TOKEN: workableToken, ACME_API_KEY: apiKey, ACME_WEBHOOK_SECRET: webhookSecret, ...opts.env },
    webhooks: [{ sandboxUrl, path: '/webhooks/hireflix/acme' }],
  });
  return {
    url: b.url,
    bridge: b.bridge,
    config: b.config,
    sandbox,
    sandboxUrl,
    token,
    workableToken,
    apiKey,
    webhookSecret,
    lines: b.rawLogs,
    async close() {
      await b.close();
      await sandbox.close();
    },
  };
}

/** Makes every connection to `server` look as if it came from `address` (a client on another machine). */
export function spoofRemoteAddress(server: RunningBridge['server'], address: string): () => void {
  const onConnection = (socket: Socket): void => {
    Object.defineProperty(socket, 'remoteAddress', { value: address, configurable: true });
  };
  server.on('connection', onConnection);
  return () => server.off('connection', onConnection);
}

/** The value of one sample line of the exposition text, e.g. `wvb_deliveries_total{outcome="dead"}`. */
export function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}
