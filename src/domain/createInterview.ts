import type { Logger } from 'pino';
import type { AccountConfig, CallbackPolicy } from '../config/types.js';
import type { Store, StoreWrite } from '../store/types.js';
import { UpstreamError } from '../upstreams/types.js';
import type { Upstream, UpstreamTemplate } from '../upstreams/types.js';
import type { CreateInterviewBody } from '../workable/createBody.js';
import { callbackUrlProblem } from './callbackPolicy.js';
import { invalid } from './errors.js';
import type { InterviewIds } from './interviewIds.js';
import { keys } from './keys.js';
import { withLockedRecord } from './lock.js';
import { normalisePhone } from './phone.js';
import type { TemplateCache } from './templates.js';
import type { InterviewRecord } from './types.js';

export interface CreateDeps {
  store: Store;
  templates: TemplateCache;
  callbackPolicy: CallbackPolicy;
  logger: Logger;
  now: () => Date;
  /** When a pending interview of this account expires (from its mapping profile); undefined: never. */
  expiresAtFor?: (account: AccountConfig, createdAt: string) => string | undefined;
  /** Derives the interview id from account + callback_url. */
  ids: InterviewIds;
  /** Longest an invitation may take upstream; the per-interview lock outlives it. */
  upstreamTimeoutMs: number;
  /** Tells the reconcile worker there is an interview to look at now (in-process nudge). */
  onMarked?: () => void;
}

/**
 * Creates (or finds) the interview for one Workable request. The same account + callback_url always
 * yields the same interview id (derived, see InterviewIds) and at most one upstream invitation:
 *  - a repeat of a finished request costs a lock and one read;
 *  - the invite runs under a per-interview lock, so concurrent copies (any replica) wait and then see it done;
 *  - the id is the upstream's external id, so re-inviting after a timeout or a crash resolves to the
 *    existing invitation instead of sending a second one.
 */
export async function createInterview(
  deps: CreateDeps,
  account: AccountConfig,
  upstream: Upstream,
  body: CreateInterviewBody,
): Promise<{ id: string; created: boolean }> {
  const urlProblem = callbackUrlProblem(body.callback_url, deps.callbackPolicy);
  if (urlProblem) throw invalid(`Invalid field: callback_url ${urlProblem}`);

  const id = await deps.ids.idFor(account.id, body.callback_url);
  const lockTtl = deps.upstreamTimeoutMs * 3 + 5000;
  const outcome = await withLockedRecord<InterviewRecord, Outcome>(
    deps.store,
    `interview:${id}`,
    keys.interview(id),
    async (current) => {
      // A repeat of a finished request, or another copy that finished while this one waited for the lock.
      if (current?.phase === 'invited') return { result: { created: false }, writes: [] };
      const template = await findTemplate(deps, account, upstream, body.interview_template_id);
      const record = { ...draftRecord(deps, account, upstream, body, id, current), templateName: template.name };
      const result = await inviteUpstream(upstream, record, body.interview_template_id);
      // The upstream's own deadline (the interview's, else its template's) wins; the profile's is the fallback.
      const upstreamExpiresAt = result.expiresAt ?? template.expiresAt;
      const expiresAt = upstreamExpiresAt ?? deps.expiresAtFor?.(account, record.createdAt);
      const invited: InterviewRecord = {
        ...record,
        phase: 'invited',
        upstreamId: result.upstreamId,
        ...(expiresAt ? { expiresAt } : {}),
        ...(upstreamExpiresAt ? { upstreamExpiresAt } : {}),
        ...(result.candidateUrl ? { candidateUrl: result.candidateUrl } : {}),
      };
      const writes: StoreWrite[] = [
        { op: 'set', key: keys.interview(id), value: invited },
        // Every bridge interview following this upstream interview (the same candidate sent it twice).
        { op: 'zadd', index: keys.followers(account.id, result.upstreamId), member: id, score: Date.parse(record.createdAt) },
      ];
      // Upstreams that echo our id in webhooks and listings need no index from their id to ours.
      if (!upstream.echoesExternalId) writes.push({ op: 'set', key: keys.byUpstreamId(account.id, result.upstreamId), value: id });
      if (expiresAt) writes.push({ op: 'zadd', index: keys.expiryIndex, member: id, score: Date.parse(expiresAt) });
      // An interview that already existed upstream may be finished already (a re-send after completion):
      // reconcile it at once, so this callback_url gets the result too.
      if (result.alreadyExisted) writes.push({ op: 'zadd', index: keys.reconcileIndex, member: id, score: deps.now().getTime() });
      return { result: { created: !result.alreadyExisted, invited: { upstreamId: result.upstreamId, alreadyExisted: result.alreadyExisted, phoneDropped: Boolean(record.phoneNote) } }, writes };
    },
    // The record written inside is what later copies read, so a release on its own need not hold up the answer.
    { ttlMs: lockTtl, waitMs: lockTtl, releaseInBackground: true },
  );
  const invited = outcome.invited;
  if (invited) {
    // After the writes: a nudge or a line about an interview never comes before it is stored.
    if (invited.alreadyExisted) deps.onMarked?.();
    deps.logger.info({ interviewId: id, accountId: account.id, ...invited }, 'interview created');
  }
  return { id, created: outcome.created };
}

/** What the locked section did: found the interview done, or invited (or found) it upstream just now. */
interface Outcome {
  created: boolean;
  invited?: { upstreamId: string; alreadyExisted: boolean; phoneDropped: boolean };
}

async function findTemplate(deps: CreateDeps, account: AccountConfig, upstream: Upstream, templateId: string): Promise<UpstreamTemplate> {
  const cached = (await deps.templates.list(account, upstream)).find((t) => t.id === templateId);
  if (cached) return cached;
  // The cache may predate a template added a moment ago: ask once more before refusing.
  deps.templates.invalidate(account.id);
  const fresh = (await deps.templates.list(account, upstream)).find((t) => t.id === templateId);
  if (!fresh) throw invalid(`Invalid field: interview_template_id "${templateId}" is not a template of this account`);
  return fresh;
}

function draftRecord(
  deps: CreateDeps,
  account: AccountConfig,
  upstream: Upstream,
  body: CreateInterviewBody,
  id: string,
  previous: InterviewRecord | undefined,
): InterviewRecord {
  const now = deps.now().toISOString();
  const { phone, note } = normalisePhone(body.candidate.phone, account.defaultCountry);
  return {
    id,
    accountId: account.id,
    upstream: upstream.kind,
    upstreamId: null,
    templateId: body.interview_template_id,
    ...(body.job_id !== undefined ? { jobId: body.job_id } : {}),
    jobTitle: body.job_title,
    callbackUrl: body.callback_url,
    candidate: {
      firstName: body.candidate.first_name,
      lastName: body.candidate.last_name,
      email: body.candidate.email,
      ...(phone ? { phone } : {}),
    },
    ...(note ? { phoneNote: note } : {}),
    // preferences are validated (bounded) but not kept: nothing reads them, and less candidate data is safer.
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
    phase: 'inviting',
    current: { status: 'pending' },
  };
}

async function inviteUpstream(upstream: Upstream, record: InterviewRecord, templateId: string) {
  try {
    return await upstream.invite({ templateId, externalId: record.id, candidate: record.candidate, jobTitle: record.jobTitle });
  } catch (err) {
    if (err instanceof UpstreamError && err.failure === 'not_found') {
      throw invalid(`Invalid field: interview_template_id "${templateId}" is not a template of this account`);
    }
    throw err;
  }
}
