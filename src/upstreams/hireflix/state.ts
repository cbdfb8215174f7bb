/**
 * Hireflix's lifecycle in four native states. Hireflix documents four *stages* (pending, to_evaluate,
 * shortlisted, discarded) for filters, while integrators see `status: "completed"` on the field itself,
 * so both spellings are read, and the timestamps settle what a status string leaves open.
 */
import { isObject } from './read.js';

export type HireflixState = 'pending' | 'completed' | 'shortlisted' | 'discarded';

export const HIREFLIX_STATES: readonly HireflixState[] = ['pending', 'completed', 'shortlisted', 'discarded'];

const BY_STATUS: Record<string, HireflixState> = {
  pending: 'pending',
  completed: 'completed',
  to_evaluate: 'completed',
  finished: 'completed',
  shortlisted: 'shortlisted',
  finalist: 'shortlisted',
  discarded: 'discarded',
  archived: 'discarded',
};

function present(value: unknown): boolean {
  return value !== null && value !== undefined && value !== false && value !== 0 && value !== '';
}

/**
 * Normalises one interview object (as returned by `interview(id)`) to a HireflixState.
 * A discard timestamp wins over any status, because discarding can happen before the candidate answers.
 */
export function normaliseState(interview: unknown): HireflixState {
  if (!isObject(interview)) return 'pending';
  if (present(interview.discardedAt)) return 'discarded';
  const status = typeof interview.status === 'string' ? interview.status.trim().toLowerCase() : '';
  const mapped = BY_STATUS[status];
  if (mapped) return mapped;
  if (present(interview.completed) || interview.answered === true) return 'completed';
  return 'pending';
}
