import { OutboundFailure, type Operation } from '../outbound/http.js';
import { UpstreamError } from './types.js';

/**
 * The UpstreamError for a request that got no answer at all (createHttpClient rejected): a timeout, or the
 * upstream unreachable with the network code. `label` is how messages name the upstream ("Hireflix").
 */
export function unansweredError(upstream: string, label: string, op: Operation, timeoutMs: number, err: unknown): UpstreamError {
  if (err instanceof OutboundFailure && err.kind === 'timeout') {
    return new UpstreamError(upstream, op.name, 'timeout', `${label} did not answer ${op.doing} within ${timeoutMs} ms`);
  }
  const code = err instanceof OutboundFailure && err.code ? err.code : 'network error';
  return new UpstreamError(upstream, op.name, 'unreachable', `${label} could not be reached while ${op.doing} (${code})`);
}
