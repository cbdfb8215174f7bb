/** Small numeric helpers shared by the benchmark parts. */

/** The median of a non-empty list (mean of the middle two for an even count). */
export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Nearest-rank percentile (p in 0..100) of a list. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const s = Float64Array.from(values).sort();
  const rank = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[rank]!;
}

/** A number with a fixed count of decimals and thousands separators. */
export function fmt(n: number, decimals = 0): string {
  if (!Number.isFinite(n)) return 'n/a';
  return n.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** Bytes as B, KiB or MiB. */
export function fmtBytes(n: number): string {
  if (Math.abs(n) >= 1024 * 1024) return `${fmt(n / 1024 / 1024, 1)} MiB`;
  if (Math.abs(n) >= 1024) return `${fmt(n / 1024, 2)} KiB`;
  return `${fmt(n)} B`;
}

/** Runs fn `times` times and returns every result (sequentially: runs must not overlap on a 2-core box). */
export async function repeat<T>(times: number, fn: (round: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < times; i++) out.push(await fn(i));
  return out;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
