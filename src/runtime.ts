import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { DestinationStream, Logger } from 'pino';
import { join } from 'node:path';
import { createApp } from './app.js';
import { watchAccounts } from './config/watchAccounts.js';
import { watchMappings } from './config/watchMappings.js';
import type { BridgeConfig } from './config/types.js';
import { createContainer } from './container.js';
import type { Container } from './container.js';
import { configSecrets, createLogger, SecretList } from './logger.js';
import { Lifecycle } from './lifecycle.js';
import { listenError } from './listenError.js';
import type { SandboxStarter } from './sandbox/embedded.js';
import { Scheduler } from './jobs/scheduler.js';
import { createStore, type SqliteStore } from './store/index.js';
import { claimSqliteFile } from './store/processLock.js';
import type { Store } from './store/index.js';
import { readRedisSafety, readSqliteSafety, type StoreSafety } from './store/safety.js';

export interface RunningBridge {
  url: string;
  logger: Logger;
  container: Container;
  server: Server;
  scheduler: Scheduler;
  /** Stops taking work, drains, closes the store. Resolves true when everything finished in time. */
  shutdown(): Promise<boolean>;
  /** Re-reads accounts.yaml now (SIGHUP). True when a new list is in force; false when it was refused. */
  reloadAccounts(): Promise<boolean>;
}

export interface StartOptions {
  configDir?: string;
  watchMappings?: boolean;
  /** Configured mode: reload accounts.yaml when it changes (needs configDir). SIGHUP reloads either way. */
  watchAccounts?: boolean;
  /** Where reloaded accounts read `{env: …}` secrets (default process.env). */
  env?: Record<string, string | undefined>;
  logger?: Logger;
  now?: () => Date;
  /** Start the scheduled jobs (poller, expiry, delivery). Tests may drive the jobs by hand instead. */
  scheduler?: boolean;
  /** Export Node process metrics too (the process does; tests building many bridges need not). */
  processMetrics?: boolean;
  /** Where the bridge's own logger writes (default stdout); tests capture lines here. Ignored with `logger`. */
  logDestination?: DestinationStream;
  /** parseConfig's warnings, logged once at start-up. */
  configWarnings?: readonly string[];
  /**
   * Sandbox mode: what starts the built-in simulator. server.ts passes it; without it the simulator module
   * is loaded on demand, so a configured (production) start never loads it.
   */
  startSandbox?: SandboxStarter;
  /** Tests only: what the bridge uses instead of the store it opened (e.g. a wrapper that injects faults). */
  wrapStore?: (store: Store) => Store;
}

/**
 * Builds and starts everything the configuration asks for, as named steps (lifecycle.ts): sandbox (sandbox
 * mode only), store, server, requests, scheduler, watchers; shutdown stops them in reverse. Used by
 * server.ts and by component tests.
 */
export async function startBridge(config: BridgeConfig, opts: StartOptions = {}): Promise<RunningBridge> {
  // Grows with reloaded accounts' secrets (not when the caller brings its own logger, as some tests do).
  const secrets = new SecretList(configSecrets(config));
  const logger = opts.logger ?? createLogger({ ...config.logging, secrets, ...(opts.logDestination ? { destination: opts.logDestination } : {}) });
  for (const w of opts.configWarnings ?? []) logger.warn({ problem: w }, 'configuration warning');
  const steps = new Lifecycle(logger);

  // Before the simulator too: in sandbox mode it keeps its state beside the SQLite file.
  const sqlitePath = config.store.kind === 'sqlite' && config.store.path !== ':memory:' ? config.store.path : undefined;
  if (sqlitePath !== undefined) await steps.step('store file', () => claimSqliteFile(sqlitePath), (release) => release());

  const sandbox = config.sandbox
    ? await steps.step('sandbox', async () => (opts.startSandbox ?? (await import('./sandbox/embedded.js')).startEmbeddedSandbox)(config, logger), (sb) => sb.close())
    : undefined;

  const { store, storeSafety } = await steps.step(
    'store',
    async () => {
      const opened = await createStore(
        config.store.kind === 'sqlite' ? config.store : { ...config.store, logger: { warn: (o: object, m: string) => logger.warn(o, m) } },
      );
      if (opened.releaseStaleClaims) {
        // One process per SQLite file: leases and locks on file were left by a process that died holding them.
        const released = (await opened.releaseStaleClaims('lease:')) + (await opened.releaseStaleClaims('lock:'));
        if (released > 0) logger.info({ released }, 'released leases left by a previous process');
      }
      const safety = await inspectStore(opened, config);
      logStoreSafety(logger, safety);
      return { store: opts.wrapStore ? opts.wrapStore(opened) : opened, storeSafety: safety };
    },
    (s) => s.store.close(),
  );
  const container = createContainer({ config, store, logger, storeSafety, processMetrics: opts.processMetrics ?? false, ...(opts.now ? { now: opts.now } : {}) });
  const scheduler = new Scheduler(container);
  const app = createApp(container, scheduler);
  const requests = trackRequests(app.callback());

  const server = await steps.step(
    'server',
    async () => {
      const srv = createServer(requests.handler);
      srv.on('clientError', answerClientError);
      srv.requestTimeout = config.server.requestTimeoutMs;
      srv.headersTimeout = config.server.headersTimeoutMs;
      srv.keepAliveTimeout = config.server.keepAliveTimeoutMs;
      if (config.server.maxConnections > 0) srv.maxConnections = config.server.maxConnections;
      try {
        await new Promise<void>((resolveListen, reject) => {
          srv.once('error', reject);
          srv.listen(config.server.port, config.server.host, () => resolveListen());
        });
      } catch (err) {
        throw listenError(err, config.server.port, config.server.host, 'PORT (or server.port in bridge.yaml)', 'the bridge');
      }
      return srv;
    },
    // The listener stays open while requests drain (the next two steps stop first), so late arrivals (and
    // /readyz) get an explicit 503 with Connection: close instead of a refused connection.
    (srv) =>
      new Promise<void>((r) => {
        if (!srv.listening) return r();
        srv.close(() => r());
        srv.closeIdleConnections();
      }),
  );
  // Requests in flight finish (their handlers may still write to the store) while the scheduler drains.
  await steps.step('requests', () => undefined, () => requests.idle());
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host}:${port}`;
  logger.info({ url, store: store.kind, mode: config.mode, accounts: config.accounts.map((a) => a.id) }, 'bridge listening');
  if (config.sandbox) announceSandbox(logger, config, url, sandbox?.url ?? '');
  if (opts.scheduler !== false) await steps.step('scheduler', () => scheduler.start(), () => scheduler.stop(), { together: true });

  const accountsReloader = await steps.step(
    'watchers',
    () => {
      const stopMappings = opts.watchMappings && opts.configDir
        ? watchMappings(join(opts.configDir, 'mappings'), logger, (name, profile) => container.replaceMapping(name, profile))
        : () => undefined;
      const accounts =
        config.mode === 'configured' && opts.configDir
          ? watchAccounts({
              dir: opts.configDir,
              logger,
              env: opts.env ?? process.env,
              watch: opts.watchAccounts === true,
              mappingNames: () => new Set(container.mappingNames()),
              apply: (next) => {
                // Before the new list is in force, so no line can quote a new secret unscrubbed.
                secrets.add(configSecrets({ ...config, accounts: next }));
                return container.replaceAccounts(next);
              },
            })
          : undefined;
      return { stopMappings, accounts };
    },
    (w) => {
      w.stopMappings();
      w.accounts?.close();
    },
  ).then((w) => w.accounts);
  const reloadAccounts = async (): Promise<boolean> => {
    if (accountsReloader) return accountsReloader.reload();
    logger.warn({ mode: config.mode }, config.mode === 'sandbox' ? 'sandbox mode: there are no accounts to reload' : 'accounts cannot be reloaded: no configuration folder');
    return false;
  };

  const shutdown = async (): Promise<boolean> => {
    container.shuttingDown = true;
    const deadline = new Promise<false>((r) => setTimeout(() => r(false), config.server.shutdownTimeoutMs).unref());
    const drained = steps.stopAll().then(() => true as const);
    const clean = await Promise.race([drained, deadline]);
    if (!clean) {
      logger.error({ timeoutMs: config.server.shutdownTimeoutMs }, 'shutdown deadline passed; forcing exit');
      server.close(); // the listener may still be open, waiting for the drain
      server.closeAllConnections();
    } else logger.info('shutdown complete');
    return clean;
  };
  return { url, logger, container, server, scheduler, shutdown, reloadAccounts };
}

/**
 * Counts requests whose handler is still running; idle() resolves when none is. Counted by the handler's
 * own promise, not by the socket: a client that hung up leaves a handler that may still be writing to the
 * store, and the store must not close under it.
 */
function trackRequests(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>) {
  let active = 0;
  let waiters: Array<() => void> = [];
  const tracked = (req: IncomingMessage, res: ServerResponse): void => {
    active += 1;
    void handler(req, res).finally(() => {
      active -= 1;
      if (active > 0) return;
      for (const w of waiters) w();
      waiters = [];
    });
  };
  return { handler: tracked, idle: (): Promise<void> => (active === 0 ? Promise.resolve() : new Promise<void>((r) => waiters.push(r))) };
}

/**
 * Requests Node rejects before the app sees them (headers too large, malformed, too slow) still get the
 * contract's JSON error body instead of Node's bare status line.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || (err.code === 'ECONNRESET')) {
    socket.destroy();
    return;
  }
  const [status, message] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout']
        : [400, 'Bad Request: malformed HTTP request'];
  const body = JSON.stringify({ status, message });
  socket.end(`HTTP/1.1 ${status} ${message}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

function announceSandbox(logger: Logger, config: BridgeConfig, url: string, sandboxUrl: string): void {
  const sb = config.sandbox!;
  logger.warn(
    { mode: 'sandbox' },
    `SANDBOX MODE (${sb.why}): the bridge serves one demo account against a local Hireflix simulator. Not for production.`,
  );
  // The demo credentials are printed on purpose: they only open a local, simulated account.
  process.stdout.write(
    [
      '',
      '=== Sandbox mode: demo credentials ===',
      `Bridge URL:                      ${url}`,
      `Workable token (Bearer, to call the bridge):  ${sb.inboundToken}`,
      `Callback token (the bridge sends to Workable): ${sb.workableToken}`,
      `Hireflix sandbox:                ${sandboxUrl}  (control API under ${sandboxUrl}/_sandbox)`,
      `Try: curl -H "Authorization: Bearer ${sb.inboundToken}" ${url}/interview-templates`,
      '',
    ].join('\n') + '\n',
  );
}

/** The store's data-safety settings (see store/safety.ts); a failure to read them is never fatal. */
async function inspectStore(store: Store, config: BridgeConfig): Promise<StoreSafety | undefined> {
  try {
    if (config.store.kind === 'sqlite') return await readSqliteSafety(store as SqliteStore);
    if (config.store.kind === 'redis') return await readRedisSafety(config.store.url);
  } catch {
    // e.g. the SQLite file closed under us; readiness reports the store itself.
  }
  return undefined;
}

/**
 * One warning line per risk, loud on purpose (evicted or unpersisted keys are lost results); settings that
 * could not be read get one warning saying so and what to check by hand.
 */
function logStoreSafety(logger: Logger, safety: StoreSafety | undefined): void {
  if (safety === undefined) return;
  for (const warning of safety.warnings) logger.warn({ storeSafety: safety }, `STORE SAFETY: ${warning}`);
  if (safety.store === 'redis') {
    const unknown = (['evictionPolicy', 'appendonly', 'save'] as const).filter((k) => safety[k] === 'unknown');
    if (unknown.length > 0) {
      logger.warn({ storeSafety: safety }, `STORE SAFETY: could not read Redis ${unknown.join(', ')} (${safety.note ?? 'no answer'}); check by hand that maxmemory-policy is noeviction and persistence is on`);
    }
  }
  if (safety.warnings.length === 0) logger.info({ storeSafety: safety }, 'store safety settings');
}
