/**
 * Root value for the sandbox schema. graphql-js's default resolver calls a function-valued property with
 * (args, context, info), so nested fields with arguments (interviewList, share, archive) are closures here.
 */
import { randomUUID } from 'node:crypto';
import type { SandboxInterview, SandboxStatus } from './model.js';
import type { InviteOutcome, SandboxStore } from './store.js';
import { graphqlInterview } from './views.js';
import type { WebhookSender } from './webhooks.js';

export interface ShareLinkRecord {
  interviewId: string;
  expiresAt: number;
}

export interface ResolverDeps {
  store: SandboxStore;
  shares: Map<string, ShareLinkRecord>;
  baseUrl: () => string;
  now: () => number;
  /** The webhook API (list/create/update) and the account's signing key. */
  webhooks: Pick<WebhookSender, 'list' | 'create' | 'update' | 'config'>;
}

interface StringFilter { equal?: string | null; regex?: string | null }
interface ListArgs {
  pagination?: { limit?: number | null; lastCursor?: string | null; direction?: 'FORWARD' | 'BACKWARD' } | null;
  filter?: { status?: StringFilter | null; email?: StringFilter | null; lastName?: StringFilter | null } | null;
  sort?: { field: 'createdAt' | 'updatedAt'; direction: 'ASC' | 'DESC' } | null;
}
type SortArg = { field: 'createdAt' | 'updatedAt'; direction: 'ASC' | 'DESC' };
/** Either schema shape: `{ input: { filter, pagination, sort: [..] } }` or separate arguments. */
interface RawListArgs {
  input?: { filter?: ListArgs['filter']; pagination?: ListArgs['pagination']; sort?: SortArg[] | SortArg | null } | null;
  pagination?: ListArgs['pagination'];
  filter?: ListArgs['filter'];
  sort?: SortArg[] | SortArg | null;
}

function normaliseListArgs(raw: RawListArgs): ListArgs {
  const src = raw.input ?? raw;
  const sort = Array.isArray(src.sort) ? (src.sort[0] ?? null) : (src.sort ?? null);
  return { pagination: src.pagination ?? null, filter: src.filter ?? null, sort };
}

const STAGE_TO_STATUS: Record<string, SandboxStatus> = { to_evaluate: 'completed' };

function matches(value: string, f: StringFilter | null | undefined): boolean {
  if (!f) return true;
  if (typeof f.equal === 'string' && value.toLowerCase() !== f.equal.toLowerCase()) return false;
  if (typeof f.regex === 'string' && !new RegExp(f.regex, 'i').test(value)) return false;
  return true;
}

function encodeCursor(sortValue: number, id: string): string {
  return Buffer.from(JSON.stringify([sortValue, id])).toString('base64url');
}

function decodeCursor(cursor: string): [number, string] | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && typeof parsed[0] === 'number' && typeof parsed[1] === 'string') return [parsed[0], parsed[1]];
  } catch {
    // an unreadable cursor restarts from the top, like a missing one
  }
  return undefined;
}

type SortField = 'createdAt' | 'updatedAt';
/** One position's interviews in one order, valid while the store's version is unchanged. */
type SortCache = Map<string, { version: number; items: SandboxInterview[] }>;

function compareBy(field: SortField, dir: 1 | -1, a: SandboxInterview | [number, string], b: SandboxInterview | [number, string]): number {
  const av = Array.isArray(a) ? a[0] : a[field];
  const bv = Array.isArray(b) ? b[0] : b[field];
  const aid = Array.isArray(a) ? a[1] : a.id;
  const bid = Array.isArray(b) ? b[1] : b.id;
  return dir * (av - bv || aid.localeCompare(bid));
}

/** The position's interviews sorted once per store version, so paging costs O(log n + page), not a sort per page. */
function sortedInPosition(deps: ResolverDeps, cache: SortCache, positionId: string, field: SortField, dir: 1 | -1): SandboxInterview[] {
  const key = `${positionId}|${field}|${dir}`;
  const hit = cache.get(key);
  if (hit && hit.version === deps.store.version()) return hit.items;
  const items = [...deps.store.inPosition(positionId)].sort((a, b) => compareBy(field, dir, a, b));
  cache.set(key, { version: deps.store.version(), items });
  return items;
}

/** Keyset pagination: the cursor is the last item's (sort value, id), so pages stay stable under inserts. */
function listPage(deps: ResolverDeps, cache: SortCache, positionId: string, args: ListArgs) {
  const field = args.sort?.field ?? 'createdAt';
  const dir = args.sort?.direction === 'ASC' ? 1 : -1;
  const limit = Math.min(Math.max(args.pagination?.limit ?? 20, 1), 100);
  const f = args.filter;
  const wantStatus = f?.status?.equal ? (STAGE_TO_STATUS[f.status.equal] ?? f.status.equal) : undefined;
  const keep = (iv: SandboxInterview) =>
    (wantStatus === undefined || iv.status === wantStatus) && matches(iv.candidate.email, f?.email) && matches(iv.candidate.lastName, f?.lastName);
  const sorted = sortedInPosition(deps, cache, positionId, field, dir);
  const after = args.pagination?.lastCursor ? decodeCursor(args.pagination.lastCursor) : undefined;
  // First item strictly after the cursor, by binary search over the sorted list.
  let lo = 0;
  if (after) {
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareBy(field, dir, sorted[mid]!, after) > 0) hi = mid;
      else lo = mid + 1;
    }
  }
  const page: SandboxInterview[] = [];
  for (let i = lo; i < sorted.length && page.length < limit; i++) if (keep(sorted[i]!)) page.push(sorted[i]!);
  const last = page[page.length - 1];
  const position = deps.store.position(positionId);
  return {
    // Hireflix always returns a cursor; an empty page hands back the one it was given.
    lastCursor: last ? encodeCursor(last[field], last.id) : (args.pagination?.lastCursor ?? null),
    count: page.length,
    results: page.map((iv) => graphqlInterview(iv, position, deps.baseUrl())),
  };
}

function inviteResult(outcome: InviteOutcome, deps: ResolverDeps) {
  const typenames = {
    emailExists: ['InterviewAlreadyExistsInPositionError', 409],
    externalIdExists: ['InterviewExternalIdAlreadyExistsInPositionError', 409],
    quota: ['ExceededInvitesThisPeriodError', 402],
    positionNotFound: ['PositionNotFoundError', 404],
  } as const;
  switch (outcome.kind) {
    case 'created':
      return graphqlInterview(outcome.interview, deps.store.position(outcome.interview.positionId), deps.baseUrl());
    case 'invalid':
      return { __typename: 'ValidationError', code: 400, name: 'ValidationError', message: outcome.message, fieldErrors: outcome.fieldErrors };
    default: {
      const [typename, code] = typenames[outcome.kind];
      return { __typename: typename, code, name: typename, message: outcome.message };
    }
  }
}

interface InviteArgs {
  input: { positionId: string; externalId?: string | null; candidate: { email: string; firstName: string; lastName: string; phone?: string | null } };
}

/** Builds the root value (queries and mutations) over the store. */
export function createRootValue(deps: ResolverDeps) {
  const { store } = deps;
  const sortCache: SortCache = new Map();
  const positionView = (id: string) => {
    const p = store.position(id);
    if (!p) return null;
    return { id: p.id, name: p.name, archived: p.archived, expires: p.expires ?? null, active: true, interviewList: (args: RawListArgs) => listPage(deps, sortCache, p.id, normaliseListArgs(args)) };
  };
  return {
    positions: () => store.positions().map((p) => positionView(p.id)),
    position: ({ id }: { id: string }) => positionView(id),
    interview: ({ id }: { id: string }) => {
      const iv = store.get(id);
      return iv ? graphqlInterview(iv, store.position(iv.positionId), deps.baseUrl()) : null;
    },
    inviteCandidateToInterview: ({ input }: InviteArgs) => {
      const { phone, ...rest } = input.candidate;
      const candidate = phone ? { ...rest, phone } : rest;
      return inviteResult(store.invite({ positionId: input.positionId, externalId: input.externalId ?? null, candidate }), deps);
    },
    webhooks: () => deps.webhooks.list(),
    webhook: ({ id }: { id: string }) => deps.webhooks.list().find((w) => w.id === id) ?? null,
    // One signing key per account, as Hireflix's Profile → Webhooks → Reveal key shows.
    webhookSecretKey: () => ({ value: deps.webhooks.config().secret ?? '' }),
    createWebhook: (input: { url: string; events?: string[] | null; external?: string | null }) => deps.webhooks.create(input),
    updateWebhook: ({ id, ...patch }: { id: string; url?: string | null; events?: string[] | null; active?: boolean | null }) =>
      deps.webhooks.update(id, patch) ?? null,
    Interview: ({ id }: { id: string }) => {
      if (!store.get(id)) return null;
      const view = () => {
        const iv = store.mustGet(id);
        return graphqlInterview(iv, store.position(iv.positionId), deps.baseUrl());
      };
      return {
        share: ({ durationInDays }: { durationInDays: number }) => {
          const uuid = randomUUID();
          deps.shares.set(uuid, { interviewId: id, expiresAt: deps.now() + durationInDays * 86_400_000 });
          return { externalId: store.mustGet(id).externalId, externalLink: { url: `${deps.baseUrl()}/_sandbox/shared/${uuid}` } };
        },
        archive: ({ archive }: { archive: boolean }) => {
          if (archive) store.setStatus(id, 'discarded');
          else store.restore(id);
          return view();
        },
        finalist: ({ finalist }: { finalist: boolean }) => {
          store.setStatus(id, finalist ? 'shortlisted' : 'completed');
          return view();
        },
      };
    },
  };
}
