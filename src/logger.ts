import { AsyncLocalStorage } from 'node:async_hooks';
import pino from 'pino';
import type { Logger } from 'pino';

/** Paths never written to logs: credentials and candidate contact details, also one and two levels down. */
export const REDACT_PATHS = [
  'authorization',
  'token',
  'apiKey',
  'api_key',
  'secret',
  'webhookSecret',
  'workableToken',
  'inboundToken',
  'password',
  'email',
  'phone',
  'candidate',
  '*.authorization',
  '*.Authorization',
  '*.token',
  '*.apiKey',
  '*.api_key',
  '*.secret',
  '*.webhookSecret',
  '*.workableToken',
  '*.inboundToken',
  '*.password',
  '*.email',
  '*.phone',
  '*.candidate',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["X-API-KEY"]',
  '*.headers.authorization',
  '*.headers.Authorization',
  '*.headers["x-api-key"]',
  '*.headers["X-API-KEY"]',
  // Errors from HTTP clients carry the request they made (axios: err.config.headers, err.request).
  'err.config',
  'err.request',
  'err.response',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
];

/**
 * The request a log line belongs to. app.ts runs each request inside it, so lines written deep in the
 * domain through the container's logger (which knows nothing of requests) still carry the request id.
 */
export const requestScope = new AsyncLocalStorage<{ reqId: string }>();

const CENSOR = '[redacted]';
// E-mail addresses can reach a log inside free text (an upstream error message echoing the candidate).
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// A report link is its own capability (it opens the candidate's report): never in a log, in any field.
const REPORT_CAPABILITY = /\/reports\/[A-Za-z0-9_-]{16,}(?:\.pdf)?/g;

/*
 * Phone numbers in the shapes people and Workable write them. Each shape needs punctuation that ordinary
 * numbers in a log line lack (a leading +, a parenthesised area code, digit groups split by spaces or
 * dashes), and boundaries keep it from starting or ending inside a longer token (a UUID, an ISO date, a
 * dotted IP address). Bare digit runs (7859916256) are left alone: they cannot be told from ids, epoch
 * times or counters; the `phone` key itself is redacted by path.
 */
const B = '(?<![\\w.:+-])'; // not inside a word, a number, a time or a dashed token
const E = '(?![\\w.:-])';
/** Each shape with the digit count it needs to be a phone number rather than a date, a count or a range. */
const PHONES: Array<{ re: RegExp; digits: [number, number] }> = [
  // +17859916256, +44 20 7946 0958, +1 (785) 991-6256, +32.491.50.50.50
  { re: new RegExp(`(?<![\\w+])\\+\\d[\\d ().-]{5,22}\\d${E}`, 'g'), digits: [8, 15] },
  // (785)991-6256, (785) 991 6256, (020) 7946 0958
  { re: new RegExp(`(?<![\\w)])\\(\\d{2,5}\\) ?\\d{2,5}(?:[ .-]?\\d{2,5}){0,3}${E}`, 'g'), digits: [7, 15] },
  // 785-991-6256, 785 991 6256, 020 7946 0958, 0044 20 7946 0958 (three groups or more; 2026-12-02 has 8 digits)
  { re: new RegExp(`${B}\\d{2,5}(?:[ -]\\d{2,5}){2,5}${E}`, 'g'), digits: [9, 15] },
  // 785.991.6256 (only this grouping: dotted digits are otherwise versions and addresses)
  { re: new RegExp(`${B}\\d{3}\\.\\d{3}\\.\\d{4}${E}`, 'g'), digits: [10, 10] },
  // 991-6256, a local number without its area code
  { re: new RegExp(`${B}\\d{3}-\\d{4}${E}`, 'g'), digits: [7, 7] },
];
const digitCount = (s: string): number => s.replace(/\D/g, '').length;

/**
 * Replaces phone numbers in free text (see PHONES), up to E.164's 15 digits; shapes with too few digits
 * (durations, counts, dates) stay as they are.
 */
export function scrubPhones(text: string): string {
  let out = text;
  for (const { re, digits: [min, max] } of PHONES) {
    out = out.replace(re, (m) => {
      const n = digitCount(m);
      return n >= min && n <= max ? CENSOR : m;
    });
  }
  return out;
}

/**
 * Last line of defence, on the serialised line: known secret values (from the configuration), e-mail
 * addresses, report capability paths and phone numbers are replaced wherever they appear, including inside messages that redact
 * paths cannot reach.
 */
export function scrubber(secrets: readonly string[] | SecretList): (line: string) => string {
  const list = secrets instanceof SecretList ? secrets : new SecretList(secrets);
  return (line) => {
    // The regular expressions run only where their anchor character is: most lines have no "@" and no
    // report path, and the e-mail pattern alone tried at every position costs more than writing the line.
    let out = line.includes('@') ? line.replace(EMAIL, CENSOR) : line;
    if (out.includes('/reports/')) out = out.replace(REPORT_CAPABILITY, `/reports/${CENSOR}`);
    out = scrubPhones(out);
    for (const v of list.forms) if (out.includes(v)) out = out.split(v).join(CENSOR);
    return out;
  };
}

/**
 * The secret values a logger censors. It can grow while the process runs: accounts reloaded from
 * accounts.yaml bring new tokens and keys, which must be scrubbed from the first line that could carry them.
 * Old values stay listed (a line about a removed account may still quote its token).
 */
export class SecretList {
  private sorted: readonly string[] = [];
  private searched: readonly string[] = [];
  constructor(initial: readonly string[] = []) {
    this.add(initial);
  }
  add(more: readonly string[]): void {
    // Short values would censor ordinary words; the configuration's secrets are long random strings.
    this.sorted = [...new Set([...this.sorted, ...more.filter((s) => s.length >= 8)])].sort((a, b) => b.length - a.length);
    // Each value as written and as it appears inside a JSON string (escaped), worked out once, not per line.
    const escaped = this.sorted.map((v) => JSON.stringify(v).slice(1, -1)).filter((j, i) => j !== this.sorted[i]);
    this.searched = [...this.sorted, ...escaped];
  }
  /** What the scrubber searches for: every value, then the JSON-escaped forms that differ. */
  get forms(): readonly string[] {
    return this.searched;
  }
  get values(): readonly string[] {
    return this.sorted;
  }
}

export interface LoggerOptions {
  level: string;
  pretty: boolean;
  destination?: pino.DestinationStream;
  /** Secret values to censor wherever they appear in a line (tokens, API keys, webhook secrets). */
  secrets?: readonly string[] | SecretList;
}

/** The process logger: JSON lines by default, readable lines in a terminal, secrets and contacts redacted. */
export function createLogger(opts: LoggerOptions): Logger {
  const options: pino.LoggerOptions = {
    level: opts.level,
    base: { service: 'workable-video-bridge' },
    redact: { paths: REDACT_PATHS, censor: CENSOR },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Every line written while serving a request carries its id (no logger binds it: a child per request
    // and logger.bindings() on every line cost more than the line itself).
    mixin: () => {
      const scope = requestScope.getStore();
      // A fresh object each time: pino merges the line's fields into it.
      return scope ? { reqId: scope.reqId } : {};
    },
    hooks: { streamWrite: scrubber(opts.secrets ?? []) },
  };
  if (opts.destination) return pino(options, opts.destination);
  if (opts.pretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } } });
  }
  return pino(options);
}

/**
 * The access log: the process logger without path redaction, for the one line per request whose fields are
 * fixed (reqId, method, the route pattern or redacted path, status, ms) and can hold no secret; redaction
 * by path is most of the cost of a line. The scrubber still runs over it, as over every line.
 */
export function accessLogger(logger: Logger): Logger {
  return logger.child({}, { redact: { paths: [], censor: CENSOR } });
}

const SECRET_KEY = /key|secret|token|password/i;

/** Every secret value the configuration holds (for the scrubber): credentials by key name, Redis password. */
export function configSecrets(config: {
  accounts: ReadonlyArray<{ workableToken: string; upstream: object }>;
  ops: { token?: string | undefined };
  store: { kind: string; url?: string };
  sandbox?: object | undefined;
}): string[] {
  const out: string[] = [];
  const pick = (o: object): void => {
    for (const [k, v] of Object.entries(o)) if (typeof v === 'string' && SECRET_KEY.test(k)) out.push(v);
  };
  for (const a of config.accounts) {
    out.push(a.workableToken);
    pick(a.upstream);
  }
  if (config.ops.token) out.push(config.ops.token);
  if (config.sandbox) pick(config.sandbox);
  if (config.store.url) {
    try {
      const password = decodeURIComponent(new URL(config.store.url).password);
      if (password) out.push(password);
    } catch {
      // not a URL: nothing to take from it
    }
  }
  return out;
}
