/**
 * Vervoe's "candidate report object" (GET /integration/user-assessments/{uuid}, the list endpoint's items,
 * the reject/hire answers and the webhook body) as the bridge's UpstreamInterview.
 *
 * What the report does not carry: the candidate's name and e-mail, the assessment slug, the questions and
 * answers. The core takes the candidate and template name from its own record, so those stay empty here.
 */
import type { SkillScore, UpstreamInterview } from '../types.js';
import { arrayAt, isObject, isoTime, numeric, objectAt, stringAt, type JsonObject } from './read.js';

/**
 * Statuses the description names: complete, incomplete, expired, hired, rejected, and "in progress" (single
 * report) or "in_progress" (list and its filter). The unhire example also shows "completed".
 */
export const VERVOE_STATES = ['incomplete', 'in_progress', 'complete', 'completed', 'expired', 'hired', 'rejected'] as const;

/** Lower case, spaces and hyphens as underscores: "in progress" and "in_progress" read the same. */
export function normaliseStatus(status: string): string {
  return status.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

/**
 * The score in percent. Vervoe's `score.score` is the overall score (its examples show 0 to 100, matching
 * scoreByFormat's "% Overall"); when absent, a numeric `scoreByFormat` is the overall percentage. Group
 * lists and custom texts are not an overall score, so they only appear in `fields`.
 */
export function pickScore(score: unknown): number | null {
  if (!isObject(score)) return null;
  return numeric(score.score) ?? numeric(score.scoreByFormat) ?? null;
}

/**
 * The skill groups of `scoreByFormat` (a list, or one group as an object): `scorePercentage` for each, or,
 * for a group set to custom text (scoreType 2), that text. Groups without a name or a result are left out.
 */
function skillGroups(byFormat: unknown): SkillScore[] {
  const groups = Array.isArray(byFormat) ? byFormat : isObject(byFormat) ? [byFormat] : [];
  return groups.filter(isObject).flatMap((g): SkillScore[] => {
    const name = stringAt(g, 'groupName');
    if (name === undefined) return [];
    // The schema spells it ScoreType, its example scoreType.
    const type = numeric(g.scoreType) ?? numeric(g.ScoreType);
    const percent = numeric(g.scorePercentage);
    if (type === 2) {
      const text = stringAt(g, 'resultWithAdditionalText') ?? stringAt(g, 'result');
      return text === undefined ? [] : [{ name, text }];
    }
    if (percent !== undefined) return [{ name, percent }];
    const result = stringAt(g, 'result');
    return result === undefined ? [] : [{ name, text: result }];
  });
}

/** "Group: 60%" per skill group (or the group's text), as the details show them. */
function groupLines(groups: SkillScore[]): string[] {
  return groups.map((g) => `${g.name}: ${g.percent !== undefined ? `${g.percent}%` : g.text ?? ''}`);
}

/** Seconds from texts like "2 minutes 19 seconds" or "1 hour 5 minutes"; undefined when none are found. */
export function parseDurationText(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const unit: Record<string, number> = { day: 86400, hour: 3600, minute: 60, second: 1 };
  let total = 0;
  let found = false;
  for (const m of text.toLowerCase().matchAll(/(\d+)\s*(day|hour|minute|second)s?/g)) {
    total += Number(m[1]) * (unit[m[2] ?? ''] ?? 0);
    found = true;
  }
  return found ? total : undefined;
}

function put(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined && value !== null) target[key] = value;
}

/** The candidate card URL: `integrationCandidateCardUrl`, or `integrationCandidateUrl` as the reject answer names it. */
export function cardUrlOf(report: unknown): string | undefined {
  return stringAt(report, 'integrationCandidateCardUrl') ?? stringAt(report, 'integrationCandidateUrl');
}

/** Maps one report; throws a plain Error when it lacks the uuid or status (the adapter reports bad_response). */
export function toUpstreamInterview(report: JsonObject): UpstreamInterview {
  const id = stringAt(report, 'candidateAssessmentUuid');
  const status = stringAt(report, 'status');
  if (id === undefined || status === undefined) throw new Error('report lacks candidateAssessmentUuid or status');
  const score = objectAt(report, 'score');
  const byFormat = score?.scoreByFormat;
  const startedAt = isoTime(report.startedAt);
  const completedAt = isoTime(report.completedAt);
  const timeTaken = stringAt(report, 'timeTaken');
  const submitTime = stringAt(report, 'submitTime');
  const skills = skillGroups(byFormat);
  const groups = groupLines(skills);

  const fields: Record<string, unknown> = {};
  put(fields, 'candidateAssessmentUuid', id);
  put(fields, 'status', status);
  put(fields, 'candidateCardUrl', cardUrlOf(report));
  put(fields, 'score.type', stringAt(score, 'type'));
  put(fields, 'score.overall', numeric(score?.score));
  put(fields, 'score.text', typeof byFormat === 'string' ? byFormat : undefined);
  if (groups.length > 0) fields['score.groups'] = groups;
  put(fields, 'startedAt', startedAt);
  put(fields, 'completedAt', completedAt);
  put(fields, 'timeTaken', timeTaken);
  put(fields, 'submitTime', submitTime);

  const out: UpstreamInterview = {
    upstreamId: id,
    // Vervoe has no external id: the bridge finds its interview by the candidate assessment uuid.
    externalId: null,
    templateId: '',
    state: normaliseStatus(status),
    score: pickScore(score),
    candidate: { firstName: '', lastName: '', email: '' },
    answers: [],
    fields,
  };
  if (skills.length > 0) out.skills = skills;
  if (startedAt !== undefined) out.startedAt = startedAt;
  if (completedAt !== undefined) out.completedAt = completedAt;
  const duration = parseDurationText(timeTaken);
  if (duration !== undefined) out.durationSeconds = duration;
  return out;
}

/** A compact fingerprint of what the bridge maps: a listed item whose fingerprint is unchanged needs no look. */
export function fingerprint(report: unknown): string {
  const score = objectAt(report, 'score');
  return [stringAt(report, 'status') ?? '', stringAt(report, 'completedAt') ?? '', String(pickScore(score)), stringAt(score, 'type') ?? '', JSON.stringify(arrayAt(score, 'scoreByFormat'))].join('|');
}
