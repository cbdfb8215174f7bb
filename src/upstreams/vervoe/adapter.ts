/**
 * The Vervoe implementation of the Upstream contract, from Vervoe's published API description (v1.8):
 * assessments are the templates (id = slug), a candidate assessment (candidateAssessmentUuid) is the
 * interview, and its report is what the mapping profile reads.
 */
import type { ChangeHint, Upstream, UpstreamTemplate } from '../types.js';
import { SeenReports, listChanges } from './changes.js';
import type { Operation } from '../../outbound/http.js';
import { VERVOE, createVervoeHttp, dataOf, fail, type VervoeHttp } from './client.js';
import { inviteCandidate } from './invite.js';
import { arrayAt, isObject, numeric, objectAt, stringAt, type JsonObject } from './read.js';
import { cardUrlOf, toUpstreamInterview } from './mapping.js';
import { DEFAULT_TOLERANCE_SECONDS, parseVervoeWebhook, verifyVervoeSignature } from './webhook.js';

export const DEFAULT_VERVOE_BASE_URL = 'https://api.vervoe.com/api';

export interface VervoeUpstreamOptions {
  /** API root; default https://api.vervoe.com/api. */
  baseUrl?: string;
  apiKey: string;
  secretKey: string;
  /** Webhook signing secret (Vervoe dashboard, API webhook settings). Without it every webhook is refused. */
  webhookSecret?: string;
  /** Allowed distance between a webhook's `t=` and now; default 300 s. */
  webhookToleranceSeconds?: number;
  timeoutMs: number;
  userAgent?: string;
  /** Pages per status read each poll for changes other than completions; default 1. */
  recentPages?: number;
  /** Clock in epoch ms (token life, webhook tolerance); for tests. */
  now?: () => number;
}

const OPS = {
  assessments: { name: 'listTemplates', doing: 'listing assessments' },
  report: { name: 'getInterview', doing: 'reading a candidate assessment report' },
  share: { name: 'shareLink', doing: 'reading a candidate card link' },
} satisfies Record<string, Operation>;
/** Safety stop for an assessment listing whose pages never end. */
const MAX_ASSESSMENT_PAGES = 100;

/**
 * Every private assessment, page by page. The description shows this answer as `{count, total,
 * hasMorePages, currentPage, items}` without the `{success, data}` envelope of every other endpoint, and
 * lists no query parameter; both shapes are read, and `page` is sent as on the report list.
 */
async function assessments(http: VervoeHttp, op: Operation): Promise<UpstreamTemplate[]> {
  const out: UpstreamTemplate[] = [];
  for (let page = 1; page <= MAX_ASSESSMENT_PAGES; page++) {
    const res = await http.send(op, 'GET', '/integration/assessments', { query: { page } });
    const list: JsonObject | undefined = objectAt(res.body, 'data') ?? res.body;
    if (res.status !== 200 || !list || !Array.isArray(list.items)) throw fail(op, 'bad_response', `Vervoe answered HTTP ${res.status} without a list while ${op.doing}`);
    for (const item of arrayAt(list, 'items').filter(isObject)) {
      const slug = stringAt(item, 'slug');
      if (slug !== undefined) out.push({ id: slug, name: stringAt(item, 'name') ?? slug });
    }
    // A server that ignores `page` repeats page 1: stop rather than loop.
    const current = numeric(list.currentPage);
    if (list.hasMorePages !== true || arrayAt(list, 'items').length === 0 || (current !== undefined && current < page)) break;
  }
  return out;
}

async function report(http: VervoeHttp, op: Operation, upstreamId: string): Promise<JsonObject | null> {
  const res = await http.send(op, 'GET', `/integration/user-assessments/${encodeURIComponent(upstreamId)}`);
  if (res.status === 404) return null;
  return dataOf(op, res);
}

/** Builds the Vervoe adapter; the app creates one per account with that account's credentials. */
export function createVervoeUpstream(opts: VervoeUpstreamOptions): Upstream {
  const now = opts.now ?? Date.now;
  const http = createVervoeHttp({
    baseUrl: (opts.baseUrl ?? DEFAULT_VERVOE_BASE_URL).replace(/\/+$/, ''),
    apiKey: opts.apiKey,
    secretKey: opts.secretKey,
    timeoutMs: opts.timeoutMs,
    now,
    ...(opts.userAgent ? { userAgent: opts.userAgent } : {}),
  });
  const seen = new SeenReports();
  const tolerance = opts.webhookToleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;

  return {
    kind: VERVOE,

    listTemplates: () => assessments(http, OPS.assessments),

    invite: (input) => inviteCandidate(http, input),

    async getInterview(upstreamId) {
      // A 404 means Vervoe no longer has it: the profile's `status.deleted` decides what Workable hears.
      const data = await report(http, OPS.report, upstreamId);
      if (data === null) return null;
      try {
        return toUpstreamInterview(data);
      } catch (err) {
        throw fail(OPS.report, 'bad_response', `Vervoe sent an unreadable report: ${err instanceof Error ? err.message : 'unknown shape'}`);
      }
    },

    // The description offers one link to a candidate's results, the report's candidate card URL, and says
    // nothing about its lifetime: it is returned without a ttl (Workable then treats it as permanent).
    async shareLink(upstreamId) {
      const data = await report(http, OPS.share, upstreamId);
      if (data === null) throw fail(OPS.share, 'not_found', `Vervoe has no candidate assessment ${upstreamId}`);
      const url = cardUrlOf(data);
      if (url === undefined) throw fail(OPS.share, 'bad_response', 'Vervoe sent no integrationCandidateCardUrl');
      return { url };
    },

    // Documented no-op: the description has no archive or cancel call. Its one candidate action, reject,
    // e-mails the candidate a rejection, which is not what an expiry in Workable should do.
    archive: () => Promise.resolve(),

    listChangedSince: (since): Promise<ChangeHint[]> => listChanges(http, since, seen, opts.recentPages ?? 1),

    verifyWebhook: (rawBody, headers) =>
      verifyVervoeSignature(opts.webhookSecret, rawBody, headers, { toleranceSeconds: tolerance, nowMs: now() }),

    parseWebhook: (rawBody) => parseVervoeWebhook(rawBody),
  };
}
