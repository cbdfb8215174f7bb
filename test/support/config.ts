/** Throwaway configuration folders for tests that read CONFIG_DIR (the CLI, the real server process). */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './paths.js';

export const MAPPING = readFileSync(join(ROOT, 'config/mappings/hireflix.yaml'), 'utf8');

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
