/**
 * Hand-picked hostile input beside the generated one: deep and huge JSON refused cheaply, header injection
 * and very long headers, and the callback policy against names, mapped, decimal and octal addresses that
 * lead back into the bridge's own network. (Redirects are never followed: test/component/delivery/callbackClient.test.ts,
 * "does not follow a redirect, which would carry the token elsewhere".)
 */
import { expect } from 'chai';
import { callbackUrlProblem, guardedLookup } from '../../../src/domain/callbackPolicy.js';
import { createCallbackClient } from '../../../src/workable/callbackClient.js';
import { call, interviewBody, startHarness, type Harness } from '../../support/harness.js';
import { startReceiver } from '../../support/receiver.js';
import { expectContractError, send, sendRaw } from '../../support/fuzz/client.js';

const PROD = { allowedHosts: ['*.workable.com'], allowLocal: false };

describe('hostile input: deep, huge and malformed requests', function () {
  this.timeout(60_000);
  let h: Harness;
  let templateId: string;
  const post = (body: string, headers: Record<string, string> = {}) =>
    send(h.url, { method: 'POST', path: '/interviews', headers: { authorization: `Bearer ${h.acme.token}`, 'content-type': 'application/json', ...headers }, body });

  before(async () => {
    h = await startHarness('sqlite');
    h.bridge.container.logger.level = 'warn';
    templateId = ((await call(`${h.url}/interview-templates`, { token: h.acme.token })).body as { interview_templates: Array<{ id: string }> }).interview_templates[0]!.id;
  });
  after(() => h.close());

  it('answers a 100 KB deeply nested array quickly with 400', async () => {
    const depth = 50_000;
    const a = await post(`${'['.repeat(depth)}${']'.repeat(depth)}`);
    expectContractError(a, 400, 'Invalid JSON: nested deeper than 64 levels');
    expect(a.ms, `${a.ms} ms`).to.be.below(500);
  });

  it('refuses a valid body whose preferences nest 16,000 levels deep, quickly, with 400 (was a 500)', async () => {
    let nested = '1';
    for (let i = 0; i < 16_000; i++) nested = `{"a":${nested}}`;
    const body = JSON.stringify(interviewBody(templateId)).replace('"preferences":{"key":"value"}', `"preferences":${nested}`);
    expect(Buffer.byteLength(body)).to.be.within(90_000, 102_400);
    const a = await post(body);
    expectContractError(a, 400, 'Invalid JSON: nested deeper than 64 levels');
    expect(a.ms, `${a.ms} ms`).to.be.below(500);
  });

  it('answers 99 KB of keys, and a 5 MB body (declared or chunked) with 413, quickly', async () => {
    const many = `{${Array.from({ length: 7000 }, (_, i) => `"k${i}":${i}`).join(',')}}`;
    expectContractError(await post(many), 422, 'Missing field: interview_template_id should be provided');
    const big = `{"pad":"${'p'.repeat(5 * 1024 * 1024)}"}`;
    const declared = await post(big);
    expectContractError(declared, 413, 'Request body too large: at most 102400 bytes');
    expect(declared.ms).to.be.below(2000);
    const raw = await sendRaw(h.url, `POST /interviews HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${h.acme.token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${(200_000).toString(16)}\r\n${'p'.repeat(200_000)}\r\n0\r\n\r\n`);
    expect(raw).to.match(/^HTTP\/1\.1 413 /);
    expect(raw).to.include('{"status":413,"message":"Request body too large: at most 102400 bytes"}');
  });

  it('refuses wrong content types with 415, before reading the body', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']) {
      expectContractError(await post('a=1', { 'content-type': type }), 415, 'Unsupported Media Type: send application/json');
    }
  });

  it('keeps CR/LF out of the answer: an injected header is not echoed, a bare LF is refused by the parser', async () => {
    const crlf = await sendRaw(h.url, `GET /interview-templates HTTP/1.1\r\nHost: x\r\nX-Request-Id: abc\r\nSet-Cookie: pwned=1\r\nAuthorization: Bearer ${h.acme.token}\r\nConnection: close\r\n\r\n`);
    expect(crlf).to.match(/^HTTP\/1\.1 200 /);
    expect(crlf.toLowerCase()).not.to.include('set-cookie');
    expect(crlf.toLowerCase()).not.to.include('pwned');
    const bareLf = await sendRaw(h.url, `GET /interview-templates HTTP/1.1\r\nHost: x\r\nX-Request-Id: abc\nSet-Cookie: pwned=1\r\nConnection: close\r\n\r\n`);
    expect(bareLf.toLowerCase()).not.to.include('pwned');
    expect(bareLf).not.to.match(/^HTTP\/1\.1 (200|5\d\d) /);
    const encoded = await send(h.url, { method: 'GET', path: '/interview-templates', headers: { authorization: `Bearer ${h.acme.token}`, 'x-request-id': 'abc%0d%0aSet-Cookie:%20x' } });
    expect(encoded.status).to.equal(200);
    expect(String(encoded.headers['x-request-id'])).to.match(/^[0-9a-f-]{36}$/);
    expect(encoded.headers['set-cookie']).to.equal(undefined);
  });

  it('treats very long headers as harmless: 8 KB values answered normally, past 16 KB Node refuses with 431', async () => {
    const longId = await send(h.url, { method: 'GET', path: '/interview-templates', headers: { authorization: `Bearer ${h.acme.token}`, 'x-request-id': 'r'.repeat(8000) } });
    expect(longId.status).to.equal(200);
    expect(String(longId.headers['x-request-id'])).to.have.length(36);
    const longToken = await send(h.url, { method: 'GET', path: '/interview-templates', headers: { authorization: `Bearer ${'t'.repeat(8000)}` } });
    expectContractError(longToken, 401, 'Invalid Token');
    const huge = await sendRaw(h.url, `GET /interview-templates HTTP/1.1\r\nHost: x\r\nX-Pad: ${'p'.repeat(20_000)}\r\nConnection: close\r\n\r\n`);
    // Node's own parser answers before the app sees the request (no JSON body; see docs/reliability.md).
    expect(huge).to.match(/^HTTP\/1\.1 431 /);
  });

  it('answers odd Unicode in every field without a 5xx (lone surrogates, RTL override, NUL)', async () => {
    const odd = '\ud800\u202e\u0000gnp.exe\udfff';
    const body = interviewBody(templateId, { job_title: `T${odd}`, candidate: { first_name: `F${odd}`, last_name: `L${odd}`, email: `odd.${Date.now()}@example.com`, phone: odd } });
    const a = await post(JSON.stringify(body));
    expect(a.status, a.text).to.equal(201);
    const got = await call(`${h.url}/interviews/${(JSON.parse(a.text) as { interview_id: string }).interview_id}`, { token: h.acme.token });
    expect(got.body).to.deep.equal({ status: 'pending' });
  });
});

describe('hostile input: callback addresses that lead into the bridge\'s own network', () => {
  const refused: Array<[string, string]> = [
    ['https://127.0.0.1/x', 'should not point at a private or local address'],
    ['https://2130706433/x', 'should not point at a private or local address'], // decimal 127.0.0.1
    ['https://0177.0.0.01/x', 'should not point at a private or local address'], // octal
    ['https://0x7f000001/x', 'should not point at a private or local address'], // hex
    ['https://[::ffff:127.0.0.1]/x', 'should not point at a private or local address'], // IPv6-mapped
    ['https://[::ffff:a9fe:a9fe]/x', 'should not point at a private or local address'], // mapped 169.254.169.254
    ['https://169.254.169.254/latest/meta-data', 'should not point at a private or local address'],
    ['https://[fd00:ec2::254]/x', 'should not point at a private or local address'],
    ['https://192.168.1.1/x', 'should not point at a private or local address'],
    ['https://localhost/x', 'should be on an allowed host (*.workable.com)'],
  ];
  for (const [url, reason] of refused) {
    it(`refuses ${url}: ${reason}`, () => expect(callbackUrlProblem(url, PROD)).to.equal(reason));
  }

  it('refuses at connect time a name that resolves to loopback, even on an allowed host', async () => {
    const policy = { allowedHosts: ['localhost'], allowLocal: false };
    expect(callbackUrlProblem('https://localhost/x', policy)).to.equal(undefined); // the name passes the shape check...
    const resolved = await new Promise<{ code?: string; message: string }>((resolve) =>
      guardedLookup(policy)('localhost', {}, (err) => resolve({ code: err?.code, message: err?.message ?? 'resolved' })));
    expect(resolved).to.deep.equal({ code: 'EFORBIDDENADDRESS', message: 'callback host localhost resolves to a forbidden address' });
    // ...and the callback client never connects: the receiver on loopback gets nothing.
    const receiver = await startReceiver();
    try {
      const client = createCallbackClient({ timeoutMs: 2000, userAgent: 'test', checkUrl: async () => undefined, lookup: guardedLookup(policy) });
      const port = new URL(receiver.url).port;
      const outcome = await client.put(`http://localhost:${port}/x`, 'secret-token', { status: 'completed' } as never);
      expect(outcome.kind).to.not.equal('delivered');
      expect(String(outcome.error)).to.include('forbidden address');
      expect(String(outcome.error)).not.to.include('secret-token');
      expect(receiver.requests).to.have.length(0);
    } finally {
      await receiver.close();
    }
  });
});
