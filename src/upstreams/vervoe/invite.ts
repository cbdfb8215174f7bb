/**
 * Inviting: POST /integration/assessments/{slug}/invite. It e-mails the candidate, so a retry must not
 * send a second invitation. Vervoe has no external-id field; what it does document is its answer to a
 * repeated invitation: HTTP 400 `{success: false, errors: "The invitation has been already sent.", data:
 * {candidateAssessmentUuid, candidateUrl}}`. That answer resolves to the existing candidate assessment
 * (alreadyExisted), so a retried invite after a timeout lands on the invitation that was sent.
 *
 * Not documented, so not relied on: which fields make two invitations "the same" (we assume candidate
 * e-mail and assessment), and whether `reapply` would bypass it (never sent, so Vervoe's default false holds).
 */
import type { InviteInput, InviteResult } from '../types.js';
import type { Operation } from '../../outbound/http.js';
import { errorText, fail, type VervoeHttp } from './client.js';
import { objectAt, stringAt, type JsonObject } from './read.js';

const INVITING: Operation = { name: 'invite', doing: 'inviting a candidate' };

function result(data: JsonObject | undefined, alreadyExisted: boolean): InviteResult | undefined {
  const upstreamId = stringAt(data, 'candidateAssessmentUuid');
  if (upstreamId === undefined) return undefined;
  const out: InviteResult = { upstreamId, alreadyExisted };
  const candidateUrl = stringAt(data, 'candidateUrl');
  if (candidateUrl !== undefined) out.candidateUrl = candidateUrl;
  return out;
}

/** The request body, from the description's invite schema (candidateEmail and candidateFirstName required). */
export function inviteBody(input: InviteInput): JsonObject {
  const body: JsonObject = {
    candidateEmail: input.candidate.email,
    candidateFirstName: input.candidate.firstName,
    candidateLastName: input.candidate.lastName,
    // Explicit, though it is Vervoe's default: the platform sends the invitation, as Workable expects.
    sendInvitationEmail: true,
  };
  // Only a number, never sendInvitationSms: SMS depends on the Vervoe plan and fails the invite when unavailable.
  if (input.candidate.phone) body.candidatePhone = input.candidate.phone;
  return body;
}

/** Sends the invitation, or resolves Vervoe's "already invited" answer to the existing candidate assessment. */
export async function inviteCandidate(http: VervoeHttp, input: InviteInput): Promise<InviteResult> {
  const path = `/integration/assessments/${encodeURIComponent(input.templateId)}/invite`;
  const res = await http.send(INVITING, 'POST', path, { body: inviteBody(input) });
  const data = objectAt(res.body, 'data');
  if (res.status >= 200 && res.status < 300) {
    const ok = result(data, false);
    if (!ok) throw fail(INVITING, 'bad_response', 'Vervoe invited the candidate but sent no candidateAssessmentUuid');
    return ok;
  }
  if (res.status === 400) {
    // Any 400 that names a candidate assessment is the "already invited" answer; other 400s are refusals.
    const existing = result(data, true);
    if (existing) return existing;
    throw fail(INVITING, 'bad_response', `Vervoe refused the invitation: ${errorText(res.body) || 'HTTP 400'}`);
  }
  if (res.status === 404) throw fail(INVITING, 'not_found', `Vervoe has no assessment ${input.templateId}`);
  throw fail(INVITING, 'bad_response', `Vervoe answered HTTP ${res.status} while inviting a candidate`);
}
