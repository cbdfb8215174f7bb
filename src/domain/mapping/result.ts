import { createHash } from 'node:crypto';
import type { MappingProfile } from '../../config/mappingSchema.js';
import type { WorkableResult, WorkableStatus } from '../../workable/payload.js';
import { buildDetails } from './details.js';
import { formatDuration } from './duration.js';
import { toGrade, toPercent } from './score.js';
import { resolveSource, type SourceContext } from './sources.js';
import { renderSummary } from './summary.js';

/** Thrown when a completed result is built without results_url, which Workable requires for completed. */
export class MissingResultsUrlError extends Error {
  constructor() {
    super('a completed result needs results_url');
    this.name = 'MissingResultsUrlError';
  }
}

export interface ResultInput extends SourceContext {
  status: WorkableStatus;
  resultsUrl?: string;
  /** Public URL of the rendered PDF report, when one exists. */
  reportUrl?: string;
}

/**
 * Workable's payload for `input.status`. Only completed carries results: every other status is `{status}`
 * alone, since the contract needs nothing more and a smaller payload changes (and is re-delivered) less often.
 * Optional keys are omitted rather than null. Throws MissingResultsUrlError for completed without resultsUrl.
 */
export function buildResult(profile: MappingProfile, input: ResultInput): WorkableResult {
  if (input.status !== 'completed') return { status: input.status };
  if (!input.resultsUrl) throw new MissingResultsUrlError();

  const score = toPercent(profile, input.snapshot?.score ?? null);
  const interview = dropUndefined({
    score,
    grade: toGrade(profile, score),
    summary: renderSummary(profile, input),
    details: buildDetails(profile, input),
    duration: formatDuration(input.snapshot?.durationSeconds),
  });
  const result: WorkableResult = { status: 'completed', results_url: input.resultsUrl };
  if (Object.keys(interview).length) result.interview = interview;
  if (input.reportUrl) result.attachments = [{ description: profile.report.description, url: input.reportUrl }];
  return result;
}

/**
 * The results URL a profile with `results_url.source: field` reads from the snapshot; undefined for the
 * share_link source (the caller asks the upstream for a share link) or when the field is not a URL.
 */
export function resultsUrlFromField(profile: MappingProfile, ctx: SourceContext): string | undefined {
  if (profile.resultsUrl.source !== 'field') return undefined;
  const value = resolveSource(profile, ctx, profile.resultsUrl.field);
  return typeof value === 'string' && /^https?:\/\//i.test(value) ? value : undefined;
}

/** sha256 (hex) of the result as JSON with keys sorted at every level: equal payloads hash equally. */
export function resultHash(result: WorkableResult): string {
  return createHash('sha256').update(canonicalJson(result)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined)) as Partial<T>;
}
