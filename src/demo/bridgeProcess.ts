/**
 * The bridge as the demo runs it: the real server entry (src/server.ts) in a child process, in sandbox
 * mode, on free ports, with its store and logs in a temporary folder.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root, found from this file, so the demo works from any working directory. */
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface BridgeProcess {
  url: string;
  sandboxUrl: string;
  logFile: string;
  /** The environment the bridge runs with, for the operator CLI to read the same store. */
  cliEnv: NodeJS.ProcessEnv;
  /** The last lines the bridge wrote, for a failure report. */
  tail(lines: number): string;
  /** SIGTERM, then SIGKILL if it has not exited within 5 s. */
  stop(): Promise<void>;
}

/** A loopback port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** Credentials the demo chooses, so it can present and recognise them. */
export interface DemoTokens {
  inbound: string;
  workable: string;
}

/**
 * Starts the bridge and resolves once GET /readyz answers 200. Rejects (after stopping the child) when it
 * exits early or is not ready within timeoutMs.
 */
export async function startBridgeProcess(tempDir: string, tokens: DemoTokens, timeoutMs = 20_000): Promise<BridgeProcess> {
  const [port, sandboxPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The demo always runs the zero-config story, whatever this shell has configured.
  for (const k of ['REDIS_URL', 'REDIS_PREFIX', 'OPS_TOKEN', 'LOG_PRETTY']) delete env[k];
  Object.assign(env, {
    BRIDGE_MODE: 'sandbox',
    CONFIG_DIR: join(PROJECT_ROOT, 'config'),
    PORT: String(port),
    SANDBOX_PORT: String(sandboxPort),
    PUBLIC_BASE_URL: url,
    SQLITE_PATH: join(tempDir, 'bridge.sqlite'),
    SANDBOX_TOKEN: tokens.inbound,
    SANDBOX_WORKABLE_TOKEN: tokens.workable,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    LOG_PRETTY: '0',
  });
  const logFile = join(tempDir, 'bridge.log');
  const log = createWriteStream(logFile);
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'src/server.ts')], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));

  const tail = (lines: number): string => {
    try {
      return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  };
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    }
    await new Promise<void>((r) => log.end(() => r()));
  };

  const deadline = Date.now() + timeoutMs;
  let early: number | null | undefined;
  void exited.then((code) => (early = code));
  for (;;) {
    if (early !== undefined) {
      await stop();
      throw new Error(`the bridge exited with code ${String(early)} before it was ready:\n${tail(20)}`);
    }
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the bridge was not ready within ${timeoutMs} ms:\n${tail(20)}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return { url, sandboxUrl: `http://127.0.0.1:${sandboxPort}`, logFile, cliEnv: env, tail, stop };
}
