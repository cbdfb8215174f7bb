import { bodyParser } from '@koa/bodyparser';
import type { Context, Next } from 'koa';
import { HttpError } from './errors.js';

/** Far more than the contract needs (its deepest payload has three levels), far less than a stack overflow. */
const MAX_DEPTH = 64;

/** Deepest nesting of objects and arrays in JSON text, in one pass that skips over strings. */
function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) max = Math.max(max, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

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
      // Valid JSON with a prototype key is refused by the parser's prototype-poisoning guard: say so.
      if (/prototype/i.test(err.message)) throw new HttpError(400, 'Invalid JSON: keys named "__proto__" are not accepted');
      throw new HttpError(400, 'Invalid JSON');
    },
  });
  return async (ctx: Context, next: Next): Promise<void> => {
    const type = ctx.get('content-type');
    if (type && !JSON_TYPE.test(type)) throw new HttpError(415, 'Unsupported Media Type: send application/json');
    await parse(ctx, async () => {
      // An empty body parses to {}; the contract calls a body that is not JSON "Invalid JSON".
      if (!ctx.request.rawBody || ctx.request.rawBody.trim() === '') throw new HttpError(400, 'Invalid JSON');
      // JSON.parse copes with any depth, but recursive code after it (validation, cloning, serialising for
      // the store) does not: 16,000 nested objects in `preferences` used to end in a 500 (stack overflow).
      if (nestingDepth(ctx.request.rawBody) > MAX_DEPTH) throw new HttpError(400, `Invalid JSON: nested deeper than ${MAX_DEPTH} levels`);
      await next();
    });
  };
}
