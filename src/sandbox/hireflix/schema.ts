/**
 * The part of Hireflix's /me GraphQL schema the bridge uses, written from the public how-to pages and
 * integrator code (shared/research/upstream-platforms.md section 1). Lines marked "unconfirmed" are our
 * reading, not the vendor's published schema: replace this SDL with an introspection dump once a real key
 * is available. Queries are executed against it, so an adapter typo fails exactly as it would upstream.
 */
import { buildSchema, type GraphQLSchema } from 'graphql';

const SDL_TEMPLATE = /* GraphQL */ `
type Query {
  positions: [PositionType!]!
  position(id: String!): PositionType
  # returns null for an unknown or deleted interview (unconfirmed: may be an error upstream)
  interview(id: String!): InterviewType
  # webhook management (MindCloud catalogue: List Webhooks, Get Webhook, Get Webhook Secret Key; names inferred)
  webhooks: [WebhookType!]!
  webhook(id: String!): WebhookType
  webhookSecretKey: WebhookSecretKeyType!
}

type Mutation {
  inviteCandidateToInterview(input: InviteCandidateToInterviewInput!): InviteCandidateToInterviewResult!
  # namespaced mutations with a capital I, as in Hireflix's how-to pages; null for an unknown id
  Interview(id: String!): InterviewMutations
  # MindCloud catalogue: Create Webhook {url, events, external}, Update Webhook {id, url, events, active}
  createWebhook(url: String!, events: [String!], external: String): WebhookType!
  # null for an unknown id
  updateWebhook(id: String!, url: String, events: [String!], active: Boolean): WebhookType
}

type WebhookType { id: String!, url: String!, events: [String!]!, active: Boolean!, external: String, owner: String }
type WebhookSecretKeyType { value: String! }

type PositionType {
  id: String!
  name: String!
  # epoch ms when archived, null when open
  archived: Float
  # stays true after archiving (documented quirk)
  active: Boolean!
  # epoch ms deadline of the position's interviews, null for none (MindCloud catalogue: Get Position)
  expires: Float
  __INTERVIEW_LIST__
}

# input type names are ours: none is public (docs/hireflix.md)
input InterviewListInput { filter: InterviewListFilterInput, pagination: InterviewListPaginationInput!, sort: [InterviewListSortInput!] }
enum PaginationDirection { FORWARD BACKWARD }
input InterviewListPaginationInput { limit: Int, direction: PaginationDirection!, lastCursor: String }
input PaginationInput { limit: Int, lastCursor: String }
input StringFilterInput { equal: String, regex: String }
input FloatFilterInput { equal: Float, notEqual: Float, greaterThan: Float, lessThan: Float, greaterThanOrEqual: Float, lessThanOrEqual: Float }
input InterviewListFilterInput { status: StringFilterInput, email: StringFilterInput, lastName: StringFilterInput, score: FloatFilterInput }
enum InterviewSortField { createdAt updatedAt }
enum SortDirection { ASC DESC }
input InterviewListSortInput { field: InterviewSortField!, direction: SortDirection! }

type InterviewListType {
  count: Int
  total: Int
  # always returned, even on the last (empty) page
  lastCursor: String
  results: [InterviewType!]!
}

type InterviewUrlType { public: String, short: String, private: String }
type ScoreType { value: Float }
type CandidateType { name: String, firstName: String, lastName: String, email: String!, phone: String }
type PositionRefType { id: String!, name: String! }
type TranscriptionWordType { text: String!, start: Float!, end: Float! }
type TranscriptionType { languageCode: String, text: String, words: [TranscriptionWordType!] }
type AnswerType { id: String!, url: String, transcription: TranscriptionType }
type QuestionType { id: String!, title: String!, description: String, answer: AnswerType }

type InterviewType {
  id: String!
  hash: String!
  # unconfirmed on this type (webhooks carry it as data.externalId)
  externalId: String
  # observed values: pending, completed; shortlisted/discarded after review (unconfirmed enum)
  status: String!
  answered: Boolean!
  # epoch ms when the candidate finished
  completed: Float
  createdAt: Float!
  updatedAt: Float!
  discardedAt: Float
  # epoch ms deadline for taking the interview, null for none (MindCloud catalogue: Get Interview)
  expires: Float
  score: ScoreType
  url: InterviewUrlType!
  candidate: CandidateType!
  position: PositionRefType
  questions: [QuestionType!]!
}

type ExternalLinkType { url: String! }
type InterviewShareType { externalId: String, externalLink: ExternalLinkType! }

type InterviewMutations {
  share(durationInDays: Int = 75): InterviewShareType!
  archive(archive: Boolean!): InterviewType!
  finalist(finalist: Boolean!): InterviewType!
}

input InviteCandidateInput { email: String!, firstName: String!, lastName: String!, phone: String }
input InviteCandidateToInterviewInput { positionId: String!, externalId: String, candidate: InviteCandidateInput! }

union InviteCandidateToInterviewResult =
    InterviewType
  | InterviewAlreadyExistsInPositionError
  | InterviewExternalIdAlreadyExistsInPositionError
  | ExceededInvitesThisPeriodError
  | PositionNotFoundError
  | PositionNotReadyToAcceptInvitesError
  | ValidationError

type InterviewAlreadyExistsInPositionError { code: Int!, name: String!, message: String! }
type InterviewExternalIdAlreadyExistsInPositionError { code: Int!, name: String!, message: String! }
type ExceededInvitesThisPeriodError { code: Int!, name: String!, message: String! }
type PositionNotFoundError { code: Int!, name: String!, message: String! }
type PositionNotReadyToAcceptInvitesError { code: Int!, name: String!, message: String! }
type FieldErrorType { flattenedPath: String!, message: String! }
type ValidationError { code: Int!, name: String!, message: String!, fieldErrors: [FieldErrorType!]! }
`;

/**
 * How `interviewList` takes its options. "input" (default): one `input` object with filter, pagination
 * (direction required) and a list of sorts, as integrator code calls it. "arguments": separate
 * pagination/filter/sort arguments, the other reading of the evidence; a sandbox started with it rejects
 * the "input" shape by validation, which is how the adapter's fallback is tested.
 */
export type InterviewListShape = 'input' | 'arguments';

const INTERVIEW_LIST_FIELD: Record<InterviewListShape, string> = {
  input: '# one input object (integrator code; direction required per the MindCloud catalogue)\n  interviewList(input: InterviewListInput!): InterviewListType!',
  arguments: '# separate arguments (the adapter\'s older reading of the vendor\'s option names)\n  interviewList(pagination: PaginationInput, filter: InterviewListFilterInput, sort: InterviewListSortInput): InterviewListType!',
};

/** The SDL with `interviewList` in the given shape. */
export function hireflixSdl(shape: InterviewListShape = 'input'): string {
  return SDL_TEMPLATE.replace('__INTERVIEW_LIST__', INTERVIEW_LIST_FIELD[shape]);
}

/** The default SDL ("input" shape). */
export const HIREFLIX_SDL = hireflixSdl('input');

/** Builds the executable schema; resolvers come from the rootValue (see resolvers.ts). */
export function buildHireflixSchema(shape: InterviewListShape = 'input'): GraphQLSchema {
  return buildSchema(hireflixSdl(shape));
}
