import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ConfigSources } from './load.js';

const readIfExists = (path: string): string | undefined => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);

/** Reads every configuration file under `dir` (missing ones are simply absent). */
export function readConfigSources(dir: string, env: Record<string, string | undefined>, sandboxSecrets: ConfigSources['sandboxSecrets']): ConfigSources {
  const mappingsDir = join(dir, 'mappings');
  const mappings: Record<string, string> = {};
  if (existsSync(mappingsDir)) {
    for (const f of readdirSync(mappingsDir)) {
      if (f.endsWith('.yaml') || f.endsWith('.yml')) mappings[f.replace(/\.ya?ml$/, '')] = readFileSync(join(mappingsDir, f), 'utf8');
    }
  }
  return {
    dir,
    bridgeYaml: readIfExists(join(dir, 'bridge.yaml')),
    accountsYaml: readIfExists(join(dir, 'accounts.yaml')),
    mappings,
    env,
    readSecretFile: (p) => readFileSync(p, 'utf8'),
    sandboxSecrets,
    stdoutIsTTY: Boolean(process.stdout.isTTY),
  };
}

/**
 * Sandbox mode's credentials: taken from the environment when given (SANDBOX_TOKEN, SANDBOX_WORKABLE_TOKEN),
 * otherwise generated once and kept in a file beside the SQLite store, so the token printed at the first
 * start keeps working after a restart.
 */
export function sandboxSecrets(env: Record<string, string | undefined>, dataDir: string): ConfigSources['sandboxSecrets'] {
  const file = join(dataDir, 'sandbox-credentials.json');
  let saved: Partial<ConfigSources['sandboxSecrets']> = {};
  try {
    saved = JSON.parse(readFileSync(file, 'utf8')) as typeof saved;
  } catch {
    saved = {};
  }
  const gen = (): string => randomBytes(24).toString('base64url');
  const s = {
    inboundToken: env.SANDBOX_TOKEN || saved.inboundToken || gen(),
    workableToken: env.SANDBOX_WORKABLE_TOKEN || saved.workableToken || gen(),
    apiKey: saved.apiKey || gen(),
    webhookSecret: saved.webhookSecret || gen(),
  };
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(s, null, 2), { mode: 0o600 });
  } catch {
    // A read-only data folder only costs stable tokens across restarts.
  }
  return s;
}
