import { bodyParser } from '@koa/bodyparser';
import type { Context, Next } from 'koa';
import { HttpError } from './errors.js';

const JSON_TYPE = /^application\/([a-z.+-]*\+)?json\s*(;|$)/i;

/**
 * Parses a JSON body with @koa/bodyparser. A body sent without a content type is read as JSON (lenient to
 * clients that forget it); any other declared type is refused with 415 rather than silently read as `{}`.
 */
export function jsonBody(limitBytes: number) {
  const parse = bodyParser({
    enableTypes: ['json'],
    jsonLimit: limitBytes,
    jsonStrict: true,
    detectJSON: (ctx: Context) => !ctx.get('content-type'),
    onError: (err: Error & { status?: number; type?: string }) => {
      if (err.status === 413 || err.type === 'entity.too.large') throw new HttpError(413, `Request body too large: at most ${limitBytes} bytes`);
      if (err.status === 415 || err.type === 'encoding.unsupported' || err.type === 'charset.unsupported') {
        throw new HttpError(415, 'Unsupported Media Type: send application/json in UTF-8');
      }
      throw new HttpError(400, 'Invalid JSON');
    },
  });
  return async (ctx: Context, next: Next): Promise<void> => {
    const type = ctx.get('content-type');
    if (type && !JSON_TYPE.test(type)) throw new HttpError(415, 'Unsupported Media Type: send application/json');
    await parse(ctx, async () => {
      // An empty body parses to {}; the contract calls a body that is not JSON "Invalid JSON".
      if (!ctx.request.rawBody || ctx.request.rawBody.trim() === '') throw new HttpError(400, 'Invalid JSON');
      await next();
    });
  };
}
