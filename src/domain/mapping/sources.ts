import type { MappingProfile } from '../../config/mappingSchema.js';
import type { InterviewRecord } from '../types.js';
import type { UpstreamInterview } from '../../upstreams/types.js';
import { formatDuration } from './duration.js';
import { toGrade, toPercent } from './score.js';

/** What a profile's summary and details read from: the upstream's view (null when deleted) and our record. */
export interface SourceContext {
  snapshot: UpstreamInterview | null;
  record: Pick<InterviewRecord, 'jobTitle' | 'templateName' | 'candidate' | 'createdAt'>;
}

/** Sources whose value is a point in time: rendered as ISO 8601 wherever they appear. */
const DATE_SOURCES = new Set(['created_at', 'started_at', 'completed_at']);

/**
 * The raw value of one source path (see SOURCE_PATHS), or undefined when it is not known.
 * The candidate and job come from our record (what Workable sent); timings, score and answers from the upstream.
 */
export function resolveSource(profile: MappingProfile, ctx: SourceContext, path: string): unknown {
  const { snapshot, record } = ctx;
  if (path.startsWith('fields.')) return snapshot ? readField(snapshot.fields, path.slice('fields.'.length)) : undefined;
  const value = readKnown(profile, snapshot, record, path);
  return DATE_SOURCES.has(path) ? toIsoDate(value) : value;
}

function readKnown(
  profile: MappingProfile,
  snapshot: UpstreamInterview | null,
  record: SourceContext['record'],
  path: string,
): unknown {
  const percent = toPercent(profile, snapshot?.score ?? null);
  switch (path) {
    case 'candidate.first_name': return record.candidate.firstName;
    case 'candidate.last_name': return record.candidate.lastName;
    case 'candidate.name': return `${record.candidate.firstName} ${record.candidate.lastName}`.trim();
    case 'candidate.email': return record.candidate.email;
    case 'candidate.phone': return record.candidate.phone;
    case 'template.id': return snapshot?.templateId;
    case 'template.name': return snapshot?.templateName ?? record.templateName;
    case 'job.title': return record.jobTitle;
    case 'upstream.state': return snapshot?.state;
    case 'created_at': return snapshot?.createdAt ?? record.createdAt;
    case 'started_at': return snapshot?.startedAt;
    case 'completed_at': return snapshot?.completedAt;
    case 'score.raw': return snapshot?.score ?? undefined;
    case 'score.percent': return percent;
    case 'score.grade': return toGrade(profile, percent);
    case 'duration': return formatDuration(snapshot?.durationSeconds);
    case 'answers.count': return snapshot?.answers.length;
    case 'answers.answered': return snapshot?.answers.filter((a) => a.answerUrl || a.transcript).length;
    default: return undefined;
  }
}

/**
 * Reads `fields` by dotted path. Adapters may store either flat dotted keys ("interview.url") or nested
 * objects; the longest flat key that matches a prefix wins, then the rest is walked as nested objects.
 */
function readField(fields: Record<string, unknown>, dotted: string): unknown {
  const parts = dotted.split('.');
  for (let i = parts.length; i > 0; i--) {
    const key = parts.slice(0, i).join('.');
    if (Object.hasOwn(fields, key)) return walk(fields[key], parts.slice(i));
  }
  return undefined;
}

function walk(value: unknown, rest: string[]): unknown {
  let current = value;
  for (const part of rest) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** A parseable time (ISO string, Date or epoch milliseconds) as ISO 8601; anything else unchanged. */
function toIsoDate(value: unknown): unknown {
  const time = value instanceof Date ? value.getTime()
    : typeof value === 'number' ? value
      : typeof value === 'string' && value.trim() !== '' ? (/^\d+$/.test(value) ? Number(value) : Date.parse(value))
        : Number.NaN;
  return Number.isFinite(time) ? new Date(time).toISOString() : value;
}
