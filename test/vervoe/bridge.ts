/**
 * A small component harness for a Vervoe account: the real bridge (startBridge) on a loopback port with a
 * real store, one account with `upstream.kind: vervoe` against a Vervoe sandbox, and the sandbox's signed
 * webhooks pointed at the bridge. Patterned on test/component/harness.ts, which stays Hireflix-only.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { parseConfig, sha256Hex } from '../../src/config/load.js';
import { startBridge, type RunningBridge } from '../../src/runtime.js';
import { createVervoeSandbox, type VervoeSandbox } from '../../src/sandbox/vervoe/index.js';
import { call, freePort, type StoreKind } from '../component/harness.js';
import { deleteRedisPrefix, REDIS_URL } from '../store/helpers.js';
import { registerBridge } from '../openapi/recorder.js';

const mapping = (name: string) => readFileSync(new URL(`../../config/mappings/${name}.yaml`, import.meta.url), 'utf8');

export interface VervoeBridge {
  url: string;
  bridge: RunningBridge;
  sandbox: VervoeSandbox;
  sandboxUrl: string;
  token: string;
  workableToken: string;
  webhookSecret: string;
  close(): Promise<void>;
}

/** Starts sandbox and bridge; `now` is the bridge's clock (the sandbox keeps the wall clock). */
export async function startVervoeBridge(kind: StoreKind, opts: { now?: () => Date; bridgeYaml?: string } = {}): Promise<VervoeBridge> {
  const webhookSecret = randomBytes(24).toString('base64url');
  const sandbox = createVervoeSandbox({ apiKey: `vk-${randomUUID()}`, secretKey: randomBytes(18).toString('base64url'), webhookSecret, webhookRetryDelayMs: 20 });
  const sandboxUrl = await sandbox.listen(0, '127.0.0.1');
  const token = `tok-${randomBytes(18).toString('base64url')}`;
  const workableToken = `wk-${randomUUID()}`;
  const dir = mkdtempSync(join(tmpdir(), 'wvb-vervoe-'));
  const prefix = `test-vervoe-${process.pid}-${randomUUID().slice(0, 8)}`;
  const port = await freePort();
  const parsed = parseConfig({
    dir: 'config',
    bridgeYaml: `
server: { host: 127.0.0.1, port: ${port}, public_base_url: "http://127.0.0.1:${port}" }
callback_policy: { allowed_hosts: ["*.workable.com"], allow_local: true }
logging: { level: warn, pretty: false }
${opts.bridgeYaml ?? ''}`,
    accountsYaml: `accounts:
  - id: initech
    name: Initech on Vervoe
    token_sha256: [${sha256Hex(token)}]
    workable_token: { env: INITECH_WORKABLE_TOKEN }
    upstream:
      kind: vervoe
      base_url: ${sandbox.apiBase()}
      api_key: { env: INITECH_VERVOE_API_KEY }
      secret_key: { env: INITECH_VERVOE_SECRET_KEY }
      webhook_secret: { env: INITECH_VERVOE_WEBHOOK_SECRET }
      timeout_ms: 2000
`,
    mappings: { hireflix: mapping('hireflix'), vervoe: mapping('vervoe') },
    env: {
      INITECH_WORKABLE_TOKEN: workableToken,
      INITECH_VERVOE_API_KEY: sandbox.apiKey,
      INITECH_VERVOE_SECRET_KEY: sandbox.secretKey,
      INITECH_VERVOE_WEBHOOK_SECRET: webhookSecret,
      ...(kind === 'redis' ? { REDIS_URL, REDIS_PREFIX: prefix } : { SQLITE_PATH: join(dir, 'bridge.sqlite') }),
    },
    readSecretFile: () => {
      throw new Error('no secret files in tests');
    },
    sandboxSecrets: { inboundToken: 'x', workableToken: 'x', apiKey: 'x', webhookSecret: 'x' },
  });
  if (!parsed.config) throw new Error(`test config invalid:\n${parsed.problems.join('\n')}`);
  const logger = pino({ level: 'warn' }, pino.destination({ dest: 2, sync: true }));
  const bridge = await startBridge(parsed.config, { logger, scheduler: true, ...(opts.now ? { now: opts.now } : {}) });
  const unregister = registerBridge(bridge.url);
  await call(`${sandboxUrl}/_sandbox/webhooks`, { body: { url: `${bridge.url}/webhooks/vervoe/initech`, enabled: true } });
  return {
    url: bridge.url,
    bridge,
    sandbox,
    sandboxUrl,
    token,
    workableToken,
    webhookSecret,
    async close() {
      unregister();
      await bridge.shutdown();
      await sandbox.close();
      if (kind === 'redis') await deleteRedisPrefix(REDIS_URL, prefix);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
