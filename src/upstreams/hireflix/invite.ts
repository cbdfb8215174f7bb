/**
 * Inviting is the one non-idempotent Hireflix call: it emails the candidate. A retry after a timeout must
 * not send a second email, so Hireflix's "already exists" answers are resolved to the existing interview.
 */
import { UpstreamError, type InviteInput, type InviteResult } from '../types.js';
import type { Operation } from '../../outbound/http.js';
import { HIREFLIX, type GraphqlTransport } from './client.js';
import { requestInterviewList } from './interviewList.js';
import { INVITE } from './queries.js';
import { arrayAt, deadlineAt, isObject, objectAt, stringAt, type JsonObject } from './read.js';

const INVITING: Operation = { name: 'invite', doing: 'inviting a candidate' };
const LOOKING_UP: Operation = { name: 'invite', doing: 'looking up an existing interview' };
/** Bound on the unfiltered walk for an external id; a retry matches one of the newest interviews. */
const MAX_LOOKUP_PAGES = 10;
const LOOKUP_PAGE_SIZE = 50;

function error(failure: 'quota' | 'not_found' | 'bad_response', message: string): UpstreamError {
  return new UpstreamError(HIREFLIX, INVITING.name, failure, message);
}

function unionMessage(node: JsonObject, alias: string, fallback: string): string {
  const fieldErrors = arrayAt(node, 'fieldErrors')
    .filter(isObject)
    .map((f) => [stringAt(f, 'flattenedPath'), stringAt(f, 'message')].filter(Boolean).join(': '))
    .filter((s) => s.length > 0);
  const base = stringAt(node, alias) ?? fallback;
  return fieldErrors.length > 0 ? `${base} (${fieldErrors.join('; ')})` : base;
}

function toResult(node: JsonObject, alreadyExisted: boolean): InviteResult {
  const url = objectAt(node, 'url');
  const candidateUrl = stringAt(url, 'public') ?? stringAt(url, 'short');
  const result: InviteResult = { upstreamId: stringAt(node, 'id') ?? '', alreadyExisted };
  if (candidateUrl !== undefined) result.candidateUrl = candidateUrl;
  const expiresAt = deadlineAt(node);
  if (expiresAt !== undefined) result.expiresAt = expiresAt;
  return result;
}

/** One page of the position's interviews, newest first; `filter.email.equal` narrows to one candidate. */
async function findPage(
  gql: GraphqlTransport,
  positionId: string,
  lastCursor: string | null,
  filter: { email: { equal: string } } | null,
): Promise<{ results: JsonObject[]; lastCursor: string | null }> {
  const variables: JsonObject = { positionId, limit: LOOKUP_PAGE_SIZE, lastCursor };
  if (filter) variables.email = filter.email.equal;
  const data = await requestInterviewList(gql, LOOKING_UP, filter ? 'findByEmail' : 'list', variables);
  const list = objectAt(objectAt(data, 'position'), 'interviewList');
  return { results: arrayAt(list, 'results').filter(isObject), lastCursor: stringAt(list, 'lastCursor') ?? null };
}

/**
 * Finds the interview Hireflix says already exists: first by the candidate's email (a documented filter),
 * preferring the one carrying our external id; then, for an external-id clash with another email, by
 * walking the position's newest interviews. Same email with another external id resolves to that
 * interview too, since Hireflix allows only one interview per email and position.
 */
async function findExisting(gql: GraphqlTransport, input: InviteInput, byExternalId: boolean): Promise<JsonObject | undefined> {
  const email = input.candidate.email;
  const byEmail = await findPage(gql, input.templateId, null, { email: { equal: email } });
  const exact = byEmail.results.find((r) => stringAt(r, 'externalId') === input.externalId);
  if (exact) return exact;
  if (!byExternalId) {
    return byEmail.results.find((r) => stringAt(objectAt(r, 'candidate'), 'email')?.toLowerCase() === email.toLowerCase());
  }
  let cursor: string | null = null;
  for (let page = 0; page < MAX_LOOKUP_PAGES; page++) {
    const next = await findPage(gql, input.templateId, cursor, null);
    const hit = next.results.find((r) => stringAt(r, 'externalId') === input.externalId);
    if (hit) return hit;
    if (next.results.length === 0) return undefined;
    cursor = next.lastCursor;
  }
  return undefined;
}

/** Sends the invitation, or resolves an "already exists" answer to the existing interview. */
export async function inviteCandidate(gql: GraphqlTransport, input: InviteInput): Promise<InviteResult> {
  const candidate: JsonObject = {
    email: input.candidate.email,
    firstName: input.candidate.firstName,
    lastName: input.candidate.lastName,
  };
  if (input.candidate.phone) candidate.phone = input.candidate.phone;
  const data = await gql.request(INVITING, INVITE, {
    input: { positionId: input.templateId, externalId: input.externalId, candidate },
  });
  const node = objectAt(data, 'inviteCandidateToInterview');
  const typename = stringAt(node, '__typename');
  if (!node || typename === undefined) throw error('bad_response', 'Hireflix sent an unreadable answer while inviting a candidate');

  switch (typename) {
    case 'InterviewType':
      if (stringAt(node, 'id') === undefined) throw error('bad_response', 'Hireflix invited the candidate but sent no interview id');
      return toResult(node, false);
    case 'InterviewAlreadyExistsInPositionError':
    case 'InterviewExternalIdAlreadyExistsInPositionError': {
      const existing = await findExisting(gql, input, typename === 'InterviewExternalIdAlreadyExistsInPositionError');
      if (!existing || stringAt(existing, 'id') === undefined) {
        throw error('bad_response', `Hireflix says the interview already exists (${typename}) but it could not be found in position ${input.templateId}`);
      }
      return toResult(existing, true);
    }
    case 'ExceededInvitesThisPeriodError':
      throw error('quota', `Hireflix refused the invitation: ${unionMessage(node, 'quotaMessage', 'invitation quota for this period exceeded')}`);
    case 'PositionNotFoundError':
      throw error('not_found', `Hireflix has no position ${input.templateId}: ${unionMessage(node, 'notFoundMessage', 'position not found')}`);
    default: {
      const alias = typename === 'ValidationError' ? 'validationMessage' : 'notReadyMessage';
      throw error('bad_response', `Hireflix refused the invitation (${typename}): ${unionMessage(node, alias, 'no message')}`);
    }
  }
}
