import type { AccountConfig } from '../config/types.js';
import type { Store } from '../store/types.js';
import type { Upstream } from '../upstreams/types.js';
import { notFound } from './errors.js';
import { keys } from './keys.js';
import type { InterviewRecord } from './types.js';

const DAY_MS = 24 * 3600 * 1000;

export interface ShareDeps {
  store: Store;
  upstreamFor: (account: AccountConfig) => Upstream;
  shareDaysFor: (account: AccountConfig) => number;
  now: () => Date;
}

/** Days left on a stored share link, rounded down; 0 when it is (nearly) gone; undefined when permanent. */
function remainingDays(share: NonNullable<InterviewRecord['share']>, now: Date): number | undefined {
  if (share.days === undefined) return undefined;
  const left = Date.parse(share.createdAt) + share.days * DAY_MS - now.getTime();
  return Math.max(0, Math.floor(left / DAY_MS));
}

/**
 * Returns a share link for a completed interview, reusing the stored one while it has more than a day left
 * so Workable sees a stable URL, and asking the upstream for a new one otherwise.
 */
export async function ensureShareLink(deps: ShareDeps, account: AccountConfig, record: InterviewRecord): Promise<{ url: string; days?: number }> {
  const now = deps.now();
  if (record.share) {
    const left = remainingDays(record.share, now);
    if (left === undefined || left >= 1) return { url: record.share.url, ...(left !== undefined ? { days: left } : {}) };
  }
  if (!record.upstreamId) throw notFound('No shared link: the invitation has not reached the upstream');
  const link = await deps.upstreamFor(account).shareLink(record.upstreamId, deps.shareDaysFor(account));
  // An upstream link without a lifetime (e.g. Vervoe's candidate card) is permanent: no ttl is claimed for it.
  const days = link.ttl === undefined ? undefined : link.ttlUnits === 'days' || link.ttlUnits === undefined ? link.ttl : undefined;
  const share = { url: link.url, createdAt: now.toISOString(), ...(days !== undefined ? { days } : {}) };
  const latest = (await deps.store.get<InterviewRecord>(keys.interview(record.id))) ?? record;
  await deps.store.set(keys.interview(record.id), { ...latest, share });
  return { url: link.url, days };
}

/**
 * GET /interviews/:id/shared-link: `{url, ttl, ttl_units}` (just `{url}` for a permanent link), or a contract
 * error saying why there is none.
 */
export async function sharedLink(deps: ShareDeps, account: AccountConfig, record: InterviewRecord): Promise<{ url: string; ttl?: string; ttl_units?: 'days' }> {
  if (record.current.status !== 'completed') {
    throw notFound(`No shared link: the interview is ${record.current.status}, and links exist only for completed interviews`);
  }
  const { url, days } = await ensureShareLink(deps, account, record);
  return days === undefined ? { url } : { url, ttl: String(days), ttl_units: 'days' };
}
