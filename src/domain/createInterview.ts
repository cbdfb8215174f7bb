import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { AccountConfig, CallbackPolicy } from '../config/types.js';
import { HttpError } from '../http/errors.js';
import type { CreateInterviewBody } from '../http/validateCreate.js';
import type { Store } from '../store/types.js';
import { UpstreamError } from '../upstreams/types.js';
import type { Upstream, UpstreamTemplate } from '../upstreams/types.js';
import { callbackUrlProblem } from './callbackPolicy.js';
import { keys } from './keys.js';
import { withLock } from './lock.js';
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
  /** Longest an invitation may take upstream; the per-interview lock outlives it. */
  upstreamTimeoutMs: number;
}

/** 128 random bits: the id Workable gets back is opaque and unguessable. */
export const newInterviewId = (): string => randomBytes(16).toString('base64url');

/**
 * Creates (or finds) the interview for one Workable request. The same account + callback_url always
 * yields the same interview id and at most one upstream invitation:
 *  - the id is claimed atomically for the idempotency key before anything is sent;
 *  - the invite runs under a per-interview lock, so concurrent copies (any replica) wait and then see it done;
 *  - the id is the upstream's external id, so re-inviting after a timeout resolves to the existing invitation.
 */
export async function createInterview(
  deps: CreateDeps,
  account: AccountConfig,
  upstream: Upstream,
  body: CreateInterviewBody,
): Promise<{ id: string; created: boolean }> {
  const urlProblem = callbackUrlProblem(body.callback_url, deps.callbackPolicy);
  if (urlProblem) throw new HttpError(400, `Invalid field: callback_url ${urlProblem}`);

  const idemKey = keys.idempotency(account.id, body.callback_url);
  const candidateId = newInterviewId();
  const claimed = await deps.store.setIfAbsent(idemKey, candidateId);
  const id = claimed ? candidateId : await deps.store.getClaim(idemKey);
  if (!id) throw new Error('idempotency claim vanished');

  const existing = await deps.store.get<InterviewRecord>(keys.interview(id));
  if (existing?.phase === 'invited') return { id, created: false };

  const lockTtl = deps.upstreamTimeoutMs * 3 + 5000;
  return withLock(
    deps.store,
    `interview:${id}`,
    async () => {
      const current = await deps.store.get<InterviewRecord>(keys.interview(id));
      if (current?.phase === 'invited') return { id, created: false };
      const template = await findTemplate(deps, account, upstream, body.interview_template_id);
      const record = { ...draftRecord(deps, account, upstream, body, id, current), templateName: template.name };
      // Written before the upstream call: a crash or timeout after it leaves a record that the retry resumes.
      await deps.store.set(keys.interview(id), record);
      const result = await inviteUpstream(upstream, record, body.interview_template_id);
      const expiresAt = deps.expiresAtFor?.(account, record.createdAt);
      const invited: InterviewRecord = {
        ...record,
        phase: 'invited',
        ...(expiresAt ? { expiresAt } : {}),
        upstreamId: result.upstreamId,
        ...(result.candidateUrl ? { candidateUrl: result.candidateUrl } : {}),
        updatedAt: deps.now().toISOString(),
      };
      await deps.store.set(keys.byUpstreamId(account.id, result.upstreamId), id);
      await deps.store.set(keys.interview(id), invited);
      if (expiresAt) await deps.store.zadd(keys.expiryIndex, id, Date.parse(expiresAt));
      deps.logger.info(
        { interviewId: id, accountId: account.id, upstreamId: result.upstreamId, alreadyExisted: result.alreadyExisted, phoneDropped: Boolean(record.phoneNote) },
        'interview created',
      );
      return { id, created: !result.alreadyExisted };
    },
    { ttlMs: lockTtl, waitMs: lockTtl },
  );
}

async function findTemplate(deps: CreateDeps, account: AccountConfig, upstream: Upstream, templateId: string): Promise<UpstreamTemplate> {
  const cached = (await deps.templates.list(account, upstream)).find((t) => t.id === templateId);
  if (cached) return cached;
  // The cache may predate a template added a moment ago: ask once more before refusing.
  deps.templates.invalidate(account.id);
  const fresh = (await deps.templates.list(account, upstream)).find((t) => t.id === templateId);
  if (!fresh) throw new HttpError(400, `Invalid field: interview_template_id "${templateId}" is not a template of this account`);
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
    ...(body.preferences ? { preferences: body.preferences } : {}),
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
      throw new HttpError(400, `Invalid field: interview_template_id "${templateId}" is not a template of this account`);
    }
    throw err;
  }
}
