/** Every store key the bridge writes, in one place, so the layout is visible and collision-free. */
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
};
