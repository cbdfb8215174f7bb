/**
 * position(id){ interviewList } in whichever of its two public shapes the account's Hireflix accepts.
 * Public evidence conflicts (docs/hireflix.md): integrators send one `input` object, the adapter's older
 * reading sent separate arguments. The first request goes out in the remembered shape ("input" until one
 * is known); when the upstream rejects it with a validation error naming the list's arguments, the same
 * request is sent once in the other shape, and the shape that worked is remembered for the account.
 * State is kept per transport, and the app builds one transport per account.
 */
import { UpstreamError } from '../types.js';
import type { Operation } from '../../outbound/http.js';
import { HIREFLIX, type GraphqlTransport } from './client.js';
import { INTERVIEW_LIST_SHAPES, type InterviewListDocument, type InterviewListShape } from './queries.js';
import type { JsonObject } from './read.js';

/** Called when the account's accepted shape becomes known or changes (info level). */
export type ShapeLog = (message: string, fields: Record<string, unknown>) => void;

interface ShapeState {
  shape: InterviewListShape | undefined;
  log: ShapeLog | undefined;
}

const states = new WeakMap<GraphqlTransport, ShapeState>();

function stateOf(gql: GraphqlTransport): ShapeState {
  let state = states.get(gql);
  if (!state) {
    state = { shape: undefined, log: undefined };
    states.set(gql, state);
  }
  return state;
}

/** Sets where the adapter reports the accepted shape. */
export function onInterviewListShape(gql: GraphqlTransport, log: ShapeLog | undefined): void {
  stateOf(gql).log = log;
}

const ARGUMENT_NAMES = /"(?:\w+\.)?(?:input|pagination|filter|sort|direction|lastCursor|limit|field|interviewList)"/;

/**
 * A GraphQL validation error about the list's argument shape, e.g. `Unknown argument "input" on field
 * "PositionType.interviewList"` or `Field "InterviewListPaginationInput.direction" of required type … was
 * not provided`. Anything else (unknown position, a missing result field) is not a shape problem.
 */
export function isListShapeError(message: string): boolean {
  return /\b(argument|field|expected value|expected type)\b/i.test(message) && ARGUMENT_NAMES.test(message);
}

function other(shape: InterviewListShape): InterviewListShape {
  return shape === 'input' ? 'arguments' : 'input';
}

function failed(op: Operation, errors: string[]): UpstreamError {
  const text = errors.slice(0, 3).join('; ').slice(0, 500);
  return new UpstreamError(HIREFLIX, op.name, 'bad_response', `Hireflix returned GraphQL errors while ${op.doing}: ${text}`);
}

/** Sends one interview-list document in the account's shape, falling back once to the other shape. */
export async function requestInterviewList(
  gql: GraphqlTransport,
  op: Operation,
  doc: InterviewListDocument,
  variables: JsonObject,
): Promise<JsonObject> {
  const state = stateOf(gql);
  const first = state.shape ?? 'input';
  const answer = await gql.attempt(op, INTERVIEW_LIST_SHAPES[first][doc], variables);
  let shape = first;
  let result = answer;
  if (answer.errors.length > 0 && answer.errors.some(isListShapeError)) {
    shape = other(first);
    result = await gql.attempt(op, INTERVIEW_LIST_SHAPES[shape][doc], variables);
    if (result.errors.length > 0) throw failed(op, [...answer.errors, ...result.errors]);
  }
  if (result.errors.length > 0) throw failed(op, result.errors);
  if (!result.data) throw new UpstreamError(HIREFLIX, op.name, 'bad_response', `Hireflix sent an unreadable answer while ${op.doing}`);
  if (state.shape !== shape) {
    const previous = state.shape;
    state.shape = shape;
    state.log?.(`Hireflix accepts the "${shape}" shape of interviewList`, {
      interviewListShape: shape,
      ...(previous ? { previousShape: previous } : {}),
      ...(shape !== first ? { rejectedShape: first, rejection: answer.errors[0]?.slice(0, 300) } : {}),
    });
  }
  return result.data;
}
