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

/**
 * Last line of defence, on the serialised line: known secret values (from the configuration) and e-mail
 * addresses are replaced wherever they appear, including inside messages that redact paths cannot reach.
 */
export function scrubber(secrets: readonly string[]): (line: string) => string {
  // Short values would censor ordinary words; the configuration's secrets are long random strings.
  const values = [...new Set(secrets.filter((s) => s.length >= 8))].sort((a, b) => b.length - a.length);
  return (line) => {
    let out = line.replace(EMAIL, CENSOR);
    for (const v of values) if (out.includes(v)) out = out.split(v).join(CENSOR);
    for (const v of values) {
      const json = JSON.stringify(v).slice(1, -1); // the value as it appears inside a JSON string
      if (json !== v && out.includes(json)) out = out.split(json).join(CENSOR);
    }
    return out;
  };
}

export interface LoggerOptions {
  level: string;
  pretty: boolean;
  destination?: pino.DestinationStream;
  /** Secret values to censor wherever they appear in a line (tokens, API keys, webhook secrets). */
  secrets?: readonly string[];
}

/** The process logger: JSON lines by default, readable lines in a terminal, secrets and contacts redacted. */
export function createLogger(opts: LoggerOptions): Logger {
  const options: pino.LoggerOptions = {
    level: opts.level,
    base: { service: 'workable-video-bridge' },
    redact: { paths: REDACT_PATHS, censor: CENSOR },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Adds the request id unless the logger already binds one (ctx.state.log is such a child).
    mixin: (_obj, _level, logger) => {
      const scope = requestScope.getStore();
      if (!scope || 'reqId' in logger.bindings()) return {};
      return { reqId: scope.reqId };
    },
    hooks: { streamWrite: scrubber(opts.secrets ?? []) },
  };
  if (opts.destination) return pino(options, opts.destination);
  if (opts.pretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } } });
  }
  return pino(options);
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
