/**
 * Seconds as Workable's "hh:mm:ss". Hours are not wrapped at 24 (90061 s is "25:01:01"), because a day
 * counter would be lost in this format. Fractions are rounded; negative or non-finite input gives undefined.
 */
export function formatDuration(seconds?: number): string | undefined {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return undefined;
  const total = Math.round(seconds);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
}
