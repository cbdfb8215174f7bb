import { keys } from '../domain/keys.js';
import type { Store } from '../store/types.js';
import { markForReconcile } from '../domain/hints.js';

/**
 * Hands every pending interview whose deadline has passed to reconciliation, which reads the upstream
 * first: one finished at the last minute is completed, not expired.
 */
export async function expireOverdue(deps: { store: Store; now(): Date }, batchSize = 1000): Promise<{ marked: number }> {
  const now = deps.now();
  const due = await deps.store.zrangeByScore(keys.expiryIndex, now.getTime(), batchSize);
  for (const { member } of due) await markForReconcile(deps, member, now);
  return { marked: due.length };
}
