/**
 * How a delivery reason names Workable's answer: its status and class, never its body (which may name the
 * candidate or carry share links). No dependencies, so the CLI can load it without the HTTP client.
 */
import { STATUS_CODES } from 'node:http';

/** `HTTP 422 (Unprocessable Entity)`: the status and its class, nothing Workable wrote. */
export function statusReason(status: number): string {
  const text = STATUS_CODES[status];
  return text === undefined ? `HTTP ${status}` : `HTTP ${status} (${text})`;
}

/** The host a redirect points at (never its path or query, which may carry a share link). */
export function redirectHost(location: unknown): string {
  if (typeof location !== 'string') return '(no location)';
  try {
    return new URL(location).host || '(no host)';
  } catch {
    return '(a relative location)';
  }
}

/**
 * A delivery reason with nothing of Workable's answer in it, also for reasons recorded before answers were
 * dropped (`HTTP 401: <300 characters of body>` becomes `HTTP 401 (Unauthorized)`; a redirect keeps only
 * its target's host). Views of stored dead letters and attempts show reasons through it.
 */
export function withoutAnswer(reason: string): string {
  const m = /^HTTP (\d{3}): ([\s\S]*)$/.exec(reason);
  if (!m) return reason;
  const status = Number(m[1]);
  const redirect = /^redirect to (\S+) not followed$/.exec(m[2]!);
  if (redirect) return `HTTP ${status}: redirect to ${redirectHost(redirect[1])} not followed`;
  return statusReason(status);
}
