import { existsSync, readFileSync, watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { parseAccountsFile } from './accountsFile.js';
import type { AccountConfig } from './types.js';

export interface AccountsReloader {
  /** Reads and applies the accounts file now (SIGHUP, tests). Resolves true when a new list was applied. */
  reload(): Promise<boolean>;
  /** Stops watching. */
  close(): void;
}

export interface AccountsReloadOptions {
  /** The configuration folder holding accounts.yaml (or accounts.yml). */
  dir: string;
  logger: Logger;
  /** Where `{env: …}` secrets are read from (the process environment). */
  env: Record<string, string | undefined>;
  /** Names of the mapping profiles in force: an account must name one of them. */
  mappingNames: () => ReadonlySet<string>;
  apply: (accounts: readonly AccountConfig[]) => { added: string[]; removed: string[]; changed: string[] };
  /** Watch the folder for changes (default true); SIGHUP and reload() work either way. */
  watch?: boolean;
}

/**
 * Reloads accounts.yaml while running, like the mapping profiles: on a change of the file (or of the
 * folder's `..data` link, which is how Kubernetes swaps a mounted ConfigMap) and on reload() (SIGHUP). The
 * file is validated exactly as at start-up, secrets included; one that does not validate is logged with
 * every problem (file and key) and the accounts in force stay in force.
 */
export function watchAccounts(opts: AccountsReloadOptions): AccountsReloader {
  const { dir, logger } = opts;
  let running: Promise<boolean> | undefined;
  let again = false;
  const reloadOnce = (): boolean => {
    const names = ['accounts.yaml', 'accounts.yml'].filter((n) => existsSync(join(dir, n)));
    const label = join(dir, names[0] ?? 'accounts.yaml');
    const reject = (problems: string[]): false => {
      for (const p of problems) logger.error({ file: label, problem: p }, 'accounts file problem');
      logger.error({ file: label, problems }, 'accounts file rejected; the accounts in force stay in force');
      return false;
    };
    if (names.length === 0) return reject([`${label}: missing: the accounts in force stay; removing the file does not switch to sandbox mode (restart for that)`]);
    if (names.length > 1) return reject([`${join(dir, names.join(' and '))}: both exist: keep one (the bridge reads either name, never both)`]);
    let text: string;
    try {
      text = readFileSync(label, 'utf8');
    } catch (err) {
      return reject([`${label}: cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`]);
    }
    const parsed = parseAccountsFile({ file: label, text, env: opts.env, readSecretFile: (p) => readFileSync(p, 'utf8') }, opts.mappingNames());
    if (!parsed.accounts) return reject(parsed.problems);
    const diff = opts.apply(parsed.accounts);
    logger.info({ file: label, accounts: parsed.accounts.map((a) => a.id), ...diff }, 'accounts reloaded');
    return true;
  };
  // One reload at a time; a change during a reload is read once more afterwards.
  const reload = (): Promise<boolean> => {
    if (running) {
      again = true;
      return running;
    }
    running = new Promise<boolean>((resolve) => resolve(reloadOnce())).finally(() => {
      running = undefined;
      if (again) {
        again = false;
        void reload();
      }
    });
    return running;
  };

  let watcher: FSWatcher | undefined;
  const pending: { timer?: NodeJS.Timeout } = {};
  if (opts.watch !== false) {
    try {
      watcher = watch(dir, (_event, filename) => {
        if (!filename || !(/^accounts\.ya?ml$/.test(filename) || filename.startsWith('..'))) return;
        // Editors write files in several steps: wait for the writes to settle.
        clearTimeout(pending.timer);
        pending.timer = setTimeout(() => void reload(), 150);
      });
    } catch (err) {
      logger.warn({ dir, err }, 'cannot watch accounts.yaml; send SIGHUP after a change');
    }
  }
  return {
    reload,
    close: () => {
      watcher?.close();
      clearTimeout(pending.timer);
    },
  };
}
