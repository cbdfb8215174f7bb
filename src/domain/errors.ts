/**
 * Why the domain refuses a request, without saying how a transport shows it: src/http/errorMiddleware.ts
 * maps each kind to the contract's `{status, message}`.
 * - invalid: the request names something unusable (a template of another account, a refused callback_url).
 * - not_found: what the request asks about does not exist (yet).
 * - conflict: the request does not fit the current state (expiring an interview that is not pending).
 * - unavailable: a transient condition; the same request may succeed a moment later.
 */
export type DomainErrorKind = 'invalid' | 'not_found' | 'conflict' | 'unavailable';

export interface DomainErrorOptions {
  /** Whether the message may be shown to the client (default true); otherwise it is for logs only. */
  safe?: boolean;
  /** How long the client should wait before trying again (kind unavailable). */
  retryAfterMs?: number;
}

export class DomainError extends Error {
  readonly safe: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    opts: DomainErrorOptions = {},
  ) {
    super(message);
    this.name = 'DomainError';
    this.safe = opts.safe ?? true;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

export const invalid = (message: string): DomainError => new DomainError('invalid', message);
export const notFound = (message: string): DomainError => new DomainError('not_found', message);
export const conflict = (message: string): DomainError => new DomainError('conflict', message);
