/**
 * Every store key the bridge writes, in one place, so the layout is visible and collision-free. Locks are
 * the one family built elsewhere: withLock (domain/lock.ts) claims `lock:<name>`, and every name it is given
 * is `interview:<id>` (outbox.ts, interviewLock).
 */
export const keys = {
  interview: (id: string) => `interview:${id}`,
  /** Only for upstreams that do not echo our id back (Upstream.echoesExternalId). */
  byUpstreamId: (accountId: string, upstreamId: string) => `up:${accountId}:${upstreamId}`,
  /** Sorted index of every bridge interview following one upstream interview (same candidate sent twice), by creation ms. */
  followers: (accountId: string, upstreamId: string) => `followers:${accountId}:${upstreamId}`,
  report: (reportId: string) => `report:${reportId}`,
  watermark: (accountId: string) => `watermark:${accountId}`,
  /** Sorted index of pending interviews by expiry deadline (ms). */
  expiryIndex: 'expiry:due',
  /** Sorted index of interviews that need reconciling, by when (ms). */
  reconcileIndex: 'reconcile:due',
  /** The interview's current outbox entry (the payload Workable has not accepted yet). */
  outbox: (id: string) => `outbox:${id}`,
  /** Sorted index of outbox entries by next attempt (ms). */
  outboxIndex: 'outbox:due',
  /** A payload Workable refused or that ran out of retries, waiting for an operator. */
  deadLetter: (id: string) => `deadletter:${id}`,
  /** Sorted index of dead letters by when they died (ms). */
  deadLetterIndex: 'deadletters',
  /** The last delivery attempts of one interview (capped). */
  attempts: (id: string) => `attempts:${id}`,
  /** The secret the interview ids are derived with, claimed once per store. */
  idKey: 'meta:interview-id-key',
  /** Claims that keep one job run at a time across replicas (withLease); every one starts `lease:`. */
  lease: {
    poll: (accountId: string) => `lease:poll:${accountId}`,
    reconcile: (id: string) => `lease:reconcile:${id}`,
    deliver: (id: string) => `lease:deliver:${id}`,
    retention: 'lease:retention',
  },
};
