import type { Logger } from 'pino';
import type { MappingProfile } from './config/mappingSchema.js';
import type { AccountConfig, BridgeConfig } from './config/types.js';
import { callbackUrlProblem, guardedLookup } from './domain/callbackPolicy.js';
import type { CreateDeps } from './domain/createInterview.js';
import { InterviewIds } from './domain/interviewIds.js';
import { keys } from './domain/keys.js';
import { withLock } from './domain/lock.js';
import { createMetrics } from './metrics.js';
import type { Metrics } from './metrics.js';
import { AuthLimiter } from './http/authLimiter.js';
import { computeExpiresAt } from './domain/mapping/index.js';
import { interviewLock } from './domain/outbox.js';
import type { InterviewRecord } from './domain/types.js';
import { createCallbackClient } from './workable/callbackClient.js';
import type { CallbackClient } from './workable/callbackClient.js';
import type { ShareDeps } from './domain/sharedLink.js';
import { TemplateCache } from './domain/templates.js';
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
  accounts(): readonly AccountConfig[];
  accountById(id: string): AccountConfig | undefined;
  mappingFor(account: AccountConfig): MappingProfile;
  /** Hot reload: a validated profile replaces the one in force. */
  replaceMapping(name: string, profile: MappingProfile): void;
  now(): Date;
  callbackClient: CallbackClient;
  /** Records that Workable accepted a result; idempotent, since delivery is at-least-once. */
  onDelivered(interviewId: string, hash: string, at: Date): Promise<void>;
  /** True while the process is shutting down: readiness fails and new work is refused. */
  shuttingDown: boolean;
}

export interface ContainerOptions {
  config: BridgeConfig;
  store: Store;
  logger: Logger;
  now?: () => Date;
  buildUpstream?: (account: AccountConfig) => Upstream;
  /** Also export Node process metrics (memory, CPU, event loop); the process sets it, tests need not. */
  processMetrics?: boolean;
}

/** Manual dependency injection: one typed container, no module-level singletons doing I/O. */
export function createContainer(opts: ContainerOptions): Container {
  const now = opts.now ?? (() => new Date());
  const metrics = createMetrics({ store: opts.store, processMetrics: opts.processMetrics ?? false });
  const upstreams = new UpstreamRegistry(opts.buildUpstream, metrics);
  const templates = new TemplateCache(opts.config.templatesCacheMs, () => now().getTime());
  let mappings = opts.config.mappings;
  const policy = opts.config.callbackPolicy;
  const callbackClient = createCallbackClient({
    timeoutMs: opts.config.delivery.timeoutMs,
    userAgent: 'workable-video-bridge/0.1',
    // Checked again at delivery time: the policy may have been tightened since the interview was created.
    checkUrl: async (url) => {
      const problem = callbackUrlProblem(url, policy);
      if (problem) throw new Error(`callback_url ${problem}`);
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
    callbackClient,
    onDelivered: async (interviewId, hash, at) => {
      await withLock(opts.store, interviewLock(interviewId), async () => {
        const record = await opts.store.get<InterviewRecord>(keys.interview(interviewId));
        if (!record) return;
        await opts.store.set(keys.interview(interviewId), { ...record, deliveredHash: hash, deliveredAt: at.toISOString() });
      });
    },
    accounts: () => opts.config.accounts,
    accountById: (id) => opts.config.accounts.find((a) => a.id === id),
    replaceMapping: (name, profile) => {
      mappings = { ...mappings, [name]: profile };
    },
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
      upstreamTimeoutMs: Math.max(...opts.config.accounts.map((a) => a.upstream.timeoutMs), 1000),
      expiresAtFor: (account, createdAt) => computeExpiresAt(c.mappingFor(account), createdAt),
    },
  };
  return c;
}
