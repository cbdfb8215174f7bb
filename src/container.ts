import type { Logger } from 'pino';
import type { MappingProfile } from './config/mappingSchema.js';
import type { AccountConfig, BridgeConfig } from './config/types.js';
import { callbackUrlProblem, guardedLookup } from './domain/callbackPolicy.js';
import type { CreateDeps } from './domain/createInterview.js';
import { InterviewIds } from './domain/interviewIds.js';
import { createMetrics } from './metrics.js';
import type { Metrics } from './metrics.js';
import { AuthLimiter } from './http/authLimiter.js';
import { computeExpiresAt } from './domain/mapping/index.js';
import { createCallbackClient } from './workable/callbackClient.js';
import type { CallbackClient } from './workable/callbackClient.js';
import type { ShareDeps } from './domain/sharedLink.js';
import { TemplateCache } from './domain/templates.js';
import type { StoreSafety } from './store/safety.js';
import type { Store } from './store/types.js';
import { UpstreamRegistry } from './upstreams/registry.js';
import type { Upstream } from './upstreams/types.js';

/** Everything the app and the jobs need, built once by the composition root (server.ts or a test). */
export interface Container extends ShareDeps {
  config: BridgeConfig;
  store: Store;
  logger: Logger;
  upstreams: UpstreamRegistry;
  /** This container's Prometheus registry and metrics (never the global registry). */
  metrics: Metrics;
  templates: TemplateCache;
  /** Failed authentication attempts per client address (in this process), for 429s to token guessers. */
  authLimiter: AuthLimiter;
  /** Bad webhook signatures per account (in this process): beyond the limit, unsigned/bad ones get 429. */
  webhookSignatureLimiter: AuthLimiter;
  createDeps: CreateDeps;
  accounts: () => readonly AccountConfig[];
  accountById: (id: string) => AccountConfig | undefined;
  /**
   * Hot reload of accounts.yaml: a validated list replaces the one in force. A removed account is refused
   * (401, no polls, webhooks 404) at once; its Workable callback token is kept in this process so results
   * already in its outbox are still delivered (docs/operations.md, "Add, change or remove an account").
   */
  replaceAccounts: (next: readonly AccountConfig[]) => { added: string[]; removed: string[]; changed: string[] };
  /** The callback token for an outbox entry's account: a configured one, or one removed by a reload. */
  callbackTokenFor: (accountId: string) => string | undefined;
  mappingFor: (account: AccountConfig) => MappingProfile;
  /** Hot reload: a validated profile replaces the one in force. */
  replaceMapping: (name: string, profile: MappingProfile) => void;
  /** Names of the mapping profiles in force (an account must name one). */
  mappingNames: () => string[];
  now: () => Date;
  callbackClient: CallbackClient;
  /** True while the process is shutting down: readiness fails and new work is refused. */
  shuttingDown: boolean;
  /** The store's data-safety settings as read at start-up (shown in /readyz); undefined when not read. */
  storeSafety?: StoreSafety;
}

export interface ContainerOptions {
  config: BridgeConfig;
  store: Store;
  logger: Logger;
  now?: () => Date;
  buildUpstream?: (account: AccountConfig) => Upstream;
  /** Also export Node process metrics (memory, CPU, event loop); the process sets it, tests need not. */
  processMetrics?: boolean;
  storeSafety?: StoreSafety;
}

/** Manual dependency injection: one typed container, no module-level singletons doing I/O. */
export function createContainer(opts: ContainerOptions): Container {
  const now = opts.now ?? (() => new Date());
  const metrics = createMetrics({ store: opts.store, processMetrics: opts.processMetrics ?? false });
  const upstreams = new UpstreamRegistry(opts.buildUpstream, metrics, opts.logger);
  const templates = new TemplateCache(opts.config.templatesCacheMs, () => now().getTime());
  let mappings = opts.config.mappings;
  let accounts: readonly AccountConfig[] = opts.config.accounts;
  const retiredTokens = new Map<string, string>();
  const policy = opts.config.callbackPolicy;
  const callbackClient = createCallbackClient({
    timeoutMs: opts.config.delivery.timeoutMs,
    // Checked again at delivery time: the policy may have been tightened since the interview was created.
    checkUrl: (url) => {
      const problem = callbackUrlProblem(url, policy);
      return problem ? Promise.reject(new Error(`callback_url ${problem}`)) : Promise.resolve();
    },
    lookup: guardedLookup(policy),
  });
  const c: Container = {
    config: opts.config,
    store: opts.store,
    logger: opts.logger,
    upstreams,
    metrics,
    templates,
    authLimiter: new AuthLimiter(),
    webhookSignatureLimiter: new AuthLimiter({ maxFailures: opts.config.webhooks.badSignatureLimit, windowMs: opts.config.webhooks.badSignatureWindowMs }),
    now,
    shuttingDown: false,
    ...(opts.storeSafety ? { storeSafety: opts.storeSafety } : {}),
    callbackClient,
    // Called by delivery under the interview lock, in the same critical section that settles the entry.
    accounts: () => accounts,
    accountById: (id) => accounts.find((a) => a.id === id),
    replaceAccounts: (next) => {
      const before = new Map(accounts.map((a) => [a.id, a]));
      const after = new Set(next.map((a) => a.id));
      const removed = [...before.keys()].filter((id) => !after.has(id));
      const added = next.filter((a) => !before.has(a.id)).map((a) => a.id);
      const changed = next.filter((a) => before.has(a.id) && JSON.stringify(before.get(a.id)) !== JSON.stringify(a)).map((a) => a.id);
      for (const id of removed) retiredTokens.set(id, before.get(id)!.workableToken);
      for (const a of next) retiredTokens.delete(a.id);
      // Credentials or endpoint may have changed: the next templates request asks the upstream again (the
      // upstream registry builds a new adapter for a changed account by itself).
      for (const id of [...removed, ...changed]) templates.forget(id);
      accounts = next;
      return { added, removed, changed };
    },
    callbackTokenFor: (id) => accounts.find((a) => a.id === id)?.workableToken ?? retiredTokens.get(id),
    replaceMapping: (name, profile) => {
      mappings = { ...mappings, [name]: profile };
    },
    mappingNames: () => Object.keys(mappings),
    mappingFor: (account) => {
      const m = mappings[account.mapping];
      if (!m) throw new Error(`no mapping profile ${account.mapping}`);
      return m;
    },
    upstreamFor: (account) => upstreams.forAccount(account),
    shareDaysFor: (account) => c.mappingFor(account).resultsUrl.shareDays,
    createDeps: {
      store: opts.store,
      ids: new InterviewIds(opts.store),
      templates,
      callbackPolicy: opts.config.callbackPolicy,
      logger: opts.logger,
      now,
      // A getter: a reloaded account may bring a longer upstream timeout, which the invite lock must outlast.
      get upstreamTimeoutMs() {
        return Math.max(...accounts.map((a) => a.upstream.timeoutMs), 1000);
      },
      expiresAtFor: (account, createdAt) => computeExpiresAt(c.mappingFor(account), createdAt),
    },
  };
  return c;
}
