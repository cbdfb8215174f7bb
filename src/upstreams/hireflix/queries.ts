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

/**
 * [docs] position(id){ interviewList(pagination, filter, sort) }: argument names from the docs' text;
 * nesting, the `results` field and the email filter shape are [unconfirmed].
 */
export const FIND_IN_POSITION = `query FindInterviewInPosition($positionId: String!, $limit: Int!, $lastCursor: String, $filter: InterviewListFilterInput) {
  position(id: $positionId) {
    interviewList(pagination: { limit: $limit, lastCursor: $lastCursor }, filter: $filter, sort: { field: createdAt, direction: DESC }) {
      lastCursor
      results { id externalId url { public short } candidate { email } }
    }
  }
}`;

/**
 * Polling page: newest-updated first, so the walk can stop at the first interview older than `since`.
 * Sorting on `updatedAt` is [unconfirmed] for interviewList ([3rd-party] for the older `interviews(orderBy)`).
 */
export const CHANGED_IN_POSITION = `query ChangedInterviews($positionId: String!, $limit: Int!, $lastCursor: String) {
  position(id: $positionId) {
    interviewList(pagination: { limit: $limit, lastCursor: $lastCursor }, sort: { field: updatedAt, direction: DESC }) {
      lastCursor
      results { id externalId updatedAt }
    }
  }
}`;

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
