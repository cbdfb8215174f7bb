import type { AccountConfig } from '../config/types.js';
import type { Upstream, UpstreamTemplate } from '../upstreams/types.js';

/**
 * A short per-account cache of the upstream's templates, so Workable's page loads do not hit the upstream
 * each time. Concurrent misses for one account share one upstream call.
 */
export class TemplateCache {
  private readonly entries = new Map<string, { at: number; value: Promise<UpstreamTemplate[]> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Drops an account's cached list (its credentials or endpoint changed, or it was removed). */
  forget(accountId: string): void {
    this.entries.delete(accountId);
  }

  async list(account: AccountConfig, upstream: Upstream): Promise<UpstreamTemplate[]> {
    const hit = this.entries.get(account.id);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value;
    const value = upstream.listTemplates();
    this.entries.set(account.id, { at: this.now(), value });
    // A failure must not be cached: the next request asks the upstream again.
    value.catch(() => {
      if (this.entries.get(account.id)?.value === value) this.entries.delete(account.id);
    });
    return value;
  }

  invalidate(accountId: string): void {
    this.entries.delete(accountId);
  }
}
