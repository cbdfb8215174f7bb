/**
 * Polling for changes. Hireflix has no "changed since" query, so each open position's interviews are read
 * newest-updated first and the walk stops at the first one older than `since` (or an empty page, which is
 * how Hireflix signals the end: it always returns a lastCursor). Cost: one positions call plus, per open
 * position, one page per `pageSize` changes plus one; never proportional to the number of interviews.
 *
 * Known gaps, covered by webhooks: interviews of archived positions are not polled; an interview updated
 * while its position is being paged jumps to the front and is picked up by the next cycle, provided the
 * caller's next `since` is no later than this cycle's start.
 */
import type { ChangeHint } from '../types.js';
import type { Operation } from '../../outbound/http.js';
import type { GraphqlTransport } from './client.js';
import { requestInterviewList } from './interviewList.js';
import { arrayAt, epochToIso, isObject, numberAt, objectAt, stringAt } from './read.js';

const LISTING: Operation = { name: 'listChangedSince', doing: 'listing changed interviews' };
/** Safety stop for a position whose cursor never advances. */
const MAX_PAGES_PER_POSITION = 1000;

/** Epoch ms of an `updatedAt` that may be a number or a string. */
function updatedMs(item: unknown): number | undefined {
  const direct = numberAt(item, 'updatedAt');
  if (direct !== undefined) return direct;
  const iso = epochToIso(isObject(item) ? item.updatedAt : undefined);
  return iso === undefined ? undefined : Date.parse(iso);
}

/** Change hints for one position's interviews updated at or after `sinceMs`. */
export async function changedInPosition(
  gql: GraphqlTransport,
  positionId: string,
  sinceMs: number,
  pageSize: number,
): Promise<ChangeHint[]> {
  const hints: ChangeHint[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES_PER_POSITION; page++) {
    const data = await requestInterviewList(gql, LISTING, 'changed', { positionId, limit: pageSize, lastCursor: cursor });
    const list = objectAt(objectAt(data, 'position'), 'interviewList');
    const results = arrayAt(list, 'results');
    if (results.length === 0) return hints;
    for (const item of results) {
      const id = stringAt(item, 'id');
      const at = updatedMs(item);
      // An item without a readable updatedAt is reported rather than silently dropped: reconcile decides.
      if (at !== undefined && at < sinceMs) return hints;
      if (id === undefined) continue;
      const hint: ChangeHint = { upstreamId: id, externalId: stringAt(item, 'externalId') ?? null };
      if (at !== undefined) hint.changedAt = new Date(at).toISOString();
      hints.push(hint);
    }
    const next = stringAt(list, 'lastCursor') ?? null;
    if (next === null || next === cursor) return hints;
    cursor = next;
  }
  return hints;
}
