/**
 * Errors that carry their HTTP answer. The one error middleware renders every one of them as the contract's
 * `{"status": <code>, "message": "<text>"}`; anything else becomes a generic 500 with details in the log only.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const notFound = (message = 'Not Found'): HttpError => new HttpError(404, message);
