/**
 * Running the operator CLI from tests. `cli()` runs the dispatcher (runCli) in this process with a captured
 * Io: the same {code, stdout, stderr} a child process would give, without a process start (about 2-4 s each
 * under tsx). `cliProcess()` / `runScript()` start a real `node --import tsx` child, for the few tests that
 * are about the entry point itself.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './paths.js';

export { ROOT };

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

/** The operator CLI as a real process (src/cli/main.ts): for the smoke test of the entry point. */
export const cliProcess = (args: string[], env: Record<string, string> = {}): Promise<Run> => runScript('src/cli/main.ts', args, env);

/**
 * The operator CLI in this process: runCli with an Io that collects what main.ts would write to stdout and
 * stderr (each write ends with a newline, as processIo's do), and with only the given environment plus PATH,
 * as the child process had. Commands take the environment from io.env, never from process.env.
 */
export async function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const line = (t: string): string => (t.endsWith('\n') ? t : `${t}\n`);
  // Imported, not required: the commands load their modules with import(), and a required run.ts would be a
  // second copy of errors.ts whose ConfigError the commands' errors are not instances of.
  const { runCli } = await import('../../src/cli/run.js');
  const code = await runCli(args, {
    out: (t) => void (stdout += line(t)),
    err: (t) => void (stderr += line(t)),
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  return { code, stdout, stderr };
}
