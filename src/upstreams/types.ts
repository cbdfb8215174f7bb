/**
 * The contract every upstream video-interview platform adapter fulfils. The core (routes, reconcile,
 * poller) only ever talks to this interface; anything platform-specific lives in its own folder.
 */

/** A template as Workable sees it: one per job. Ids are opaque strings. */
export interface UpstreamTemplate {
  id: string;
  name: string;
  /** The upstream's own deadline for interviews of this template (ISO), where it has one (Hireflix `expires`). */
  expiresAt?: string;
}

export interface InviteCandidate {
  firstName: string;
  lastName: string;
  email: string;
  /** E.164 when present; the core has already normalised or dropped it. */
  phone?: string;
}

export interface InviteInput {
  templateId: string;
  /** The bridge's own interview id, passed upstream as its external id so a retried invite is recognisable. */
  externalId: string;
  candidate: InviteCandidate;
  jobTitle: string;
}

export interface InviteResult {
  upstreamId: string;
  /** Link the candidate uses to take the interview, when the upstream returns one. */
  candidateUrl?: string;
  /** True when the upstream said the interview already existed and we resolved it to the existing one. */
  alreadyExisted: boolean;
  /** The upstream's deadline for this interview (ISO), where it says (Hireflix `expires`). */
  expiresAt?: string;
}

/** One answered (or unanswered) question of an interview. */
export interface UpstreamAnswer {
  title: string;
  description?: string;
  answerUrl?: string;
  transcript?: string;
}

/** One per-skill (or per-question) score, as the upstream gives it; the PDF report draws these as a chart. */
export interface SkillScore {
  name: string;
  /** 0 to 100, where the upstream scores the skill as a number. */
  percent?: number;
  /** The upstream's own text where it gives one instead of a number (Vervoe: a group set to custom text). */
  text?: string;
}

/**
 * The upstream's current view of one interview, normalised just enough for the mapping profile.
 * `state` is a platform-native state name; the account's mapping profile maps it to a Workable status.
 */
export interface UpstreamInterview {
  upstreamId: string;
  externalId: string | null;
  templateId: string;
  templateName?: string;
  /** Platform-native state, e.g. Hireflix: pending | completed | shortlisted | discarded. */
  state: string;
  createdAt?: string;
  startedAt?: string;
  completedAt?: string;
  /**
   * The upstream's deadline for taking the interview (ISO), where it has one (Hireflix `expires`): the
   * bridge's expiry follows it, and the mapping profile's expiry is the fallback.
   */
  expiresAt?: string;
  /** Score on the upstream's own scale (Hireflix: 0.5 to 5 stars), null when not scored yet. */
  score: number | null;
  durationSeconds?: number;
  candidate: { firstName: string; lastName: string; email: string; phone?: string };
  answers: UpstreamAnswer[];
  /** Per-skill scores (Vervoe: the score's skill groups); absent where the upstream gives none (Hireflix). */
  skills?: SkillScore[];
  /** Extra platform fields by dotted path, for the mapping profile's `details` and `summary`. */
  fields: Record<string, unknown>;
}

export interface ShareLink {
  url: string;
  ttl?: number;
  ttlUnits?: 'minutes' | 'days' | 'views';
}

/** A hint that an interview may have changed. Webhooks and polls produce these; reconcile decides. */
export interface ChangeHint {
  upstreamId: string;
  externalId: string | null;
  /** ISO time of the change if the upstream says, else undefined. */
  changedAt?: string;
  /** The upstream event name if it came from a webhook. */
  event?: string;
  /** True when the upstream says the interview is gone. */
  deleted?: boolean;
}

/** Why an upstream call failed, in terms the HTTP layer and the job runner can act on. */
export type UpstreamFailure =
  | 'unreachable' // connection refused, DNS, reset: 502 / retry
  | 'timeout' // no answer in time: 504 / retry
  | 'unavailable' // 5xx from the upstream: 503 / retry
  | 'rate_limited' // 429: 503 / retry after retryAfterMs
  | 'auth' // the account's upstream credentials were refused: 502, no retry
  | 'quota' // the upstream refuses more invitations this period: 502, no retry
  | 'bad_response' // the upstream answered something we cannot read: 502
  | 'not_found'; // the thing asked for does not exist upstream

export class UpstreamError extends Error {
  constructor(
    readonly upstream: string,
    readonly operation: string,
    readonly failure: UpstreamFailure,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

export interface Upstream extends UpstreamDiagnostics {
  /** e.g. 'hireflix' */
  readonly kind: string;
  /**
   * True when the upstream's webhooks and change listings carry the external id we gave the invitation, so
   * the bridge needs no index from the upstream's id to its own.
   */
  readonly echoesExternalId?: boolean;
  listTemplates(): Promise<UpstreamTemplate[]>;
  /**
   * Sends the invitation. Must be safe to call again with the same externalId: when the upstream reports
   * that the interview already exists, resolve it to the existing interview and set alreadyExisted.
   * Throws UpstreamError; an unknown template throws with failure 'not_found'.
   */
  invite(input: InviteInput): Promise<InviteResult>;
  /** Current state of one interview; null when the upstream no longer has it (deleted). */
  getInterview(upstreamId: string): Promise<UpstreamInterview | null>;
  /** A public link to the interview's answers valid for `days`. */
  shareLink(upstreamId: string, days: number): Promise<ShareLink>;
  /** Archives (Hireflix: discards) the interview upstream, used when the bridge expires it. */
  archive(upstreamId: string): Promise<void>;
  /** Interviews changed at or after `since`, across the account's templates. Cost grows with changes. */
  listChangedSince(since: Date): Promise<ChangeHint[]>;
  /** Verifies an inbound webhook's signature over the raw body, in constant time. */
  verifyWebhook(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): boolean;
  /** Parses a verified webhook body into a change hint; throws on a body it cannot read. */
  parseWebhook(rawBody: Buffer): ChangeHint;
}

/** A webhook as the upstream's API lists it (Hireflix: MindCloud catalogue "List Webhooks" fields). */
export interface UpstreamWebhook {
  id: string;
  url: string;
  events: string[];
  active: boolean;
}

/** What registerWebhook did: the webhook as it now stands upstream, and whether it was created or updated. */
export interface WebhookRegistration {
  webhook: UpstreamWebhook;
  action: 'created' | 'updated' | 'unchanged';
}

/** A GraphQL document the adapter can send, by its operation name, for validation against a live schema. */
export interface GraphqlDocument {
  name: string;
  query: string;
  /**
   * Documents with the same group are alternative shapes of one request (the adapter falls back between
   * them): a schema fits the adapter when at least one member of each group validates.
   */
  group?: string;
}

/**
 * Optional go-live capabilities (`cli doctor`). Each is present only where the upstream's API offers it;
 * the core never needs them to serve Workable.
 */
export interface UpstreamDiagnostics {
  /** The webhook events the bridge needs, in the upstream's own names. */
  readonly webhookEvents?: readonly string[];
  /** Every webhook the account has upstream. */
  listWebhooks?(): Promise<UpstreamWebhook[]>;
  /** Creates the webhook for `url`, or updates the one already there (events, active), so it sends `events`. */
  registerWebhook?(url: string, events: readonly string[]): Promise<WebhookRegistration>;
  /** The account's webhook signing key as the upstream's API reveals it; undefined when it offers none. */
  webhookSecret?(): Promise<string | undefined>;
  /** GraphQL upstreams: every document the adapter sends. */
  readonly graphqlDocuments?: readonly GraphqlDocument[];
  /** GraphQL upstreams: the introspection result (`data` of getIntrospectionQuery()), or null when refused. */
  introspect?(): Promise<unknown>;
  /** GraphQL upstreams: runs one document once; resolves with the GraphQL error messages (none: it ran). */
  probe?(query: string, variables: Record<string, unknown>): Promise<string[]>;
}
