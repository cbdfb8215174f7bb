/**
 * Helpers for the CLI tests: run the CLI (or the demo) as a real child process, and write throwaway
 * configuration folders.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAPPING = readFileSync(join(ROOT, 'config/mappings/hireflix.yaml'), 'utf8');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node --import tsx <script> …args` with only the given environment (plus PATH), from the project root. */
export async function runScript(script: string, args: string[], env: Record<string, string>, timeoutMs = 20_000): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, script), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((r) => child.once('close', (c) => r(c)));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** The operator CLI. */
export const cli = (args: string[], env: Record<string, string> = {}): Promise<Run> => runScript('src/cli/main.ts', args, env);

/** A configuration folder: the shipped mapping profile plus the given files (bridge.yaml, accounts.yaml). */
export function configDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'wvb-cli-'));
  mkdirSync(join(dir, 'mappings'));
  writeFileSync(join(dir, 'mappings/hireflix.yaml'), MAPPING);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** accounts.yaml with two accounts whose secrets come from the environment variables named. */
export const ACCOUNTS_YAML = `accounts:
  - id: acme
    name: ACME Corp
    token_sha256: ["${'a'.repeat(64)}", "${'b'.repeat(64)}"]
    workable_token: { env: ACME_WORKABLE_TOKEN }
    upstream: { kind: hireflix, endpoint: "http://127.0.0.1:9/me", api_key: { env: ACME_API_KEY }, webhook_secret: { env: ACME_WEBHOOK_SECRET } }
    mapping: hireflix
    default_country: US
  - id: globex
    name: Globex
    token_sha256: ["${'c'.repeat(64)}"]
    workable_token: { file: SECRET_FILE }
    upstream: { kind: hireflix, endpoint: "http://127.0.0.1:9/me", api_key: { env: GLOBEX_API_KEY } }
    webhooks: false
    mapping: hireflix
    default_country: GB
`;
