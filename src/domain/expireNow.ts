import type { Store } from '../store/types.js';
import { conflict, notFound } from './errors.js';
import { keys } from './keys.js';
import { withLock } from './lock.js';
import { interviewLock } from './outbox.js';
import type { InterviewRecord } from './types.js';

/**
 * Operator action: bring a pending interview's expiry deadline forward to now (a candidate who will never
 * answer, or a demo that cannot wait 30 days). Reconcile still reads the upstream first, so an interview the
 * candidate did finish becomes completed, not expired.
 */
export async function expireInterviewNow(deps: { store: Store; now(): Date }, id: string): Promise<{ interview_id: string; expires_at: string }> {
  return withLock(deps.store, interviewLock(id), async () => {
    const record = await deps.store.get<InterviewRecord>(keys.interview(id));
    if (!record || record.phase !== 'invited') throw notFound('Interview not found');
    if (record.current.status !== 'pending' || record.final) {
      throw conflict(`Interview is ${record.current.status}; only a pending interview can be expired`);
    }
    const now = deps.now();
    // One writeAll: a store failure answers 503 with nothing changed, and the operator's retry starts clean
    // (no record due now while its expiry index still says 30 days from now).
    await deps.store.writeAll([
      { op: 'set', key: keys.interview(id), value: { ...record, expiresAt: now.toISOString(), updatedAt: now.toISOString() } },
      { op: 'zadd', index: keys.expiryIndex, member: id, score: now.getTime() },
      { op: 'zadd', index: keys.reconcileIndex, member: id, score: now.getTime() },
    ]);
    return { interview_id: id, expires_at: now.toISOString() };
  });
}
