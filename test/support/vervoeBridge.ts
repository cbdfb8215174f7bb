/**
 * A bridge with one Vervoe account (on launchBridge, test/support/harness.ts): `upstream.kind: vervoe`
 * against a Vervoe sandbox, the scheduler on, and the sandbox's signed webhooks pointed at the bridge.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { sha256Hex } from '../../src/config/load.js';
import type { RunningBridge } from '../../src/runtime.js';
import { createVervoeSandbox, type VervoeSandbox } from '../../src/sandbox/vervoe/index.js';
import { launchBridge, type StoreKind } from './harness.js';

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
  const b = await launchBridge({
    kind,
    logLevel: 'warn',
    ...(opts.bridgeYaml ? { bridgeYaml: opts.bridgeYaml } : {}),
    accountsYaml: `  - id: initech
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
    env: {
      INITECH_WORKABLE_TOKEN: workableToken,
      INITECH_VERVOE_API_KEY: sandbox.apiKey,
      INITECH_VERVOE_SECRET_KEY: sandbox.secretKey,
      INITECH_VERVOE_WEBHOOK_SECRET: webhookSecret,
    },
    scheduler: true,
    ...(opts.now ? { now: opts.now } : {}),
    webhooks: [{ sandboxUrl, path: '/webhooks/vervoe/initech' }],
  });
  return {
    url: b.url,
    bridge: b.bridge,
    sandbox,
    sandboxUrl,
    token,
    workableToken,
    webhookSecret,
    async close() {
      await b.close();
      await sandbox.close();
    },
  };
}
