/**
 * Every GraphQL document the adapter sends to Hireflix's /me endpoint. The sandbox validates these against
 * its schema, so a misspelt field fails a test. Provenance of each shape (see
 * shared/research/upstream-platforms.md section 1): [docs] = Hireflix's own how-to pages,
 * [3rd-party] = seen in integrator code, [unconfirmed] = our best reading, verify by introspection.
 *
 * Ids travel as `String!` variables: [unconfirmed] integrators disagree between `ID!` and `String!`.
 */

/**
 * [docs] positions { id name archived }: `archived` is null when open, epoch ms when archived.
 * `expires` (the position's deadline, epoch ms) is [catalogue]: MindCloud's Hireflix reference, Get Position.
 */
export const LIST_POSITIONS = `query ListPositions {
  positions { id name archived expires }
}`;

/**
 * [docs] inviteCandidateToInterview returns a union; branch on __typename.
 * `input.externalId` placement is [3rd-party]. The `message` fields are aliased per member because
 * integrator code does so, which suggests their nullability differs across members (GraphQL rejects
 * same-named fields of conflicting types in one selection). ValidationError and
 * PositionNotReadyToAcceptInvitesError are [3rd-party] members.
 */
export const INVITE = `mutation InviteCandidate($input: InviteCandidateToInterviewInput!) {
  inviteCandidateToInterview(input: $input) {
    __typename
    ... on InterviewType { id url { public short } expires }
    ... on InterviewAlreadyExistsInPositionError { existsMessage: message }
    ... on InterviewExternalIdAlreadyExistsInPositionError { externalIdMessage: message }
    ... on ExceededInvitesThisPeriodError { quotaMessage: message }
    ... on PositionNotFoundError { notFoundMessage: message }
    ... on PositionNotReadyToAcceptInvitesError { notReadyMessage: message }
    ... on ValidationError { validationMessage: message fieldErrors { flattenedPath message } }
  }
}`;

/*
 * position(id){ interviewList(...) } in two shapes (docs/hireflix.md has the sources of each part):
 *  - "input" (primary): one `input` object holding `filter`, `pagination { limit direction lastCursor }`
 *    and `sort: [{ field direction }]`, as integrator code calls it; `direction` (FORWARD | BACKWARD) is
 *    listed as required by the MindCloud catalogue.
 *  - "arguments" (fallback): `pagination`, `filter` and `sort` as separate arguments, the adapter's older
 *    reading of the vendor's dotted option names.
 * Filters are written inline (no input type names: none is public). interviewList.ts picks the shape per
 * account and falls back once when the upstream rejects one shape by validation.
 */

const LIST_RESULT = 'lastCursor\n      results { id externalId expires url { public short } candidate { email } }';
const CHANGED_RESULT = 'lastCursor\n      results { id externalId updatedAt }';

/** "input" shape: interviews of one position whose candidate email equals $email, newest first. */
export const FIND_BY_EMAIL = `query FindInterviewByEmail($positionId: String!, $email: String!, $limit: Int!, $lastCursor: String) {
  position(id: $positionId) {
    interviewList(input: { filter: { email: { equal: $email } }, pagination: { limit: $limit, direction: FORWARD, lastCursor: $lastCursor }, sort: [{ field: createdAt, direction: DESC }] }) {
      ${LIST_RESULT}
    }
  }
}`;

/** "input" shape: one page of a position's interviews, newest first (unfiltered walk for an external id). */
export const LIST_IN_POSITION = `query ListInterviewsInPosition($positionId: String!, $limit: Int!, $lastCursor: String) {
  position(id: $positionId) {
    interviewList(input: { pagination: { limit: $limit, direction: FORWARD, lastCursor: $lastCursor }, sort: [{ field: createdAt, direction: DESC }] }) {
      ${LIST_RESULT}
    }
  }
}`;

/**
 * "input" shape, polling page: newest-updated first, so the walk can stop at the first interview older than
 * `since`. Sorting on `updatedAt` is inferred (the vendor shows only createdAt); the doctor checks it.
 */
export const CHANGED_IN_POSITION = `query ChangedInterviews($positionId: String!, $limit: Int!, $lastCursor: String) {
  position(id: $positionId) {
    interviewList(input: { pagination: { limit: $limit, direction: FORWARD, lastCursor: $lastCursor }, sort: [{ field: updatedAt, direction: DESC }] }) {
      ${CHANGED_RESULT}
    }
  }
}`;

/** "arguments" shape of FIND_BY_EMAIL (fallback). */
export const FIND_BY_EMAIL_ARGS = `query FindInterviewByEmailArgs($positionId: String!, $email: String!, $limit: Int!, $lastCursor: String) {
  position(id: $positionId) {
    interviewList(pagination: { limit: $limit, lastCursor: $lastCursor }, filter: { email: { equal: $email } }, sort: { field: createdAt, direction: DESC }) {
      ${LIST_RESULT}
    }
  }
}`;

/** "arguments" shape of LIST_IN_POSITION (fallback). */
export const LIST_IN_POSITION_ARGS = `query ListInterviewsInPositionArgs($positionId: String!, $limit: Int!, $lastCursor: String) {
  position(id: $positionId) {
    interviewList(pagination: { limit: $limit, lastCursor: $lastCursor }, sort: { field: createdAt, direction: DESC }) {
      ${LIST_RESULT}
    }
  }
}`;

/** "arguments" shape of CHANGED_IN_POSITION (fallback). */
export const CHANGED_IN_POSITION_ARGS = `query ChangedInterviewsArgs($positionId: String!, $limit: Int!, $lastCursor: String) {
  position(id: $positionId) {
    interviewList(pagination: { limit: $limit, lastCursor: $lastCursor }, sort: { field: updatedAt, direction: DESC }) {
      ${CHANGED_RESULT}
    }
  }
}`;

/** The two shapes of each list document; the doctor and the schema test accept a group when one member fits. */
export const INTERVIEW_LIST_SHAPES = {
  input: { findByEmail: FIND_BY_EMAIL, list: LIST_IN_POSITION, changed: CHANGED_IN_POSITION },
  arguments: { findByEmail: FIND_BY_EMAIL_ARGS, list: LIST_IN_POSITION_ARGS, changed: CHANGED_IN_POSITION_ARGS },
} as const;

export type InterviewListShape = keyof typeof INTERVIEW_LIST_SHAPES;
export type InterviewListDocument = keyof (typeof INTERVIEW_LIST_SHAPES)['input'];

/**
 * [3rd-party] interview(id) with questions/answer/transcription, status, completed, score { value },
 * url { public short }, candidate. [unconfirmed]: externalId, position, createdAt/updatedAt on this type,
 * candidate firstName/lastName/phone, discardedAt (confirmed only on the archive mutation's result).
 * No per-answer duration is known, so durationSeconds is left undefined. `expires` (epoch ms, the
 * interview's deadline; also selected on the invite result) is [catalogue]: MindCloud's Get Interview.
 */
export const GET_INTERVIEW = `query GetInterview($id: String!) {
  interview(id: $id) {
    id
    externalId
    status
    answered
    completed
    createdAt
    updatedAt
    discardedAt
    expires
    score { value }
    url { public short }
    candidate { name firstName lastName email phone }
    position { id name }
    questions { id title description answer { id url transcription { languageCode text } } }
  }
}`;

/** [docs] Interview(id){ share(durationInDays) { externalLink { url } } }. */
export const SHARE = `mutation ShareInterview($id: String!, $days: Int!) {
  Interview(id: $id) {
    share(durationInDays: $days) { externalLink { url } }
  }
}`;

/** [docs] Interview(id){ archive(archive: true) { id discardedAt } } moves the interview to "discarded". */
export const ARCHIVE = `mutation ArchiveInterview($id: String!) {
  Interview(id: $id) {
    archive(archive: true) { id discardedAt }
  }
}`;
