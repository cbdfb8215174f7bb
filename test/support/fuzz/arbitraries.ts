/**
 * Building blocks of the hostile requests: odd text (lone surrogates, RTL overrides, NUL, emoji), header
 * values a client can legally send, extra headers, and the X-Request-Id check every answer must pass.
 */
import fc from 'fast-check';
import { expect } from 'chai';
import type { Answer } from './client.js';

const char = (min: number, max: number): fc.Arbitrary<string> => fc.integer({ min, max }).map((c) => String.fromCharCode(c));

/** Text meant to break parsers, loggers and renderers. */
export const oddText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.array(fc.constantFrom('\u0000', '\u202e', '\u200f', '\ufeff', '\u2028', '\ud800', '\udfff', '😀', 'ǅ', '\u0301', '\\', '"', '<script>', "'; DROP TABLE x;--", '%00', '${jndi:x}'), { maxLength: 12 }).map((a) => a.join('')),
  fc.tuple(fc.string({ maxLength: 10 }), char(0xd800, 0xdfff), fc.string({ maxLength: 10 })).map(([a, s, b]) => `${a}${s}${b}`),
  // Capped so a name stays within the contract's limits; a cut may leave a lone surrogate, which is welcome.
).map((s) => s.slice(0, 60));

/** A header value Node's client will send: tab, printable ASCII and Latin-1. */
export const headerValue = (maxLength = 200): fc.Arbitrary<string> =>
  fc.string({ unit: fc.oneof(char(0x20, 0x7e), char(0xa0, 0xff), fc.constant('\t')), maxLength });

/** Extra headers with odd names and values, never ones that change how the body is framed or authenticated. */
export const extraHeaders: fc.Arbitrary<Record<string, string>> = fc.dictionary(
  fc.stringMatching(/^x-f-[a-z0-9-]{1,20}$/),
  headerValue(300),
  { maxKeys: 4 },
);

/** X-Request-Id values: sane ones (echoed back), odd ones and very long ones (replaced by a fresh UUID). */
export const requestId: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/),
  headerValue(100),
  fc.integer({ min: 65, max: 4000 }).map((n) => 'r'.repeat(n)),
);

const SANE_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The answer's X-Request-Id is the caller's only when it was sane; anything else was replaced. */
export function expectRequestId(a: Answer, given: string | undefined): void {
  const got = String(a.headers['x-request-id']);
  if (given !== undefined && SANE_ID.test(given)) return void expect(got).to.equal(given);
  // Whitespace at the edges may or may not survive the HTTP parser; either way nothing else is echoed.
  if (given !== undefined && SANE_ID.test(given.trim()) && got === given.trim()) return;
  expect(got).to.match(UUID);
}

/** Common headers of a fuzz request: token (or not), request id, extras. */
export function headersWith(auth: string | undefined, rid: string | undefined, extra: Record<string, string>): Record<string, string> {
  const h: Record<string, string> = { ...extra };
  if (auth !== undefined) h.authorization = auth;
  if (rid !== undefined) h['x-request-id'] = rid;
  return h;
}

/** Authorization headers that must fail, with the message each gets. */
export const badAuth = (validToken: string): fc.Arbitrary<{ header: string | undefined; message: string }> =>
  fc.oneof(
    fc.constant({ header: undefined, message: 'Missing Token' }),
    fc.constantFrom('', 'Bearer', 'Bearer    ', 'bearer\t', 'Basic dXNlcjpwYXNz', 'Token abc', `Basic ${validToken}`).map((header) => ({ header, message: 'Missing Token' })),
    headerValue(120)
      .filter((t) => t.trim() !== '' && t.trim() !== validToken)
      .map((t) => ({ header: `Bearer ${t}`, message: 'Invalid Token' })),
    fc.constant({ header: `Bearer ${validToken}x`, message: 'Invalid Token' }),
    fc.constant({ header: `Bearer ${validToken.slice(0, -1)}`, message: 'Invalid Token' }),
  );
