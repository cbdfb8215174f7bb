/**
 * Hostile requests for the other endpoints: GET /interview-templates with odd headers, GET /interviews/:id
 * and /shared-link with odd ids and paths (encoded, mis-encoded, traversal, NUL, very long), and signed or
 * unsigned webhooks with odd bodies. Each comes with the exact answer it must get.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { expect } from 'chai';
import { expectContractError, type FuzzRequest } from './client.js';
import { badAuth, expectRequestId, extraHeaders, headersWith, headerValue, oddText, requestId } from './arbitraries.js';
import type { Case } from './createCases.js';

export interface ReadContext {
  token: string;
  /** The exact templates answer for the token's account. */
  templatesBody: unknown;
  /** An interview of the token's account (pending: its shared link is a 404 with a reason). */
  ownId: string;
  ownBody: unknown;
  /** An interview of another account: as unknown as a missing one. */
  foreignId: string;
}

const authedHeaders = (token: string) => fc.tuple(requestId, extraHeaders).map(([rid, extra]) => ({ rid, headers: headersWith(`Bearer ${token}`, rid, extra) }));

function errCase(kind: string, req: FuzzRequest, rid: string | undefined, status: number, message?: string | RegExp): Case {
  return { kind, req, check: (a) => { expectContractError(a, status, message); expectRequestId(a, rid); } };
}

/** GET /interview-templates: the templates with the right token whatever else is sent; 401 otherwise. */
export function templatesCase(ctx: ReadContext): fc.Arbitrary<Case> {
  const accept = fc.constantFrom(undefined, '*/*', 'text/html', 'application/xml', 'application/json;q=0', '', 'garbage/;;;');
  return fc.oneof(
    fc.tuple(authedHeaders(ctx.token), accept, fc.constantFrom('', '?x=1', '?interview_templates=%00', `?${'q'.repeat(2000)}=1`, '?a[b]=c&a[b]=d')).map(([h, acc, query]): Case => ({
      kind: 'templates',
      req: { method: 'GET', path: `/interview-templates${query}`, headers: acc === undefined ? h.headers : { ...h.headers, accept: acc } },
      check: (a) => {
        expect(a.status, a.text).to.equal(200);
        expect(JSON.parse(a.text)).to.deep.equal(ctx.templatesBody);
        expectRequestId(a, h.rid);
      },
    })),
    fc.tuple(badAuth(ctx.token), requestId, extraHeaders).map(([auth, rid, extra]) =>
      errCase('bad-token', { method: 'GET', path: '/interview-templates', headers: headersWith(auth.header, rid, extra) }, rid, 401, auth.message)),
    fc.tuple(authedHeaders(ctx.token), fc.constantFrom('POST', 'PUT', 'DELETE', 'PATCH')).map(([h, method]) =>
      errCase('method', { method, path: '/interview-templates', headers: h.headers, body: '{}' }, h.rid, 405, 'Method Not Allowed')),
  );
}

/** Ids and raw path segments that name no interview of this account. */
const strangeSegment: fc.Arbitrary<string> = fc.oneof(
  oddText.filter((s) => s !== '').map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '?'))),
  fc.stringMatching(/^[A-Za-z0-9_-]{22}$/),
  fc.constantFrom('%', '%zz', '%E0%A4%A', '%ff', '%00', '..%2F..%2Fetc%2Fpasswd', '%2e%2e', 'a%2Fb', '%C0%AF', '%ED%A0%80', ';x=1', '%20', 'x'.repeat(5000)),
);

/** GET /interviews/:id and /interviews/:id/shared-link. */
export function readCase(ctx: ReadContext): fc.Arbitrary<Case> {
  return fc.oneof(
    fc.tuple(authedHeaders(ctx.token), strangeSegment, fc.boolean()).map(([h, seg, link]) =>
      errCase('unknown-id', { method: 'GET', path: `/interviews/${seg}${link ? '/shared-link' : ''}`, headers: h.headers }, h.rid, 404, 'Interview not found')),
    fc.tuple(authedHeaders(ctx.token), fc.boolean()).map(([h, link]) =>
      errCase('foreign-id', { method: 'GET', path: `/interviews/${ctx.foreignId}${link ? '/shared-link' : ''}`, headers: h.headers }, h.rid, 404, 'Interview not found')),
    authedHeaders(ctx.token).map((h): Case => ({
      kind: 'own-id',
      req: { method: 'GET', path: `/interviews/${ctx.ownId}`, headers: h.headers },
      check: (a) => {
        expect(a.status, a.text).to.equal(200);
        expect(JSON.parse(a.text)).to.deep.equal(ctx.ownBody);
      },
    })),
    authedHeaders(ctx.token).map((h) =>
      errCase('own-link-pending', { method: 'GET', path: `/interviews/${ctx.ownId}/shared-link`, headers: h.headers }, h.rid, 404)),
    fc.tuple(badAuth(ctx.token), requestId, extraHeaders, fc.oneof(strangeSegment, fc.constant(ctx.ownId)), fc.boolean()).map(([auth, rid, extra, seg, link]) =>
      errCase('bad-token', { method: 'GET', path: `/interviews/${seg}${link ? '/shared-link' : ''}`, headers: headersWith(auth.header, rid, extra) }, rid, 401, auth.message)),
    fc.tuple(authedHeaders(ctx.token), fc.constantFrom('PUT', 'DELETE', 'PATCH', 'POST')).map(([h, method]) =>
      errCase('method', { method, path: `/interviews/${ctx.ownId}`, headers: h.headers, body: '{}' }, h.rid, 405, 'Method Not Allowed')),
  );
}

export interface WebhookContext {
  account: string;
  secret: string;
}

const sign = (secret: string, body: string | Buffer): string => createHmac('sha256', secret).update(body).digest('base64');

/** POST /webhooks/hireflix/<account>: signature first, then the body; nothing ever 5xx. */
export function webhookCase(ctx: WebhookContext): fc.Arbitrary<Case> {
  const body = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.uint8Array({ maxLength: 300 }).map((u) => Buffer.from(u)),
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
    fc.record({ event: fc.oneof(oddText, fc.constantFrom('interview.finish', 'interview.delete')), date: fc.oneof(fc.integer(), fc.double(), oddText, fc.constant(1e20)), data: fc.record({ id: oddText, externalId: fc.oneof(oddText, fc.constant(null)), updatedAt: fc.oneof(fc.integer(), fc.double(), oddText, fc.constant(8.64e15 + 1)) }) }).map((v) => JSON.stringify(v)),
  );
  const path = `/webhooks/hireflix/${ctx.account}`;
  const ct = fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', '');
  const headers = (type: string, sig: string | undefined, rid: string | undefined, extra: Record<string, string>): Record<string, string> => ({
    ...headersWith(undefined, rid, extra),
    ...(type ? { 'content-type': type } : {}),
    ...(sig !== undefined ? { 'x-hireflix-signature': sig } : {}),
  });
  return fc.oneof(
    { weight: 8, arbitrary: fc.tuple(body, ct, requestId, extraHeaders).map(([b, type, rid, extra]): Case => ({
      kind: 'signed',
      req: { method: 'POST', path, headers: headers(type, sign(ctx.secret, b), rid, extra), body: b },
      check: (a) => {
        // Signed but unreadable: 400; readable, for no interview of this bridge: 200 "Ignored".
        expect([200, 400], a.text).to.include(a.status);
        expectContractError(a, a.status, a.status === 200 ? 'Ignored: not an interview created through this bridge' : 'Invalid webhook body');
        expectRequestId(a, rid);
      },
    })) },
    { weight: 8, arbitrary: fc.tuple(body, ct, fc.oneof(fc.constant(undefined), headerValue(100), fc.base64String({ maxLength: 60 })), requestId, extraHeaders).map(([b, type, sig, rid, extra]) =>
      errCase('unsigned', { method: 'POST', path, headers: headers(type, sig, rid, extra), body: b }, rid, 401, 'Invalid Signature')) },
    { weight: 3, arbitrary: fc.tuple(body, requestId, fc.constantFrom('nobody', 'ACME', 'acme%00', '..%2Facme', 'x'.repeat(300)), fc.constantFrom('hireflix', 'vervoe', 'HIREFLIX', '%00')).map(([b, rid, acct, up]) =>
      errCase('unknown-endpoint', { method: 'POST', path: `/webhooks/${up}/${acct}`, headers: headers('application/json', sign(ctx.secret, b), rid, {}), body: b }, rid, 404, 'No webhook endpoint for this account')) },
    // 1 MB bodies: rare, so the run stays fast.
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 200_000 }), requestId).map(([extra, rid]) => {
      const big = `{"event":"x","data":{"id":"${'i'.repeat(1024 * 1024 + extra)}"}}`;
      return errCase('oversized', { method: 'POST', path, headers: headers('application/json', sign(ctx.secret, big), rid, {}), body: big }, rid, 413, 'Request body too large: at most 65536 bytes'); // webhooks.max_body_bytes default (was 1 MB, no size in the message)
    }) },
  );
}
