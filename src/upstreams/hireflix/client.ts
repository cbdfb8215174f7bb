/**
 * The one HTTP client for Hireflix's GraphQL endpoint. Every failure leaves here as an UpstreamError whose
 * `failure` tells the caller whether to retry; messages name Hireflix and the operation, never the API key.
 */
import { createHttpClient, parseRetryAfter, type Operation } from '../../outbound/http.js';
import { UpstreamError, type UpstreamFailure } from '../types.js';
import { parseJsonObject } from '../json.js';
import { unansweredError } from '../unanswered.js';
import { isObject, type JsonObject } from './read.js';

export const HIREFLIX = 'hireflix';

export interface GraphqlTransportOptions {
  endpoint: string;
  apiKey: string;
  timeoutMs: number;
  userAgent?: string;
}

export interface GraphqlTransport {
  /** Posts one GraphQL document and resolves with its `data` object; rejects with UpstreamError. */
  request(op: Operation, query: string, variables?: JsonObject): Promise<JsonObject>;
  /**
   * Posts one document and resolves with its GraphQL error messages and `data`, failing (UpstreamError) only
   * for what is not an answer about the document: transport, 429, 5xx, a refused key. For the doctor.
   */
  attempt(op: Operation, query: string, variables?: JsonObject): Promise<{ errors: string[]; data: JsonObject | undefined }>;
}

function fail(op: Operation, failure: UpstreamFailure, message: string, retryAfterMs?: number): UpstreamError {
  return new UpstreamError(HIREFLIX, op.name, failure, message, retryAfterMs);
}

/** First GraphQL error messages joined, capped so a huge error list cannot flood a log line. */
function graphqlErrorText(errors: unknown[]): string {
  const texts = errors
    .map((e) => (isObject(e) && typeof e.message === 'string' ? e.message : 'unnamed error'))
    .slice(0, 3);
  return texts.join('; ').slice(0, 500);
}

/**
 * Whether GraphQL errors in an answer say the key was refused. Hireflix's way of reporting a bad key is not
 * public (HTTP 401, or 200 with errors), so both are read: an UNAUTHENTICATED/FORBIDDEN code, or a message
 * about the key or authentication.
 */
function isAuthError(errors: unknown[]): boolean {
  return errors.some((e) => {
    if (!isObject(e)) return false;
    const code = isObject(e.extensions) ? e.extensions.code : undefined;
    if (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN') return true;
    return typeof e.message === 'string' && /unauthori[sz]ed|unauthenticated|api[ -_]?key|not authenticated|invalid token|forbidden/i.test(e.message);
  });
}

/** Builds the transport. One client per upstream account, so headers and timeout are fixed here. */
export function createGraphqlTransport(opts: GraphqlTransportOptions): GraphqlTransport {
  // Every status is classified below; the raw text is parsed here (an HTML error page is a bad answer).
  const http = createHttpClient({
    timeoutMs: opts.timeoutMs,
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-API-KEY': opts.apiKey },
    ...(opts.userAgent ? { userAgent: opts.userAgent } : {}),
  });

  async function post(op: Operation, body: JsonObject) {
    try {
      return await http.request({ method: 'POST', url: opts.endpoint, body: JSON.stringify(body) });
    } catch (err) {
      throw unansweredError(HIREFLIX, 'Hireflix', op, opts.timeoutMs, err);
    }
  }

  /** Posts and throws for every answer that says nothing about the document itself. */
  async function answer(op: Operation, query: string, variables?: JsonObject) {
    const res = await post(op, variables ? { query, variables } : { query });
    const body = parseJsonObject(res.text);
    if (res.status === 429) {
      const retryAfterMs = parseRetryAfter(res.header('retry-after'));
      const wait = retryAfterMs === undefined ? '' : ` (retry after ${Math.ceil(retryAfterMs / 1000)} s)`;
      throw fail(op, 'rate_limited', `Hireflix rate-limited ${op.doing}${wait}`, retryAfterMs);
    }
    if (res.status === 401 || res.status === 403) {
      throw fail(op, 'auth', `Hireflix refused the API key while ${op.doing} (HTTP ${res.status})`);
    }
    if (res.status >= 500) {
      throw fail(op, 'unavailable', `Hireflix answered HTTP ${res.status} while ${op.doing}`);
    }
    const errors = body && Array.isArray(body.errors) ? body.errors : [];
    if (isAuthError(errors)) {
      throw fail(op, 'auth', `Hireflix refused the API key while ${op.doing} (${graphqlErrorText(errors)})`);
    }
    return { res, body, errors };
  }

  return {
    async attempt(op, query, variables) {
      const { res, body, errors } = await answer(op, query, variables);
      const texts = errors.map((e) => (isObject(e) && typeof e.message === 'string' ? e.message : 'unnamed error'));
      if (texts.length === 0 && (res.status < 200 || res.status >= 300)) texts.push(`HTTP ${res.status}`);
      return { errors: texts, data: body && isObject(body.data) ? body.data : undefined };
    },
    async request(op, query, variables) {
      const { res, body, errors } = await answer(op, query, variables);
      if (errors.length > 0) {
        throw fail(op, 'bad_response', `Hireflix returned GraphQL errors while ${op.doing}: ${graphqlErrorText(errors)}`);
      }
      if (res.status < 200 || res.status >= 300) {
        throw fail(op, 'bad_response', `Hireflix answered HTTP ${res.status} while ${op.doing}`);
      }
      if (!body || !isObject(body.data)) {
        throw fail(op, 'bad_response', `Hireflix sent an unreadable answer while ${op.doing}`);
      }
      return body.data;
    },
  };
}
