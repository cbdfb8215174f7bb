/**
 * Production (configured) mode writes no sandbox file: the real server entry in a child process, started
 * in a temporary working folder with an accounts file and the default data/ path, leaves nothing there but
 * its configuration and its SQLite store. Sandbox mode in the same folder layout does write its credentials
 * file (so the check can see one when it is there).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { sha256Hex } from '../../../src/config/load.js';
import { call, freePort } from '../../support/harness.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const TSX = new URL('../../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

/** Every file under dir, as paths relative to it, sorted. */
const listing = (dir: string): string[] => {
  const walk = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [relative(dir, join(d, n))]));
  return walk(dir).sort();
};

async function startIn(cwd: string, env: Record<string, string>, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'src/server.ts')], {
    cwd,
    env: { PATH: process.env.PATH ?? '', LOG_PRETTY: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const deadline = Date.now() + 30000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`bridge exited ${child.exitCode}: ${stderr}`);
    try {
      if ((await call(`http://127.0.0.1:${port}/healthz`)).status === 200) return child;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`bridge did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

describe('production mode writes no sandbox files', function () {
  this.timeout(60000);
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wvb-prodfiles-'));
    mkdirSync(join(dir, 'config/mappings'), { recursive: true });
    copyFileSync(join(ROOT, 'config/mappings/hireflix.yaml'), join(dir, 'config/mappings/hireflix.yaml'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('configured mode (an accounts file): only the config and the SQLite store, no data/sandbox-credentials.json', async () => {
    const port = await freePort();
    writeFileSync(join(dir, 'config/bridge.yaml'), `server: { host: 127.0.0.1, port: ${port} }\n`);
    writeFileSync(
      join(dir, 'config/accounts.yaml'),
      `accounts:
  - id: acme
    name: ACME
    token_sha256: ["${sha256Hex('acme-token')}"]
    workable_token: { env: ACME_WK }
    upstream: { kind: hireflix, endpoint: "http://127.0.0.1:9/me", api_key: { env: ACME_KEY }, webhook_secret: { env: ACME_WH } }
`,
    );
    const before = listing(dir);
    const child = await startIn(dir, { CONFIG_DIR: join(dir, 'config'), ACME_WK: 'wk-token', ACME_KEY: 'api-key', ACME_WH: 'wh-secret' }, port);
    await stop(child);
    const created = listing(dir).filter((f) => !before.includes(f));
    expect(created.filter((f) => !/^data\/bridge\.sqlite(-wal|-shm|-journal)?$/.test(f))).to.deep.equal([]);
    expect(created).to.include('data/bridge.sqlite');
  });

  it('sandbox mode (no accounts file) keeps its credentials in data/sandbox-credentials.json', async () => {
    const port = await freePort();
    writeFileSync(join(dir, 'config/bridge.yaml'), `server: { port: ${port} }\n`);
    const child = await startIn(dir, { CONFIG_DIR: join(dir, 'config'), SANDBOX_PORT: String(await freePort()) }, port);
    await stop(child);
    expect(listing(dir)).to.include('data/sandbox-credentials.json');
  });
});
