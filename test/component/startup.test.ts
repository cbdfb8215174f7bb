/**
 * Start-up errors and warnings as an operator sees them: the real process (src/server.ts) with a
 * throwaway configuration folder, its stderr and log lines read as written.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ROOT, runScript } from '../support/cli.js';
import { ACCOUNTS_YAML, configDir } from '../support/config.js';
import { freePort } from '../support/harness.js';

/** Holds a port the way another program would. */
async function occupy(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, server };
}

/** Runs the server until it logs `until` (or exits), then stops it with SIGTERM; returns what it wrote. */
async function serveUntil(env: Record<string, string>, until: string): Promise<{ stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/server.ts')], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const closed = new Promise<void>((r) => child.once('close', () => r()));
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 20_000);
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
      if (stdout.includes(until)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    void closed.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
  child.kill('SIGTERM');
  await closed;
  return { stdout, stderr };
}

/** The server as a process one can signal, with a way to wait for what it writes. */
function serve(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/server.ts')], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const closed = new Promise<void>((r) => child.once('close', () => r()));
  return {
    get stdout() {
      return stdout;
    },
    async waitFor(text: string, times = 1): Promise<void> {
      const deadline = Date.now() + 20_000;
      while (stdout.split(text).length - 1 < times) {
        if (Date.now() > deadline || child.exitCode !== null || child.signalCode !== null) throw new Error(`no "${text}" in:\n${stdout}${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    signal: (sig: NodeJS.Signals) => child.kill(sig),
    async stop(): Promise<void> {
      child.kill('SIGTERM');
      await closed;
    },
  };
}

const logLines = (stdout: string): Array<Record<string, unknown>> =>
  stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('start-up errors and warnings (the real process)', function () {
  this.timeout(40_000);
  let dir: string;
  let data: string;
  beforeEach(() => {
    dir = configDir();
    data = mkdtempSync(join(tmpdir(), 'wvb-startup-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
  });

  it('a busy PORT is named, with what to set', async () => {
    const busy = await occupy();
    try {
      const r = await runScript('src/server.ts', [], { CONFIG_DIR: dir, SQLITE_PATH: join(data, 'b.sqlite'), PORT: String(busy.port), SANDBOX_PORT: String(await freePort()) });
      expect(r.stderr).to.equal(`The bridge could not start: port ${busy.port} on 127.0.0.1 (the bridge) is already in use: stop the process listening there, or set PORT (or server.port in bridge.yaml) to a free port\n`);
      expect(r.code).to.equal(1);
    } finally {
      busy.server.close();
    }
  });

  it('a busy simulator port is named as SANDBOX_PORT', async () => {
    const busy = await occupy();
    try {
      const r = await runScript('src/server.ts', [], { CONFIG_DIR: dir, SQLITE_PATH: join(data, 'b.sqlite'), PORT: String(await freePort()), SANDBOX_PORT: String(busy.port) });
      expect(r.stderr).to.equal(`The bridge could not start: port ${busy.port} on 127.0.0.1 (the built-in Hireflix simulator) is already in use: stop the process listening there, or set SANDBOX_PORT to a free port\n`);
      expect(r.code).to.equal(1);
    } finally {
      busy.server.close();
    }
  });

  it('a CONFIG_DIR that does not exist is named as such (exit 2)', async () => {
    const r = await runScript('src/server.ts', [], { CONFIG_DIR: join(data, 'nosuch'), SQLITE_PATH: join(data, 'b.sqlite') });
    expect(r.stderr).to.equal(
      `Configuration has 1 problem(s):\n  - CONFIG_DIR=${join(data, 'nosuch')}: no such folder: set CONFIG_DIR to the folder that holds bridge.yaml, accounts.yaml and mappings/\n`,
    );
    expect(r.code).to.equal(2);
  });

  it('configured mode without public_base_url starts, with a warning that names the key and the fix', async () => {
    const secretFile = join(data, 'globex-token');
    writeFileSync(secretFile, 'wk-globex\n');
    writeFileSync(join(dir, 'accounts.yaml'), ACCOUNTS_YAML.replace('SECRET_FILE', secretFile));
    const port = await freePort();
    const r = await serveUntil(
      { CONFIG_DIR: dir, SQLITE_PATH: join(data, 'b.sqlite'), PORT: String(port), ACME_WORKABLE_TOKEN: 'a', ACME_API_KEY: 'b', ACME_WEBHOOK_SECRET: 'c', GLOBEX_API_KEY: 'd' },
      'bridge listening',
    );
    const warning = logLines(r.stdout).find((l) => l.msg === 'configuration warning');
    expect(warning, r.stdout + r.stderr).to.include({
      level: 40,
      problem: `${dir}/bridge.yaml: server.public_base_url: not set, so report links sent to Workable and webhook URLs use http://localhost:${port}, which only this machine reaches: set server.public_base_url in bridge.yaml (or PUBLIC_BASE_URL) to the public https address of the bridge`,
    });
  });

  it('SIGHUP re-reads accounts.yaml and the secret files it names, without a restart', async () => {
    const secretFile = join(data, 'globex-token');
    writeFileSync(secretFile, 'wk-globex-before-0001\n');
    writeFileSync(join(dir, 'accounts.yaml'), ACCOUNTS_YAML.replace('SECRET_FILE', secretFile));
    writeFileSync(join(dir, 'bridge.yaml'), 'server: { public_base_url: "https://bridge.example.com" }\n');
    const server = serve({ CONFIG_DIR: dir, SQLITE_PATH: join(data, 'b.sqlite'), PORT: String(await freePort()), ACME_WORKABLE_TOKEN: 'a', ACME_API_KEY: 'b', ACME_WEBHOOK_SECRET: 'c', GLOBEX_API_KEY: 'd' });
    try {
      await server.waitFor('"msg":"bridge listening"');
      // A secret file is not watched: only the signal makes the bridge read it again.
      writeFileSync(secretFile, 'wk-globex-after-0002\n');
      server.signal('SIGHUP');
      await server.waitFor('"msg":"accounts reloaded"');
      const reloaded = logLines(server.stdout).find((l) => l.msg === 'accounts reloaded');
      expect(reloaded).to.deep.include({ file: join(dir, 'accounts.yaml'), accounts: ['acme', 'globex'], added: [], removed: [], changed: ['globex'] });
      expect(server.stdout).to.not.include('wk-globex-after-0002');
      expect(logLines(server.stdout).some((l) => l.msg === 'shutting down')).to.equal(false);
    } finally {
      await server.stop();
    }
  });

  it('BRIDGE_MODE=sandbox beside an accounts file: the sandbox warning says the file is not read (not that there is none)', async () => {
    writeFileSync(join(dir, 'accounts.yaml'), ACCOUNTS_YAML);
    const r = await serveUntil(
      { CONFIG_DIR: dir, SQLITE_PATH: join(data, 'b.sqlite'), PORT: String(await freePort()), SANDBOX_PORT: String(await freePort()), BRIDGE_MODE: 'sandbox' },
      '"msg":"SANDBOX MODE',
    );
    const banner = logLines(r.stdout).find((l) => typeof l.msg === 'string' && l.msg.startsWith('SANDBOX MODE'));
    expect(banner?.msg, r.stdout + r.stderr).to.equal(
      `SANDBOX MODE (BRIDGE_MODE=sandbox; ${dir}/accounts.yaml is not read): the bridge serves one demo account against a local Hireflix simulator. Not for production.`,
    );
  });
});
