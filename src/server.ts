/**
 * The process: reads configuration, builds the container, listens, runs the scheduler, and shuts down in
 * order on SIGTERM/SIGINT. Everything testable lives in app.ts, the domain and the jobs.
 */
import { resolve } from 'node:path';
import { loadConfig } from './config/load.js';
import { startBridge } from './runtime.js';

/**
 * kill -HUP: re-read accounts.yaml (and the secret files it names) without a restart. Installed first
 * thing, so a SIGHUP during start-up is kept for when the bridge is up instead of killing the process
 * (Node's default for SIGHUP).
 */
let reloadOnHangup: (() => void) | undefined;
let hangupWhileStarting = false;
process.on('SIGHUP', () => {
  if (reloadOnHangup) reloadOnHangup();
  else hangupWhileStarting = true;
});

async function main(): Promise<void> {
  const env = process.env;
  const configDir = resolve(env.CONFIG_DIR ?? 'config');
  // Sandbox credentials are generated (and saved under data/) only in sandbox mode: a production start
  // writes no file of its own besides the store.
  const parsed = loadConfig(env.CONFIG_DIR ?? 'config', env, 'create');
  if (!parsed.config) {
    process.stderr.write(`Configuration has ${parsed.problems.length} problem(s):\n${parsed.problems.map((p) => `  - ${p}`).join('\n')}\n`);
    process.exit(2);
  }
  // Sandbox mode starts the built-in simulator from here; a configured start never loads it.
  const sandbox = parsed.config.sandbox ? { startSandbox: (await import('./sandbox/embedded.js')).startEmbeddedSandbox } : {};
  const bridge = await startBridge(parsed.config, { configDir, watchMappings: true, watchAccounts: true, processMetrics: true, configWarnings: parsed.warnings, ...sandbox });
  let stopping = false;
  const stop = (signal: string): void => {
    // A second signal (an impatient Ctrl-C) skips the drain.
    if (stopping) process.exit(1);
    stopping = true;
    bridge.logger.info({ signal }, 'shutting down');
    bridge
      .shutdown()
      .then((clean) => process.exit(clean ? 0 : 1))
      .catch(() => process.exit(1));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  reloadOnHangup = () => {
    bridge.logger.info({ signal: 'SIGHUP' }, 'reloading accounts');
    void bridge.reloadAccounts();
  };
  if (hangupWhileStarting) reloadOnHangup();
  process.on('unhandledRejection', (reason) => {
    bridge.logger.error({ err: reason }, 'unhandled promise rejection');
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`The bridge could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
