import type { MappingProfile } from '../../config/mappingSchema.js';
import type { WorkableGrade } from '../../workable/payload.js';

/**
 * The upstream score as Workable's percentage string: round(score / max * 100) to `score.decimals`.
 * Dividing by max (not rescaling from min) keeps the reading natural: Hireflix's 0.5 stars is 10%, 5 is 100%.
 * A value outside [min, max] is clamped to it, so a stray upstream value can never produce "120" or "-5";
 * null (not scored) and non-numbers give undefined.
 */
export function toPercent(profile: MappingProfile, raw: number | null | undefined): string | undefined {
  if (raw === null || raw === undefined || !Number.isFinite(raw)) return undefined;
  const { min, max, decimals } = profile.score;
  const clamped = Math.min(max, Math.max(min, raw));
  const factor = 10 ** decimals;
  // Rounding the scaled integer avoids toFixed's binary surprises (e.g. 1.005 -> "1.00").
  const rounded = Math.round((clamped / max) * 100 * factor) / factor;
  return rounded.toFixed(decimals);
}

/**
 * Grade from the percentage Workable is sent (so the two always agree): excelled at or above
 * `grade.excelled_from`, passed at or above `grade.passed_from`, failed below; no score, no grade.
 */
export function toGrade(profile: MappingProfile, percent?: string): WorkableGrade | undefined {
  if (percent === undefined || percent.trim() === '') return undefined;
  const value = Number(percent);
  if (!Number.isFinite(value)) return undefined;
  if (value >= profile.grade.excelledFrom) return 'excelled';
  if (value >= profile.grade.passedFrom) return 'passed';
  return 'failed';
}
