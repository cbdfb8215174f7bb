import { createHash } from 'node:crypto';

/** Every store key the bridge writes, in one place, so the layout is visible and collision-free. */
export const keys = {
  interview: (id: string) => `interview:${id}`,
  /** Workable retries POST /interviews; account + callback_url identifies "the same interview". */
  idempotency: (accountId: string, callbackUrl: string) =>
    `idem:${accountId}:${createHash('sha256').update(callbackUrl, 'utf8').digest('base64url')}`,
  byUpstreamId: (accountId: string, upstreamId: string) => `up:${accountId}:${upstreamId}`,
  report: (reportId: string) => `report:${reportId}`,
  watermark: (accountId: string) => `watermark:${accountId}`,
  /** Sorted index of pending interviews by expiry deadline (ms). */
  expiryIndex: 'expiry:due',
  /** Sorted index of interviews that need reconciling, by when (ms). */
  reconcileIndex: 'reconcile:due',
};
