/**
 * From an upstream's change hint (a webhook or a poll listing) to the bridge interviews it concerns, and the
 * durable mark that has them reconciled.
 */
import { isRecordError } from '../store/records.js';
import type { Store } from '../store/types.js';
import type { ChangeHint } from '../upstreams/types.js';
import { followerRecords } from './followers.js';
import { keys } from './keys.js';
import type { ReconcileDeps } from './reconcile.js';
import type { InterviewRecord } from './types.js';

/** The bridge's record for a hint: our id travels upstream as the external id; else the upstream id index. */
async function recordForHint(store: Store, accountId: string, hint: ChangeHint): Promise<InterviewRecord | undefined> {
  const matches = (r: InterviewRecord | undefined) => (r && r.accountId === accountId && r.upstreamId === hint.upstreamId ? r : undefined);
  if (hint.externalId) {
    let found: InterviewRecord | undefined;
    try {
      found = await store.get<InterviewRecord>(keys.interview(hint.externalId));
    } catch (err) {
      // Unreadable: no match here; the followers still get the hint (marking one is only a nudge).
      if (!isRecordError(err)) throw err;
    }
    const record = matches(found);
    if (record) return record;
  }
  const id = await store.get<string>(keys.byUpstreamId(accountId, hint.upstreamId));
  return id ? matches(await store.get<InterviewRecord>(keys.interview(id))) : undefined;
}

/**
 * Every bridge interview a hint concerns: the one found through the hint, and every other that follows the
 * same upstream interview (the same candidate sent the same template twice).
 */
export async function recordsForHint(store: Store, accountId: string, hint: ChangeHint): Promise<InterviewRecord[]> {
  const first = await recordForHint(store, accountId, hint);
  const followers = await followerRecords(store, accountId, hint.upstreamId);
  const all = first ? [first, ...followers.filter((r) => r.id !== first.id)] : followers;
  return all;
}

/** Marks an interview for reconciliation; durable, so a crash right after a webhook loses nothing. */
export async function markForReconcile(deps: Pick<ReconcileDeps, 'store'>, interviewId: string, at: Date): Promise<void> {
  await deps.store.zadd(keys.reconcileIndex, interviewId, at.getTime());
}

