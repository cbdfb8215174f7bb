import type { Logger } from 'pino';
import type { MappingProfile } from './config/mappingSchema.js';
import type { AccountConfig, BridgeConfig } from './config/types.js';
import type { CreateDeps } from './domain/createInterview.js';
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
  templates: TemplateCache;
  createDeps: CreateDeps;
  accounts(): readonly AccountConfig[];
  accountById(id: string): AccountConfig | undefined;
  mappingFor(account: AccountConfig): MappingProfile;
  /** Hot reload: a validated profile replaces the one in force. */
  replaceMapping(name: string, profile: MappingProfile): void;
  now(): Date;
  /** True while the process is shutting down: readiness fails and new work is refused. */
  shuttingDown: boolean;
}

export interface ContainerOptions {
  config: BridgeConfig;
  store: Store;
  logger: Logger;
  now?: () => Date;
  buildUpstream?: (account: AccountConfig) => Upstream;
}

/** Manual dependency injection: one typed container, no module-level singletons doing I/O. */
export function createContainer(opts: ContainerOptions): Container {
  const now = opts.now ?? (() => new Date());
  const upstreams = new UpstreamRegistry(opts.buildUpstream);
  const templates = new TemplateCache(opts.config.templatesCacheMs, () => now().getTime());
  let mappings = opts.config.mappings;
  const c: Container = {
    config: opts.config,
    store: opts.store,
    logger: opts.logger,
    upstreams,
    templates,
    now,
    shuttingDown: false,
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
      templates,
      callbackPolicy: opts.config.callbackPolicy,
      logger: opts.logger,
      now,
      upstreamTimeoutMs: Math.max(...opts.config.accounts.map((a) => a.upstream.timeoutMs), 1000),
    },
  };
  return c;
}
