/**
 * Polling for changes with GET /integration/user-assessments, the only listing Vervoe describes. It is
 * account-wide (no per-assessment filter) and its items carry no "updated at", so:
 *
 *  1. Completions: `status=complete&completed-gt=<since>&sort=completed&order=asc`, every page. The one
 *     time filter the API offers; cost grows with the completions since `since`, nothing else.
 *  2. Other changes (rejected, hired, expired, a re-score of a completed one): the first `recentPages`
 *     pages of each status sorted by `updated` descending, which is constant work per cycle. Items whose
 *     status, completion and score are what this adapter last saw are dropped, so an unchanged interview
 *     does not cost a reconcile read every cycle. Older changes beyond those pages are caught by webhooks
 *     (CANDIDATE_REJECTED, CANDIDATE_HIRED, score events) and by the bridge's expiry sweep.
 *
 * The seen-map is per process and bounded; after a restart the first cycle reports those pages once.
 */
import type { ChangeHint } from '../types.js';
import type { Operation } from '../../outbound/http.js';
import { fail, type VervoeHttp } from './client.js';
import { arrayAt, isObject, isoTime, objectAt, stringAt } from './read.js';
import { fingerprint } from './mapping.js';

const LISTING: Operation = { name: 'listChangedSince', doing: 'listing candidate assessments' };
/** Safety stop for a listing whose pages never end. */
const MAX_PAGES = 1000;
const RECENT_STATUSES = ['complete', 'rejected', 'hired', 'expired'] as const;

/** Vervoe's documented filter format, e.g. "2020-01-16 22:31:10.0 UTC" (tenths of a second, UTC). */
export function vervoeDateTime(at: Date): string {
  const iso = at.toISOString(); // 2020-01-16T22:31:10.123Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${iso.slice(20, 21)} UTC`;
}

/** Remembers the last fingerprint per candidate assessment, forgetting the oldest beyond `limit`. */
export class SeenReports {
  private readonly map = new Map<string, string>();
  constructor(private readonly limit = 10_000) {}

  /** True when `print` differs from the last one recorded for `id`; records it either way. */
  changed(id: string, print: string): boolean {
    const before = this.map.get(id);
    this.map.delete(id);
    this.map.set(id, print);
    if (this.map.size > this.limit) {
      const oldest = this.map.keys().next().value;
      if (oldest !== undefined) this.map.delete(oldest);
    }
    return before !== print;
  }
}

async function page(http: VervoeHttp, query: Record<string, string | number>): Promise<{ items: unknown[]; more: boolean }> {
  const res = await http.send(LISTING, 'GET', '/integration/user-assessments', { query });
  const data = objectAt(res.body, 'data');
  if (res.status !== 200 || !data || !Array.isArray(data.items)) {
    throw fail(LISTING, 'bad_response', `Vervoe answered HTTP ${res.status} without a list while ${LISTING.doing}`);
  }
  return { items: arrayAt(data, 'items'), more: data.hasMorePages === true };
}

function hintOf(item: unknown): ChangeHint | undefined {
  const id = stringAt(item, 'candidateAssessmentUuid');
  if (id === undefined) return undefined;
  const hint: ChangeHint = { upstreamId: id, externalId: null };
  const at = isoTime(isObject(item) ? item.completedAt : undefined);
  if (at !== undefined) hint.changedAt = at;
  return hint;
}

/** Change hints since `since`, deduplicated by candidate assessment. */
export async function listChanges(http: VervoeHttp, since: Date, seen: SeenReports, recentPages: number): Promise<ChangeHint[]> {
  const hints = new Map<string, ChangeHint>();
  const add = (item: unknown): void => {
    const hint = hintOf(item);
    if (!hint) return;
    seen.changed(hint.upstreamId, fingerprint(item));
    hints.set(hint.upstreamId, hint);
  };

  const completedGt = vervoeDateTime(since);
  for (let n = 1; n <= MAX_PAGES; n++) {
    const { items, more } = await page(http, { page: n, status: 'complete', sort: 'completed', order: 'asc', 'completed-gt': completedGt });
    items.forEach(add);
    if (!more || items.length === 0) break;
  }

  // Sequential on purpose: a poll is background work and Vervoe publishes no rate limit.
  for (const status of RECENT_STATUSES) {
    for (let n = 1; n <= recentPages; n++) {
      const { items, more } = await page(http, { page: n, status, sort: 'updated', order: 'desc' });
      for (const item of items) {
        const id = stringAt(item, 'candidateAssessmentUuid');
        if (id !== undefined && !hints.has(id) && seen.changed(id, fingerprint(item))) add(item);
      }
      if (!more || items.length === 0) break;
    }
  }
  return [...hints.values()];
}
