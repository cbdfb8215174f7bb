/**
 * Hostile POST /interviews requests, each with the exact answer the contract calls for: a valid body with
 * one thing wrong (a field missing, null, blank, mistyped, too long; a bad e-mail or callback URL), bodies
 * that are not JSON or not objects, wrong content types, oversized bodies, bad tokens, and valid bodies
 * full of odd Unicode (201). Arbitrary JSON objects must get 400 or 422, never anything else.
 */
import fc from 'fast-check';
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { expectContractError, type Answer, type FuzzRequest } from './client.js';
import { badAuth, expectRequestId, extraHeaders, headersWith, oddText, requestId } from './arbitraries.js';

export interface Case {
  kind: string;
  req: FuzzRequest;
  check(a: Answer): void;
}

export interface CreateContext {
  token: string;
  templateId: string;
  bodyLimit: number;
}

type Json = Record<string, unknown>;

const STRING_FIELDS: Array<[string, number]> = [
  ['interview_template_id', 200], ['job_title', 500], ['callback_url', 2048],
  ['candidate.first_name', 200], ['candidate.last_name', 200], ['candidate.phone', 64],
];
const REQUIRED = ['interview_template_id', 'job_title', 'callback_url', 'candidate', 'candidate.first_name', 'candidate.last_name', 'candidate.email'];

function validBody(templateId: string, text: { title: string; first: string; last: string; phone: string; prefs: unknown }): Json {
  const id = randomUUID();
  return {
    interview_template_id: templateId,
    job_id: '6789',
    job_title: `T${text.title}`,
    callback_url: `https://acme.workable.com/interviews/${id}`,
    candidate: { first_name: `F${text.first}`, last_name: `L${text.last}`, email: `c.${id}@example.com`, phone: text.phone },
    preferences: { note: text.prefs },
  };
}

/** Sets (or with `undefined`, deletes) a dotted path in a body. */
function put(body: Json, path: string, value: unknown): Json {
  const copy = structuredClone(body);
  const parts = path.split('.');
  const parent = parts.length === 2 ? (copy[parts[0]!] as Json) : copy;
  if (value === undefined) delete parent[parts[parts.length - 1]!];
  else parent[parts[parts.length - 1]!] = value;
  return copy;
}

// A "__proto__" key anywhere makes the parser refuse the body (prototype poisoning): its own case below.
// Valid preferences stay within PREFERENCES_LIMITS (32 keys counting `note`, 4 KB): larger ones are a 400 case.
const keyCount = (v: unknown): number =>
  v === null || typeof v !== 'object' ? 0 : Array.isArray(v) ? v.reduce((n: number, x) => n + keyCount(x), 0) : Object.values(v).reduce((n: number, x) => n + 1 + keyCount(x), 0);
const prefs = fc
  .jsonValue({ maxDepth: 3 })
  .filter((v) => !JSON.stringify(v).includes('"__proto__"') && keyCount(v) < 32 && JSON.stringify(v).length < 3000 && !/"[^"]{65,}":/.test(JSON.stringify(v)));
const texts = fc.record({ title: oddText, first: oddText, last: oddText, phone: fc.oneof(fc.constant('(785)991-6256'), oddText), prefs });

/** One hostile request and the answer it must get. */
export function createCase(ctx: CreateContext): fc.Arbitrary<Case> {
  const json = (h: Record<string, string>) => ({ 'content-type': 'application/json', ...h });
  const post = (headers: Record<string, string>, body: string | Buffer): FuzzRequest => ({ method: 'POST', path: '/interviews', headers, body });
  const authed = fc.tuple(requestId, extraHeaders).map(([rid, extra]) => ({ rid, headers: headersWith(`Bearer ${ctx.token}`, rid, extra) }));
  const err = (kind: string, r: FuzzRequest, rid: string | undefined, status: number, message: string | RegExp): Case => ({
    kind,
    req: r,
    check: (a) => {
      expectContractError(a, status, message);
      expectRequestId(a, rid);
    },
  });
  const base = texts.map((t) => validBody(ctx.templateId, t));

  return fc.oneof(
    { weight: 3, arbitrary: fc.tuple(authed, base).map(([h, b]): Case => ({
      kind: 'valid',
      req: post(json(h.headers), JSON.stringify(b)),
      check: (a) => {
        expect(a.status, a.text).to.equal(201);
        expect(Object.keys(JSON.parse(a.text) as Json)).to.deep.equal(['interview_id']);
        expect((JSON.parse(a.text) as { interview_id: string }).interview_id).to.match(/^[A-Za-z0-9_-]{22}$/);
      },
    })) },
    { weight: 2, arbitrary: fc.tuple(authed, base, fc.constantFrom(...REQUIRED), fc.constantFrom(undefined, null)).map(([h, b, path, v]) =>
      err('missing', post(json(h.headers), JSON.stringify(put(b, path, v))), h.rid, 422, `Missing field: ${path} should be provided`)) },
    { weight: 2, arbitrary: fc.tuple(authed, base, fc.constantFrom(...REQUIRED.filter((p) => p !== 'candidate')), fc.constantFrom('', '   ', '\t\n')).map(([h, b, path, v]) =>
      err('blank', post(json(h.headers), JSON.stringify(put(b, path, v))), h.rid, 422, `Missing field: ${path} should be provided`)) },
    { weight: 2, arbitrary: fc.tuple(authed, base, fc.constantFrom(...STRING_FIELDS.map(([p]) => p), 'candidate.email', 'job_id'), fc.constantFrom<unknown>(true, false, {}, [], ['x'], { a: 1 }, -1, 1.5)).filter(([, , path, v]) => !(typeof v === 'number' && (path === 'interview_template_id' || path === 'job_id') && Number.isInteger(v) && v >= 0)).map(([h, b, path, v]) =>
      err('mistyped', post(json(h.headers), JSON.stringify(put(b, path, v))), h.rid, 400, `Invalid field: ${path} should be a string`)) },
    { weight: 1, arbitrary: fc.tuple(authed, base, fc.constantFrom('candidate', 'preferences'), fc.constantFrom<unknown>('x', 1, true, ['a'])).map(([h, b, path, v]) =>
      err('not-an-object', post(json(h.headers), JSON.stringify(put(b, path, v))), h.rid, 400, `Invalid field: ${path} should be an object`)) },
    { weight: 1, arbitrary: fc.tuple(authed, base, fc.constantFrom(...STRING_FIELDS), fc.integer({ min: 1, max: 300 })).map(([h, b, [path, max], extra]) =>
      err('too-long', post(json(h.headers), JSON.stringify(put(b, path, `x${'y'.repeat(max + extra - 1)}`))), h.rid, 400, `Invalid field: ${path} should be at most ${max} characters`)) },
    { weight: 1, arbitrary: fc.tuple(authed, base, fc.stringMatching(/^[^@\s]{1,60}$/)).map(([h, b, email]) =>
      err('bad-email', post(json(h.headers), JSON.stringify(put(b, 'candidate.email', email))), h.rid, 400, 'Invalid field: candidate.email should be a valid email address')) },
    { weight: 2, arbitrary: fc.tuple(authed, base, badCallback).map(([h, b, [url, why]]) =>
      err('bad-callback', post(json(h.headers), JSON.stringify(put(b, 'callback_url', url))), h.rid, 400, `Invalid field: callback_url ${why}`)) },
    { weight: 1, arbitrary: fc.tuple(authed, base, fc.constantFrom('{"__proto__":{"polluted":true},', '{"extra":{"__proto__":{"polluted":true}},', '{"deep":{"a":[{"__proto__":{"polluted":1}}]},')).map(([h, b, head]) =>
      err('proto-poisoning', post(json(h.headers), `${head}${JSON.stringify(b).slice(1)}`), h.rid, 400, 'Invalid JSON: keys named "__proto__" are not accepted')) },
    { weight: 2, arbitrary: fc.tuple(authed, notJson).map(([h, body]) => err('not-json', post(json(h.headers), body), h.rid, 400, 'Invalid JSON')) },
    { weight: 1, arbitrary: fc.tuple(authed, fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 })).map(([h, arr]) =>
      err('array', post(json(h.headers), JSON.stringify(arr)), h.rid, 400, 'Invalid JSON: the body should be a JSON object')) },
    { weight: 2, arbitrary: fc.tuple(authed, fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 8 })).map(([h, obj]): Case => ({
      kind: 'any-object',
      req: post(json(h.headers), JSON.stringify(obj)),
      check: (a) => {
        expect([400, 422], a.text).to.include(a.status);
        expectContractError(a, a.status);
      },
    })) },
    { weight: 1, arbitrary: fc.tuple(authed, base, wrongType).map(([h, b, type]) =>
      err('content-type', post({ ...h.headers, 'content-type': type }, JSON.stringify(b)), h.rid, 415, 'Unsupported Media Type: send application/json')) },
    { weight: 1, arbitrary: fc.tuple(authed, fc.integer({ min: 1, max: 60_000 })).map(([h, extra]) =>
      err('oversized', post(json(h.headers), `{"pad":"${'p'.repeat(ctx.bodyLimit + extra)}"}`), h.rid, 413, `Request body too large: at most ${ctx.bodyLimit} bytes`)) },
    { weight: 2, arbitrary: fc.tuple(badAuth(ctx.token), requestId, extraHeaders, base).map(([auth, rid, extra, b]) =>
      err('bad-token', post(json(headersWith(auth.header, rid, extra)), JSON.stringify(b)), rid, 401, auth.message)) },
  );
}

/** Bodies that are not JSON at all, or JSON that is not an object or array (the parser is strict). */
const notJson: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }).filter((s) => s.trim() !== '' && !isStructuredJson(s)),
  fc.jsonValue({ maxDepth: 0 }).map((v) => JSON.stringify(v)).filter((s) => !isStructuredJson(s)),
  fc.constantFrom('', ' ', '{', '{"a":', '[1,2', '{"a":1}}', "{'a':1}", '{"a":undefined}', 'null', 'NaN', '\u0000{}', '{"a":1,}'),
);

function isStructuredJson(s: string): boolean {
  try {
    const v: unknown = JSON.parse(s);
    return typeof v === 'object' && v !== null;
  } catch {
    return false;
  }
}

const wrongType = fc.constantFrom(
  'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'text/html',
  'application/octet-stream', 'image/png', 'text/json', 'application/jsonp', 'json', 'application', 'x/y',
);

/** callback_url values the production policy refuses, with the reason it gives. */
const badCallback: fc.Arbitrary<[string, string]> = fc.oneof(
  fc.stringMatching(/^[a-z0-9 ./_-]{1,40}$/).filter((s) => s.trim() !== '').map((s): [string, string] => [s, 'should be an absolute URL']),
  fc.constantFrom<[string, string]>(
    ['http://acme.workable.com/x', 'should be an https URL'],
    ['ftp://acme.workable.com/x', 'should be an https URL'],
    ['javascript:alert(1)', 'should be an https URL'],
    ['file:///etc/passwd', 'should be an https URL'],
    ['https://user:pw@acme.workable.com/x', 'should not carry credentials'],
    ['https://evil.example/x', 'should be on an allowed host (*.workable.com)'],
    ['https://workable.com.evil.example/x', 'should be on an allowed host (*.workable.com)'],
    ['https://evilworkable.com/x', 'should be on an allowed host (*.workable.com)'],
    ['https://localhost/x', 'should be on an allowed host (*.workable.com)'],
    ['https://8.8.8.8/x', 'should name an allowed host, not an IP address'],
    ['https://127.0.0.1/x', 'should not point at a private or local address'],
    ['https://2130706433/x', 'should not point at a private or local address'],
    ['https://0177.0.0.1/x', 'should not point at a private or local address'],
    ['https://0x7f.1/x', 'should not point at a private or local address'],
    ['https://10.0.0.1/x', 'should not point at a private or local address'],
    ['https://169.254.169.254/latest/meta-data', 'should not point at a private or local address'],
    ['https://[::1]/x', 'should not point at a private or local address'],
    ['https://[::ffff:127.0.0.1]/x', 'should not point at a private or local address'],
    ['https://[::ffff:169.254.169.254]/x', 'should not point at a private or local address'],
    ['https://[fd00:ec2::254]/x', 'should not point at a private or local address'],
    ['https://[fe80::1]/x', 'should not point at a private or local address'],
    ['https://0.0.0.0/x', 'should not point at a private or local address'],
  ),
);
