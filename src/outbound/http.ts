/**
 * The one way the bridge calls other servers (Hireflix, Vervoe, Workable's callback_url): one axios set-up,
 * one User-Agent, one Retry-After parser. A client never follows redirects, never throws for an HTTP status
 * (the caller classifies every status), bounds the whole exchange by timeoutMs, and reports every failure
 * to get an answer as an OutboundFailure. Callers turn that into their own errors and messages.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import axios from 'axios';

/** What a caller is doing, for errors: `name` is stable (metrics, logs), `doing` reads in a sentence. */
export interface Operation {
  name: string;
  doing: string;
}

/** `<name>/<version>` from package.json (it sits two levels up from both src/outbound and dist/outbound). */
export const USER_AGENT = readUserAgent();

function readUserAgent(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name?: unknown; version?: unknown };
    if (typeof pkg.name === 'string' && typeof pkg.version === 'string') return `${pkg.name}/${pkg.version}`;
  } catch {
    // An unreadable package.json must not stop the bridge: the bare name still says who calls.
  }
  return 'workable-video-bridge';
}

/** Longest wait a Retry-After may ask for (a day): a hostile or buggy header cannot park work for months. */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/** Parses Retry-After (delay-seconds or HTTP-date) into milliseconds from nowMs, at most a day; undefined when unusable. */
export function parseRetryAfter(value: unknown, nowMs: number = Date.now()): number | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS);
  // All three HTTP-date forms start with a day name; without this, Date.parse reads "-5" as a year.
  if (!/^[A-Za-z]{3}/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.min(Math.max(0, at - nowMs), MAX_RETRY_AFTER_MS);
}

/**
 * No answer was had. timeout: none within timeoutMs. forbidden_address: the address guard refused the
 * resolved address. too_large: the answer passed maxBodyBytes. unreachable: anything else (DNS, refused, TLS, reset).
 */
export type OutboundFailureKind = 'timeout' | 'unreachable' | 'forbidden_address' | 'too_large';

export class OutboundFailure extends Error {
  constructor(
    readonly kind: OutboundFailureKind,
    /** The network or axios error code (ECONNREFUSED, ...), when there was one. */
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'OutboundFailure';
  }
}

export interface HttpClientOptions {
  /** Deadline for the whole exchange, connect to last byte. */
  timeoutMs: number;
  /** 'text' mode: a longer answer is a too_large failure. 'discard' mode: bytes read before letting go (default 4096). */
  maxBodyBytes?: number;
  /** A dns.lookup replacement that refuses forbidden addresses at connect time (see guardedLookup). Implies noProxy. */
  addressGuard?: http.AgentOptions['lookup'];
  /** Ignore HTTP(S)_PROXY from the environment: a proxy would dial the target itself and see the headers. */
  noProxy?: boolean;
  /** 'text' (default): the answer's body as a string. 'discard': status and headers only, the body is dropped. */
  body?: 'text' | 'discard';
  /** Sent with every request (a request's own headers win). */
  headers?: Record<string, string>;
  userAgent?: string;
}

export interface OutboundRequest {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface OutboundAnswer {
  status: number;
  /** A response header by lower-case name. */
  header(name: string): string | undefined;
  /** The body ('text' mode); undefined in 'discard' mode. */
  text: string | undefined;
}

export interface HttpClient {
  /** Resolves with any HTTP answer; rejects only with OutboundFailure. */
  request(req: OutboundRequest): Promise<OutboundAnswer>;
}

const DISCARD_BYTES = 4096;
/** Longest wait for the end of a discarded answer whose status is known (a trickling or never-ending body). */
const DISCARD_GRACE_MS = 1000;

/** Builds a client; one per upstream account or per callback sender, so agents and headers are fixed here. */
export function createHttpClient(opts: HttpClientOptions): HttpClient {
  const discard = opts.body === 'discard';
  const lookup = opts.addressGuard ? { lookup: opts.addressGuard } : {};
  const client = axios.create({
    timeout: opts.timeoutMs,
    headers: { 'User-Agent': opts.userAgent ?? USER_AGENT, ...opts.headers },
    validateStatus: () => true,
    maxRedirects: 0,
    // A discarded answer is streamed, so it is never buffered whole; a text one is parsed by the caller,
    // so that an HTML error page is a bad answer, not a thrown SyntaxError.
    responseType: discard ? 'stream' : 'text',
    transformResponse: [(data: unknown) => data],
    ...(discard ? { decompress: false } : {}),
    ...(!discard && opts.maxBodyBytes !== undefined ? { maxContentLength: opts.maxBodyBytes } : {}),
    httpAgent: new http.Agent({ keepAlive: true, ...lookup }),
    httpsAgent: new https.Agent({ keepAlive: true, ...lookup }),
    // A proxy would dial the target itself, out of the guard's sight (and see the credentials).
    ...(opts.addressGuard || opts.noProxy ? { proxy: false as const } : {}),
  });

  return {
    async request(req) {
      try {
        const res = await client.request<unknown>({
          method: req.method,
          url: req.url,
          ...(req.headers ? { headers: req.headers } : {}),
          ...(req.body !== undefined ? { data: req.body } : {}),
          // axios' own timeout is a socket idle timer; the signal bounds the whole exchange.
          signal: AbortSignal.timeout(opts.timeoutMs),
        });
        if (discard) await discardBody(res.data as Readable | undefined, opts.maxBodyBytes ?? DISCARD_BYTES, DISCARD_GRACE_MS);
        const headers = res.headers as Record<string, unknown>;
        return {
          status: res.status,
          header: (name) => (typeof headers[name] === 'string' ? headers[name] : undefined),
          text: discard ? undefined : typeof res.data === 'string' ? res.data : '',
        };
      } catch (err) {
        throw toFailure(err, opts.timeoutMs);
      }
    },
  };
}

function toFailure(err: unknown, timeoutMs: number): OutboundFailure {
  if (!axios.isAxiosError(err)) return new OutboundFailure('unreachable', undefined, err instanceof Error ? err.message : String(err));
  const code = err.code;
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED') return new OutboundFailure('timeout', code, `timeout after ${timeoutMs} ms`);
  if (code === 'EFORBIDDENADDRESS' || (err.cause as { code?: unknown } | undefined)?.code === 'EFORBIDDENADDRESS') {
    return new OutboundFailure('forbidden_address', code, err.message);
  }
  if (code === 'ERR_BAD_RESPONSE' && err.message.startsWith('maxContentLength')) return new OutboundFailure('too_large', code, err.message);
  return new OutboundFailure('unreachable', code, err.message);
}

/**
 * Reads and drops at most `limit` bytes of a body, for at most `graceMs`, then destroys the stream. Reading a
 * little lets a small answer end cleanly (the connection is reused). Never rejects: the status is known.
 */
function discardBody(body: Readable | undefined, limit: number, graceMs: number): Promise<void> {
  if (body === undefined || typeof body.on !== 'function') return Promise.resolve();
  return new Promise((resolve) => {
    let seen = 0;
    const done = (): void => {
      clearTimeout(timer);
      body.off('data', onData);
      if (!body.readableEnded) body.destroy();
      resolve();
    };
    const onData = (chunk: Buffer): void => {
      seen += chunk.length;
      if (seen > limit) done();
    };
    const timer = setTimeout(done, graceMs);
    body.on('data', onData);
    body.once('end', done);
    body.once('error', done);
    body.once('close', done);
  });
}
