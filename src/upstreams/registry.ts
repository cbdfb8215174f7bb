import type { Logger } from 'pino';
import type { AccountConfig } from '../config/types.js';
import type { Metrics } from '../metrics.js';
import { createHireflixUpstream } from './hireflix/adapter.js';
import { instrumentUpstream } from './instrumented.js';
import { createVervoeUpstream } from './vervoe/adapter.js';
import type { Upstream } from './types.js';

/** One adapter per account, built on first use from the account's upstream settings (and measured when given metrics). */
export class UpstreamRegistry {
  private readonly byAccount = new Map<string, { account: AccountConfig; upstream: Upstream }>();

  private readonly build: (account: AccountConfig) => Upstream;

  /** `logger` receives the adapters' info lines (e.g. the interviewList shape an account accepted). */
  constructor(build?: (account: AccountConfig) => Upstream, private readonly metrics?: Metrics, logger?: Pick<Logger, 'info'>) {
    this.build = build ?? ((account) => defaultBuild(account, logger));
  }

  forAccount(account: AccountConfig): Upstream {
    const hit = this.byAccount.get(account.id);
    // A reloaded account (new key, new endpoint) gets a new adapter.
    if (hit && hit.account === account) return hit.upstream;
    const built = this.build(account);
    const upstream = this.metrics ? instrumentUpstream(built, this.metrics) : built;
    this.byAccount.set(account.id, { account, upstream });
    return upstream;
  }
}

function defaultBuild(account: AccountConfig, logger?: Pick<Logger, 'info'>): Upstream {
  switch (account.upstream.kind) {
    case 'hireflix':
      return createHireflixUpstream({
        endpoint: account.upstream.endpoint,
        apiKey: account.upstream.apiKey,
        ...(account.upstream.webhookSecret ? { webhookSecret: account.upstream.webhookSecret } : {}),
        timeoutMs: account.upstream.timeoutMs,
        ...(logger ? { log: (message: string, fields: Record<string, unknown>) => logger.info({ accountId: account.id, upstream: 'hireflix', ...fields }, message) } : {}),
      });
    case 'vervoe':
      return createVervoeUpstream({
        baseUrl: account.upstream.baseUrl,
        apiKey: account.upstream.apiKey,
        secretKey: account.upstream.secretKey,
        ...(account.upstream.webhookSecret ? { webhookSecret: account.upstream.webhookSecret } : {}),
        webhookToleranceSeconds: account.upstream.webhookToleranceSeconds,
        timeoutMs: account.upstream.timeoutMs,
      });
  }
}
