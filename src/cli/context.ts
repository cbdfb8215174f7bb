/**
 * How every command reaches the bridge's state: the same configuration the server reads (CONFIG_DIR,
 * environment, REDIS_URL / SQLITE_PATH) and a short-lived store that is closed as soon as the command is done.
 */
import { existsSync } from 'node:fs';
import { loadConfig as readConfig } from '../config/load.js';
import type { BridgeConfig } from '../config/types.js';
import { createStore } from '../store/index.js';
import type { Store } from '../store/index.js';
import { CommandFailed, ConfigError } from './errors.js';

/** Reads and validates the configuration; throws ConfigError listing every problem with file and key. */
export function loadConfig(env: Record<string, string | undefined>): BridgeConfig {
  return loadConfigWithWarnings(env).config;
}

/**
 * loadConfig, plus the warnings a valid configuration may carry (e.g. no https public_base_url). Commands
 * never create files, so sandbox credentials are only read.
 */
export function loadConfigWithWarnings(env: Record<string, string | undefined>): { config: BridgeConfig; warnings: string[] } {
  const parsed = readConfig(env.CONFIG_DIR ?? 'config', env, 'read-only');
  if (!parsed.config) throw new ConfigError(parsed.problems);
  return { config: parsed.config, warnings: parsed.warnings };
}

/** A description of the configured store that never includes the Redis URL (it may carry a password). */
export function describeStore(config: BridgeConfig): string {
  return config.store.kind === 'sqlite' ? `sqlite ${config.store.path}` : `redis (prefix ${config.store.prefix})`;
}

/**
 * Opens the configured store, runs `fn`, and closes the store whatever happens. A store that does not
 * answer is a failure of the command (exit 1), not a usage error.
 */
export async function withStore<T>(config: BridgeConfig, fn: (store: Store) => Promise<T>): Promise<T> {
  // Opening a missing SQLite file would create an empty store and report "nothing there": a wrong
  // SQLITE_PATH must say so instead.
  if (config.store.kind === 'sqlite' && config.store.path !== ':memory:' && !existsSync(config.store.path)) {
    throw new CommandFailed(`no SQLite store at ${config.store.path} (has the bridge run here? is SQLITE_PATH right?)`);
  }
  let store: Store | undefined;
  try {
    store =
      config.store.kind === 'sqlite'
        ? await createStore(config.store)
        : await createStore({ ...config.store, connectTimeoutMs: 2000, commandTimeoutMs: 5000 });
    await store.ping();
  } catch (err) {
    await store?.close().catch(() => undefined);
    throw new CommandFailed(`cannot open the ${describeStore(config)} store: ${(err as Error).message}`);
  }
  try {
    return await fn(store);
  } finally {
    await store.close().catch(() => undefined);
  }
}
