/**
 * Turns the `interview(id)` GraphQL object into the bridge's UpstreamInterview. Timestamps arrive as epoch
 * milliseconds and leave as ISO strings; useful raw values are copied into `fields` by dotted path for the
 * mapping profile's details and summary.
 */
import type { UpstreamAnswer, UpstreamInterview } from '../types.js';
import { arrayAt, deadlineAt, epochToIso, isObject, numberAt, objectAt, stringAt, type JsonObject } from './read.js';
import { normaliseState } from './state.js';

function answers(raw: JsonObject): UpstreamAnswer[] {
  return arrayAt(raw, 'questions')
    .filter(isObject)
    .map((q) => {
      const answer = objectAt(q, 'answer');
      const out: UpstreamAnswer = { title: stringAt(q, 'title') ?? '' };
      const description = stringAt(q, 'description');
      const answerUrl = stringAt(answer, 'url');
      const transcript = stringAt(objectAt(answer, 'transcription'), 'text');
      if (description !== undefined) out.description = description;
      if (answerUrl !== undefined) out.answerUrl = answerUrl;
      if (transcript !== undefined) out.transcript = transcript;
      return out;
    });
}

/** Candidate names: prefer the split fields, fall back to splitting `name` at the first space. */
function candidate(raw: JsonObject): UpstreamInterview['candidate'] {
  const c = objectAt(raw, 'candidate');
  const full = stringAt(c, 'name') ?? '';
  const space = full.indexOf(' ');
  const firstName = stringAt(c, 'firstName') ?? (space > 0 ? full.slice(0, space) : full);
  const lastName = stringAt(c, 'lastName') ?? (space > 0 ? full.slice(space + 1) : '');
  const out: UpstreamInterview['candidate'] = { firstName, lastName, email: stringAt(c, 'email') ?? '' };
  const phone = stringAt(c, 'phone');
  if (phone !== undefined) out.phone = phone;
  return out;
}

function setIfDefined(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined && value !== null) target[key] = value;
}

/**
 * Maps one interview object. Returns null for a null/absent interview (Hireflix no longer has it) and
 * throws a plain Error when the object has no id, which the adapter reports as 'bad_response'.
 */
export function toUpstreamInterview(raw: unknown): UpstreamInterview | null {
  if (raw === null || raw === undefined) return null;
  const id = stringAt(raw, 'id');
  if (!isObject(raw) || id === undefined) throw new Error('interview has no id');

  const position = objectAt(raw, 'position');
  const url = objectAt(raw, 'url');
  const scoreValue = numberAt(objectAt(raw, 'score'), 'value') ?? numberAt(raw, 'score') ?? null;
  const createdAt = epochToIso(raw.createdAt);
  const updatedAt = epochToIso(raw.updatedAt);
  const completedAt = epochToIso(raw.completed);
  const discardedAt = epochToIso(raw.discardedAt);
  const expiresAt = deadlineAt(raw);
  const cand = candidate(raw);
  const list = answers(raw);

  const fields: Record<string, unknown> = {};
  setIfDefined(fields, 'interview.id', id);
  setIfDefined(fields, 'interview.status', stringAt(raw, 'status'));
  setIfDefined(fields, 'interview.url', stringAt(url, 'public'));
  setIfDefined(fields, 'interview.shortUrl', stringAt(url, 'short'));
  setIfDefined(fields, 'externalId', stringAt(raw, 'externalId'));
  setIfDefined(fields, 'position.id', stringAt(position, 'id'));
  setIfDefined(fields, 'position.name', stringAt(position, 'name'));
  setIfDefined(fields, 'candidate.name', stringAt(objectAt(raw, 'candidate'), 'name') ?? `${cand.firstName} ${cand.lastName}`.trim());
  setIfDefined(fields, 'candidate.firstName', cand.firstName);
  setIfDefined(fields, 'candidate.lastName', cand.lastName);
  setIfDefined(fields, 'candidate.email', cand.email);
  setIfDefined(fields, 'candidate.phone', cand.phone);
  setIfDefined(fields, 'score', scoreValue);
  setIfDefined(fields, 'createdAt', createdAt);
  setIfDefined(fields, 'updatedAt', updatedAt);
  setIfDefined(fields, 'completedAt', completedAt);
  setIfDefined(fields, 'discardedAt', discardedAt);
  setIfDefined(fields, 'expiresAt', expiresAt);
  fields['answers.total'] = list.length;
  fields['answers.answered'] = list.filter((a) => a.answerUrl !== undefined).length;

  const out: UpstreamInterview = {
    upstreamId: id,
    externalId: stringAt(raw, 'externalId') ?? null,
    templateId: stringAt(position, 'id') ?? '',
    state: normaliseState(raw),
    score: scoreValue,
    candidate: cand,
    answers: list,
    fields,
  };
  const templateName = stringAt(position, 'name');
  if (templateName !== undefined) out.templateName = templateName;
  if (createdAt !== undefined) out.createdAt = createdAt;
  if (completedAt !== undefined) out.completedAt = completedAt;
  if (expiresAt !== undefined) out.expiresAt = expiresAt;
  // durationSeconds stays undefined: Hireflix exposes no answer or interview duration that we know of.
  return out;
}
