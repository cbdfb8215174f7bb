/**
 * The config builder for tests that start a bridge in-process: bridge.yaml and accounts.yaml text through the
 * same parseConfig the server runs (environment overrides, validation, secrets from the given environment),
 * with the shipped mapping profiles.
 */
import { readFileSync } from 'node:fs';
import { parseConfig } from '../../src/config/load.js';
import type { BridgeConfig } from '../../src/config/types.js';

/** A shipped mapping profile's text (config/mappings/<name>.yaml). */
export function shippedMapping(name: string): string {
  return readFileSync(new URL(`../../config/mappings/${name}.yaml`, import.meta.url), 'utf8');
}

export interface TestConfigInput {
  /** The port the bridge will listen on (its public_base_url is http://127.0.0.1:<port>). */
  port: number;
  /** Extra keys of the `server:` map, e.g. `request_timeout_ms: 5000`. */
  serverYaml?: string;
  /** logging.level (default debug, so a test can read every line). */
  logLevel?: string;
  /** Further bridge.yaml text, appended. */
  bridgeYaml?: string;
  /** The entries of accounts.yaml, each starting `  - id: ...`. */
  accountsYaml: string;
  /** Mapping profile texts by name (default the shipped hireflix and vervoe profiles). */
  mappings?: Record<string, string>;
  /** The environment the configuration reads (secrets, store, overrides). */
  env: Record<string, string>;
}

/** A validated configuration; throws with every problem when the input is not valid. */
export function testConfig(input: TestConfigInput): BridgeConfig {
  const parsed = parseConfig({
    dir: 'config',
    bridgeYaml: `
server: { host: 127.0.0.1, port: ${input.port}, public_base_url: "http://127.0.0.1:${input.port}"${input.serverYaml ? `, ${input.serverYaml}` : ''} }
callback_policy: { allowed_hosts: ["*.workable.com"], allow_local: true }
logging: { level: ${input.logLevel ?? 'debug'}, pretty: false }
${input.bridgeYaml ?? ''}`,
    accountsYaml: `accounts:\n${input.accountsYaml}`,
    mappings: input.mappings ?? { hireflix: shippedMapping('hireflix'), vervoe: shippedMapping('vervoe') },
    env: input.env,
    readSecretFile: () => {
      throw new Error('no secret files in tests');
    },
    sandboxSecrets: { inboundToken: 'x', workableToken: 'x', apiKey: 'x', webhookSecret: 'x' },
  });
  if (!parsed.config) throw new Error(`test config invalid:\n${parsed.problems.join('\n')}`);
  return parsed.config;
}
