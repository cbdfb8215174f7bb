import type { AccountConfig } from '../config/types.js';
import { createHireflixUpstream } from './hireflix/adapter.js';
import type { Upstream } from './types.js';

const USER_AGENT = 'workable-video-bridge/0.1';

/** One adapter per account, built on first use from the account's upstream settings. */
export class UpstreamRegistry {
  private readonly byAccount = new Map<string, { account: AccountConfig; upstream: Upstream }>();

  constructor(private readonly build: (account: AccountConfig) => Upstream = defaultBuild) {}

  forAccount(account: AccountConfig): Upstream {
    const hit = this.byAccount.get(account.id);
    // A reloaded account (new key, new endpoint) gets a new adapter.
    if (hit && hit.account === account) return hit.upstream;
    const upstream = this.build(account);
    this.byAccount.set(account.id, { account, upstream });
    return upstream;
  }
}

function defaultBuild(account: AccountConfig): Upstream {
  switch (account.upstream.kind) {
    case 'hireflix':
      return createHireflixUpstream({
        endpoint: account.upstream.endpoint,
        apiKey: account.upstream.apiKey,
        ...(account.upstream.webhookSecret ? { webhookSecret: account.upstream.webhookSecret } : {}),
        timeoutMs: account.upstream.timeoutMs,
        userAgent: USER_AGENT,
      });
  }
}
