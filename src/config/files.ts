import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigSources } from './load.js';

/**
 * The file `<base>.yaml` or `<base>.yml` (mapping profiles accept both, so these do too): its text and the
 * names found. Both present is a problem parseConfig reports, rather than one of them silently winning.
 */
function readEither(dir: string, base: string): { text?: string; names: string[] } {
  const names = [`${base}.yaml`, `${base}.yml`].filter((n) => existsSync(join(dir, n)));
  const first = names[0];
  return first === undefined ? { names } : { text: readFileSync(join(dir, first), 'utf8'), names };
}

/** Reads every configuration file under `dir` (missing ones are simply absent). */
export function readConfigSources(dir: string, env: Record<string, string | undefined>, sandboxSecrets: ConfigSources['sandboxSecrets']): ConfigSources {
  const base = { dir, mappings: {}, env, readSecretFile: (p: string) => readFileSync(p, 'utf8'), sandboxSecrets, stdoutIsTTY: Boolean(process.stdout.isTTY) };
  // A folder that is not there would otherwise read as "no accounts file" (sandbox mode) and "no mapping".
  if (!existsSync(dir)) return { ...base, dirMissing: true };
  const mappingsDir = join(dir, 'mappings');
  const mappings: Record<string, string> = {};
  if (existsSync(mappingsDir)) {
    for (const f of readdirSync(mappingsDir)) {
      if (f.endsWith('.yaml') || f.endsWith('.yml')) mappings[f.replace(/\.ya?ml$/, '')] = readFileSync(join(mappingsDir, f), 'utf8');
    }
  }
  const bridge = readEither(dir, 'bridge');
  const accounts = readEither(dir, 'accounts');
  return {
    ...base,
    ...(bridge.text !== undefined ? { bridgeYaml: bridge.text } : {}),
    ...(accounts.text !== undefined ? { accountsYaml: accounts.text } : {}),
    fileNames: { bridge: bridge.names, accounts: accounts.names },
    mappings,
  };
}

type SandboxSecrets = ConfigSources['sandboxSecrets'];
const credentialsFile = (dataDir: string): string => join(dataDir, 'sandbox-credentials.json');

/** What an earlier sandbox start saved, or nothing. */
function savedSandboxSecrets(dataDir: string): Partial<SandboxSecrets> {
  try {
    return JSON.parse(readFileSync(credentialsFile(dataDir), 'utf8')) as Partial<SandboxSecrets>;
  } catch {
    return {};
  }
}

/**
 * Sandbox mode's credentials: taken from the environment when given (SANDBOX_TOKEN, SANDBOX_WORKABLE_TOKEN),
 * otherwise generated once and kept in a file beside the SQLite store, so the token printed at the first
 * start keeps working after a restart.
 */
export function sandboxSecrets(env: Record<string, string | undefined>, dataDir: string): SandboxSecrets {
  const saved = savedSandboxSecrets(dataDir);
  const gen = (): string => randomBytes(24).toString('base64url');
  const s = {
    inboundToken: env.SANDBOX_TOKEN || saved.inboundToken || gen(),
    workableToken: env.SANDBOX_WORKABLE_TOKEN || saved.workableToken || gen(),
    apiKey: saved.apiKey || gen(),
    webhookSecret: saved.webhookSecret || gen(),
  };
  try {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(credentialsFile(dataDir), JSON.stringify(s, null, 2), { mode: 0o600 });
  } catch {
    // A read-only data folder only costs stable tokens across restarts.
  }
  return s;
}

/**
 * The same credentials without side effects, for operator commands, which must never create files: what
 * the server saved (or the environment), else placeholders that open nothing.
 */
export function readSandboxSecrets(env: Record<string, string | undefined>, dataDir: string): SandboxSecrets {
  const saved = savedSandboxSecrets(dataDir);
  return {
    inboundToken: env.SANDBOX_TOKEN || saved.inboundToken || 'unset',
    workableToken: env.SANDBOX_WORKABLE_TOKEN || saved.workableToken || 'unset',
    apiKey: saved.apiKey || 'unset',
    webhookSecret: saved.webhookSecret || 'unset',
  };
}
