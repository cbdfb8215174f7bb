/**
 * The Hireflix implementation of the Upstream contract: GraphQL over POST {endpoint} with X-API-KEY.
 * Positions are the templates; the bridge's interview id travels as Hireflix's externalId.
 */
import { UpstreamError, type ChangeHint, type GraphqlDocument, type Upstream, type UpstreamTemplate } from '../types.js';
import { onInterviewListShape, type ShapeLog } from './interviewList.js';
import { changedInPosition } from './changes.js';
import type { Operation } from '../../outbound/http.js';
import { HIREFLIX, createGraphqlTransport, type GraphqlTransport } from './client.js';
import { inviteCandidate } from './invite.js';
import { toUpstreamInterview } from './mapping.js';
import { getIntrospectionQuery } from 'graphql';
import * as QUERIES from './queries.js';
import { ARCHIVE, GET_INTERVIEW, LIST_POSITIONS, SHARE } from './queries.js';
import { arrayAt, deadlineAt, isObject, objectAt, stringAt } from './read.js';
import { parseHireflixWebhook, verifyHireflixSignature } from './webhook.js';
import { HIREFLIX_WEBHOOK_EVENTS, WEBHOOK_DOCUMENTS, hireflixWebhookApi } from './webhookApi.js';

export const DEFAULT_HIREFLIX_ENDPOINT = 'https://api.hireflix.com/me';

export interface HireflixUpstreamOptions {
  /** GraphQL endpoint; default https://api.hireflix.com/me. */
  endpoint?: string;
  apiKey: string;
  /** Webhook signing secret (Hireflix: Profile, Webhooks, Reveal key). Without it every webhook is refused. */
  webhookSecret?: string;
  /** Per-request timeout in milliseconds. */
  timeoutMs: number;
  userAgent?: string;
  /** Interviews per page when polling for changes; default 50. */
  pageSize?: number;
  /** Info-level log, e.g. which interviewList shape the account accepted (logged once per change). */
  log?: ShapeLog;
}

const OPS = {
  positions: { name: 'listTemplates', doing: 'listing positions' },
  interview: { name: 'getInterview', doing: 'reading an interview' },
  share: { name: 'shareLink', doing: 'creating a share link' },
  archive: { name: 'archive', doing: 'archiving an interview' },
  changes: { name: 'listChangedSince', doing: 'listing positions' },
} satisfies Record<string, Operation>;

const DIAGNOSE: Operation = { name: 'doctor', doing: 'checking the schema' };

/**
 * Every document the adapter can send: each string export of queries.ts (so a document added there is
 * checked without a list to keep in step), named by its operation, plus the webhook documents.
 */
export const HIREFLIX_DOCUMENTS: readonly GraphqlDocument[] = [
  ...Object.entries(QUERIES as Record<string, unknown>)
    .filter((e): e is [string, string] => typeof e[1] === 'string' && /^\s*(query|mutation)\b/.test(e[1]))
    .map(([exportName, query]) => {
      const name = /^\s*(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? exportName;
      const group = listGroupOf(query);
      return group ? { name, query, group } : { name, query };
    }),
  ...WEBHOOK_DOCUMENTS,
];

/** The interview-list request a document is one shape of ("interviewList.findByEmail"), if any. */
function listGroupOf(query: string): string | undefined {
  for (const shape of Object.values(QUERIES.INTERVIEW_LIST_SHAPES)) {
    for (const [doc, text] of Object.entries(shape)) if (text === query) return `interviewList.${doc}`;
  }
  return undefined;
}

function badResponse(op: Operation, detail: string): UpstreamError {
  return new UpstreamError(HIREFLIX, op.name, 'bad_response', `Hireflix sent an unreadable answer while ${op.doing}: ${detail}`);
}

async function openPositions(gql: GraphqlTransport, op: Operation): Promise<UpstreamTemplate[]> {
  const data = await gql.request(op, LIST_POSITIONS);
  if (!Array.isArray(data.positions)) throw badResponse(op, 'no positions list');
  return arrayAt(data, 'positions')
    .filter(isObject)
    // `active` stays true after archiving, so `archived` (null when open) is the only reliable flag.
    .filter((p) => p.archived === null || p.archived === undefined)
    .flatMap((p) => {
      const id = stringAt(p, 'id');
      if (id === undefined) return [];
      const expiresAt = deadlineAt(p);
      return [{ id, name: stringAt(p, 'name') ?? id, ...(expiresAt ? { expiresAt } : {}) }];
    });
}

/** Builds the Hireflix upstream adapter. The app creates one per account with that account's credentials. */
export function createHireflixUpstream(opts: HireflixUpstreamOptions): Upstream {
  const gql = createGraphqlTransport({
    endpoint: opts.endpoint ?? DEFAULT_HIREFLIX_ENDPOINT,
    apiKey: opts.apiKey,
    timeoutMs: opts.timeoutMs,
    ...(opts.userAgent ? { userAgent: opts.userAgent } : {}),
  });
  const pageSize = opts.pageSize ?? 50;
  onInterviewListShape(gql, opts.log);
  const webhooks = hireflixWebhookApi(gql);

  /** Runs an `Interview(id) { ... }` mutation; a null namespace means Hireflix does not know the id. */
  async function onInterview(op: Operation, query: string, variables: Record<string, unknown>, id: string) {
    const data = await gql.request(op, query, variables);
    const ns = objectAt(data, 'Interview');
    if (!ns) throw new UpstreamError(HIREFLIX, op.name, 'not_found', `Hireflix has no interview ${id} (${op.doing})`);
    return ns;
  }

  return {
    kind: HIREFLIX,
    // Webhooks carry data.externalId and interview listings select externalId.
    echoesExternalId: true,

    listTemplates: () => openPositions(gql, OPS.positions),

    invite: (input) => inviteCandidate(gql, input),

    async getInterview(upstreamId) {
      const data = await gql.request(OPS.interview, GET_INTERVIEW, { id: upstreamId });
      try {
        return toUpstreamInterview(data.interview);
      } catch (err) {
        throw badResponse(OPS.interview, err instanceof Error ? err.message : 'unknown shape');
      }
    },

    async shareLink(upstreamId, days) {
      const ns = await onInterview(OPS.share, SHARE, { id: upstreamId, days }, upstreamId);
      const url = stringAt(objectAt(objectAt(ns, 'share'), 'externalLink'), 'url');
      if (url === undefined) throw badResponse(OPS.share, 'no externalLink.url');
      return { url, ttl: days, ttlUnits: 'days' };
    },

    async archive(upstreamId) {
      const ns = await onInterview(OPS.archive, ARCHIVE, { id: upstreamId }, upstreamId);
      if (stringAt(objectAt(ns, 'archive'), 'id') === undefined) throw badResponse(OPS.archive, 'no archived interview');
    },

    async listChangedSince(since) {
      const positions = await openPositions(gql, OPS.changes);
      const hints: ChangeHint[] = [];
      // Sequential on purpose: a poll is background work and should not burst an unpublished rate limit.
      for (const position of positions) {
        hints.push(...(await changedInPosition(gql, position.id, since.getTime(), pageSize)));
      }
      return hints;
    },

    verifyWebhook: (rawBody, headers) => verifyHireflixSignature(opts.webhookSecret, rawBody, headers),

    parseWebhook: (rawBody) => parseHireflixWebhook(rawBody),

    webhookEvents: HIREFLIX_WEBHOOK_EVENTS,
    listWebhooks: () => webhooks.list(),
    registerWebhook: (url, events) => webhooks.register(url, events),
    webhookSecret: () => webhooks.secret(),
    graphqlDocuments: HIREFLIX_DOCUMENTS,

    async introspect() {
      const { errors, data } = await gql.attempt(DIAGNOSE, getIntrospectionQuery());
      return errors.length === 0 && data && isObject(data.__schema) ? data : null;
    },

    async probe(query, variables) {
      return (await gql.attempt(DIAGNOSE, query, variables)).errors;
    },
  };
}
