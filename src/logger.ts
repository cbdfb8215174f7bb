import pino from 'pino';
import type { Logger } from 'pino';

/** Paths never written to logs: credentials and candidate contact details. */
export const REDACT_PATHS = [
  'authorization',
  'token',
  'apiKey',
  'api_key',
  'secret',
  'webhookSecret',
  'workableToken',
  'password',
  'email',
  'phone',
  '*.authorization',
  '*.Authorization',
  '*.token',
  '*.apiKey',
  '*.secret',
  '*.webhookSecret',
  '*.workableToken',
  '*.password',
  '*.email',
  '*.phone',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'candidate.email',
  'candidate.phone',
  '*.candidate.email',
  '*.candidate.phone',
];

/** The process logger: JSON lines by default, readable lines in a terminal, secrets and contacts redacted. */
export function createLogger(opts: { level: string; pretty: boolean; destination?: pino.DestinationStream }): Logger {
  const options: pino.LoggerOptions = {
    level: opts.level,
    base: { service: 'workable-video-bridge' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (opts.destination) return pino(options, opts.destination);
  if (opts.pretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } } });
  }
  return pino(options);
}
