/**
 * A bridge for the ops tests: one account on its own Hireflix sandbox, the production logger (createLogger
 * with the configuration's secrets) writing into memory, and the environment under the test's control
 * (OPS_TOKEN, REDIS_URL at a closed port, ...). The component harness builds its own logger and a fixed
 * environment, which is exactly what these tests must not take for granted.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseConfig, sha256Hex } from '../../src/config/load.js';
import type { BridgeConfig } from '../../src/config/types.js';
import { startBridge } from '../../src/runtime.js';
import type { RunningBridge } from '../../src/runtime.js';
import { createHireflixSandbox } from '../../src/sandbox/hireflix/index.js';
import { call, freePort } from '../component/harness.js';
import { registerBridge } from '../openapi/recorder.js';

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

const MAPPING = readFileSync(new URL('../../config/mappings/hireflix.yaml', import.meta.url), 'utf8');

/** Starts the sandbox and the bridge; the scheduler is off, tests run the jobs through /ops or by hand. */
export async function startOpsBridge(opts: OpsBridgeOptions = {}): Promise<OpsBridge> {
  const apiKey = `hfx-${randomBytes(18).toString('base64url')}`;
  const webhookSecret = `whs-${randomBytes(18).toString('base64url')}`;
  const sandbox = createHireflixSandbox({ apiKey, webhookSecret });
  const sandboxUrl = await sandbox.listen(0, '127.0.0.1');
  const dir = mkdtempSync(join(tmpdir(), 'wvb-ops-'));
  const token = `tok-${randomBytes(18).toString('base64url')}`;
  const workableToken = `wk-${randomUUID()}`;
  const port = await freePort();
  const parsed = parseConfig({
    dir: 'config',
    bridgeYaml: `
server: { host: 127.0.0.1, port: ${port}, public_base_url: "http://127.0.0.1:${port}"${opts.serverYaml ? `, ${opts.serverYaml}` : ''} }
callback_policy: { allowed_hosts: ["*.workable.com"], allow_local: true }
logging: { level: ${opts.logLevel ?? 'debug'}, pretty: false }
${opts.bridgeYaml ?? ''}`,
    accountsYaml: `accounts:
  - id: acme
    name: Acme
    token_sha256: [${sha256Hex(token)}]
    workable_token: { env: ACME_WORKABLE_TOKEN }
    upstream: { kind: hireflix, endpoint: "${sandboxUrl}/me", api_key: { env: ACME_API_KEY }, webhook_secret: { env: ACME_WEBHOOK_SECRET }, timeout_ms: 2000 }
    mapping: hireflix
    default_country: US
`,
    mappings: { hireflix: MAPPING },
    env: { ACME_WORKABLE_TOKEN: workableToken, ACME_API_KEY: apiKey, ACME_WEBHOOK_SECRET: webhookSecret, SQLITE_PATH: join(dir, 'bridge.sqlite'), ...opts.env },
    readSecretFile: () => {
      throw new Error('no secret files in tests');
    },
    sandboxSecrets: { inboundToken: 'x', workableToken: 'x', apiKey: 'x', webhookSecret: 'x' },
  });
  if (!parsed.config) throw new Error(`test config invalid:\n${parsed.problems.join('\n')}`);
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  const bridge = await startBridge(parsed.config, { scheduler: false, logDestination: sink });
  const unregister = registerBridge(bridge.url);
  await call(`${sandboxUrl}/_sandbox/webhooks`, { body: { url: `${bridge.url}/webhooks/hireflix/acme`, enabled: true } });
  return {
    url: bridge.url,
    bridge,
    config: parsed.config,
    sandbox,
    sandboxUrl,
    token,
    workableToken,
    apiKey,
    webhookSecret,
    lines,
    async close() {
      unregister();
      await bridge.shutdown();
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
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
