import type http from 'node:http';
import { performance } from 'node:perf_hooks';
import { createHttpClient, OutboundFailure, parseRetryAfter } from '../outbound/http.js';
import { redirectHost, statusReason } from './answerReason.js';
import type { WorkableResult } from './payload.js';

/**
 * What happened to one PUT of a result to Workable's callback_url.
 * - delivered: 2xx. conflict: 409, Workable already has this update (treat as delivered).
 * - retry: worth trying again later (5xx, 408, 429, timeout, connection error).
 * - dead: retrying cannot help (other 3xx/4xx, refused by the callback policy, unusable URL).
 */
export interface CallbackOutcome {
  kind: 'delivered' | 'conflict' | 'retry' | 'dead';
  status?: number;
  /** From a Retry-After header (seconds or HTTP date), when the server sent one. */
  retryAfterMs?: number;
  /** Operator-facing reason; never contains the bearer token. */
  error?: string;
  durationMs: number;
}

/** The Workable callback client: one PUT, classified, never throws. */
export interface CallbackClient {
  put(url: string, token: string, body: WorkableResult): Promise<CallbackOutcome>;
}

/** Settings for createCallbackClient. */
export interface CallbackClientOptions {
  /** Deadline for the whole request, connect to last byte. */
  timeoutMs: number;
  /** Default: the bridge's own (package.json name/version). */
  userAgent?: string;
  /** SSRF policy hook (https only, allowed hosts, no private addresses): throws to refuse the URL. */
  checkUrl?: (url: string) => Promise<void>;
  /**
   * DNS lookup for the agents (see guardedLookup): refuses forbidden addresses at connect time, so a name
   * re-pointed at a private address after checkUrl (DNS rebinding) is still never dialled.
   */
  lookup?: http.AgentOptions['lookup'];
}

/**
 * Most of Workable's answer the client reads. Nothing in it is used: the status decides the outcome, and
 * the body (which may name the candidate or carry share links) is never kept. Reading a little and then
 * letting go lets a small answer end cleanly (the connection is reused); past this the socket is dropped.
 */
const MAX_ANSWER_BYTES = 4096;

function redact(text: string, token: string): string {
  return token === '' ? text : text.split(token).join('[redacted]');
}

function classifyStatus(status: number): CallbackOutcome['kind'] {
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 409) return 'conflict';
  // 408 is the server timing out our request: as transient as our own timeout.
  if (status >= 500 || status === 429 || status === 408) return 'retry';
  return 'dead';
}

function describeFailure(err: unknown): string {
  if (err instanceof OutboundFailure) return err.kind === 'timeout' || !err.code ? err.message : `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

/**
 * Builds the client that PUTs results to Workable's callback_url with the account's bearer token.
 * Redirects are never followed: the Authorization header would travel to wherever the Location points,
 * so a redirect is a dead letter for an operator to look at.
 */
export function createCallbackClient(opts: CallbackClientOptions): CallbackClient {
  const http_ = createHttpClient({
    timeoutMs: opts.timeoutMs,
    // The answer's status is all that counts: a 2 MB or never-ending 200 is a delivery, not a failure to retry.
    body: 'discard',
    maxBodyBytes: MAX_ANSWER_BYTES,
    ...(opts.userAgent ? { userAgent: opts.userAgent } : {}),
    // No ambient HTTP(S)_PROXY: a proxy would see the bearer token, and the callback policy checks the target.
    noProxy: true,
    ...(opts.lookup ? { addressGuard: opts.lookup } : {}),
  });

  async function put(url: string, token: string, body: WorkableResult): Promise<CallbackOutcome> {
    const started = performance.now();
    const elapsed = (): number => Math.round(performance.now() - started);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return { kind: 'dead', error: 'callback_url is not a valid URL', durationMs: elapsed() };
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      return { kind: 'dead', error: `callback_url scheme ${parsed.protocol} is not supported`, durationMs: elapsed() };
    }
    if (opts.checkUrl !== undefined) {
      try {
        await opts.checkUrl(url);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        return { kind: 'dead', error: redact(`refused by callback policy: ${reason}`, token), durationMs: elapsed() };
      }
    }
    try {
      // The client bounds the whole exchange, so a receiver that trickles bytes cannot hold a delivery slot forever.
      const res = await http_.request({
        method: 'PUT',
        url,
        body: JSON.stringify(body),
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
      });
      const kind = classifyStatus(res.status);
      const outcome: CallbackOutcome = { kind, status: res.status, durationMs: elapsed() };
      if (kind === 'retry') {
        const retryAfterMs = parseRetryAfter(res.header('retry-after'), Date.now());
        if (retryAfterMs !== undefined) outcome.retryAfterMs = retryAfterMs;
      }
      if (kind === 'retry' || kind === 'dead') {
        // Status and class only: Workable's answer body may name the candidate or carry share links, and
        // this reason is logged, kept with the dead letter and shown by the CLI.
        outcome.error =
          res.status >= 300 && res.status < 400
            ? `HTTP ${res.status}: redirect to ${redirectHost(res.header('location'))} not followed`
            : statusReason(res.status);
      }
      return outcome;
    } catch (err) {
      // Everything reaching here happened before a status was known: connect, TLS, timeout, reset.
      if (err instanceof OutboundFailure && err.kind === 'forbidden_address') {
        return { kind: 'dead', error: redact(`refused by callback policy: ${describeFailure(err)}`, token), durationMs: elapsed() };
      }
      return { kind: 'retry', error: redact(describeFailure(err), token), durationMs: elapsed() };
    }
  }

  return { put };
}
