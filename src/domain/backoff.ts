/**
 * Retry delays for outbound calls: capped exponential growth with "full jitter" (a uniform draw between 0
 * and the capped exponential), so that many entries failing at the same moment, e.g. during a Workable
 * outage, spread their retries out instead of returning in lockstep.
 */

/** Upper bound for any delay, including one a server asks for with Retry-After (a day). */
export const MAX_DELAY_MS = 24 * 60 * 60 * 1000;

/** Growth parameters: the first retry waits up to baseMs, the n-th up to min(maxMs, baseMs * 2^(n-1)). */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

/**
 * Delay before the next attempt, in whole milliseconds.
 *
 * @param attempt 1 for the first failed attempt, 2 for the second, ... (values below 1 count as 1)
 * @param random a source of uniform numbers in [0, 1), injectable so tests are deterministic
 * @param retryAfterMs what the server asked for; it wins when larger than the jittered delay, but is still
 *   capped at MAX_DELAY_MS so a hostile or buggy header cannot park an entry for months
 */
export function nextDelayMs(
  attempt: number,
  opts: BackoffOptions,
  random: () => number = Math.random,
  retryAfterMs?: number,
): number {
  const n = Number.isFinite(attempt) ? Math.max(1, Math.floor(attempt)) : 1;
  const cap = Math.min(Math.max(0, opts.maxMs), MAX_DELAY_MS);
  // 2 ** n overflows to Infinity for large n, which Math.min turns back into the cap.
  const ceiling = Math.min(cap, Math.max(0, opts.baseMs) * 2 ** (n - 1));
  const r = Math.min(Math.max(random(), 0), 1);
  const jittered = Math.floor(r * ceiling);
  if (retryAfterMs === undefined || !Number.isFinite(retryAfterMs) || retryAfterMs <= jittered) {
    return jittered;
  }
  return Math.min(Math.ceil(retryAfterMs), MAX_DELAY_MS);
}
