/**
 * Tokens and abuse: failed authentication is limited per client address and per presented token (429 with
 * Retry-After) without ever blocking a correct token, and no token or secret reaches a log line or an
 * error body.
 */
import http from 'node:http';
import { expect } from 'chai';
import { AuthLimiter, clientKey, TOO_MANY_FAILURES } from '../../../src/http/authLimiter.js';
import { call, interviewBody, startHarness, type Harness } from '../../support/harness.js';
import { startReceiver } from '../../support/receiver.js';

/** GET from a chosen loopback source address (Linux routes all of 127/8 to lo), so one test has two clients. */
function getFrom(localAddress: string, url: string, token: string): Promise<{ status: number; text: string; retryAfter: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { localAddress, headers: { authorization: `Bearer ${token}` }, agent: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, retryAfter: res.headers['retry-after'] }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('auth limiter: counting failures per client', () => {
  it('blocks the 21st attempt within a minute, tells when to retry, and forgets after the window', () => {
    let now = 1_000_000;
    const l = new AuthLimiter({ now: () => now });
    for (let i = 0; i < 20; i++) {
      expect(l.retryAfterMs('a')).to.equal(0);
      l.recordFailure('a');
      now += 1000;
    }
    expect(l.retryAfterMs('a')).to.equal(40_000); // the oldest failure leaves the window in 40 s
    expect(l.retryAfterMs('b')).to.equal(0);
    now += 40_000;
    expect(l.retryAfterMs('a')).to.equal(0);
  });

  it('keeps memory bounded: beyond maxClients the least recently failing client is forgotten', () => {
    const l = new AuthLimiter({ maxClients: 3, maxFailures: 1 });
    for (const k of ['a', 'b', 'c', 'd']) l.recordFailure(k);
    expect(l.size).to.equal(3);
    expect(l.retryAfterMs('a')).to.equal(0);
    expect(l.retryAfterMs('d')).to.be.greaterThan(0);
  });

  it('counts IPv4-mapped addresses as IPv4 and IPv6 clients by their /64', () => {
    expect(clientKey('::ffff:10.1.2.3')).to.equal('10.1.2.3');
    expect(clientKey('203.0.113.9')).to.equal('203.0.113.9');
    expect(clientKey('2001:db8:1:2:aaaa::1')).to.equal('2001:db8:1:2::/64');
    expect(clientKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).to.equal('2001:db8:1:2::/64');
    expect(clientKey('::1')).to.equal('0:0:0:0::/64');
    expect(clientKey(undefined)).to.equal('unknown');
  });
});

describe('auth limiter and secrets over HTTP', function () {
  this.timeout(30_000);
  let h: Harness;
  before(async () => {
    h = await startHarness('sqlite');
  });
  after(() => h.close());

  it('answers 429 to failing attempts after 20 failures from one address, never to a correct token', async () => {
    const url = `${h.url}/interview-templates`;
    for (let i = 0; i < 20; i++) expect((await getFrom('127.0.0.1', url, `wrong-${i}`)).status).to.equal(401);
    const blocked = await getFrom('127.0.0.1', url, 'wrong-21');
    expect(blocked.status).to.equal(429);
    expect(blocked.text).to.equal(JSON.stringify({ status: 429, message: TOO_MANY_FAILURES }));
    expect(Number(blocked.retryAfter)).to.be.within(55, 60);
    // Changed deliberately (issue 10, finding 2): a correct token is always served, even from that address,
    // since Workable calls every provider from a few shared addresses.
    expect((await getFrom('127.0.0.1', url, h.acme.token)).status).to.equal(200);
    // Another client is untouched, right token or wrong.
    expect((await getFrom('127.0.0.2', url, h.acme.token)).status).to.equal(200);
    expect((await getFrom('127.0.0.2', url, 'wrong')).status).to.equal(401);
    // Requests without credentials are not guesses: still the usual 401.
    expect((await call(url)).body).to.deep.equal({ status: 401, message: 'Missing Token' });
    h.bridge.container.authLimiter.configure({ maxFailures: 1_000_000 });
  });

  it('writes no token, key or secret to any log line or error body, whatever the requests', async () => {
    const receiver = await startReceiver();
    try {
      const templates = await call(`${h.url}/interview-templates`, { token: h.acme.token });
      const templateId = (templates.body as { interview_templates: Array<{ id: string }> }).interview_templates[0]!.id;
      const guesses = [`guess-${'g'.repeat(30)}`, h.globex.workableToken, h.acme.workableToken];
      const bodies: string[] = [];
      for (const t of guesses) bodies.push((await call(`${h.url}/interview-templates`, { token: t })).text);
      bodies.push((await call(`${h.url}/interviews`, { token: h.acme.token, rawBody: `{"bad": "${h.acme.token}"`, headers: { 'content-type': 'application/json' } })).text);
      bodies.push((await call(`${h.url}/interviews`, { token: h.acme.token, body: { ...interviewBody(templateId), job_title: { token: h.acme.token } } })).text);
      const created = await call(`${h.url}/interviews`, { token: h.acme.token, body: interviewBody(templateId, { callback_url: `${receiver.url}/cb` }) });
      const id = (created.body as { interview_id: string }).interview_id;
      const upstream = h.acme.sandbox.state.store.all().find((iv) => iv.externalId === id)!;
      h.acme.sandbox.state.store.finish(upstream.id, { score: 4 });
      await h.acme.sandbox.state.webhooks.idle();
      await h.bridge.scheduler.reconcileNow();
      await h.bridge.scheduler.deliverNow();
      expect(receiver.requests[0]?.headers.authorization).to.equal(`Bearer ${h.acme.workableToken}`); // it was used...
      bodies.push((await call(`${h.url}/webhooks/hireflix/acme`, { rawBody: '{"event":"x"}', headers: { 'x-hireflix-signature': 'bad' } })).text);
      const secrets = [h.acme.token, h.globex.token, h.acme.workableToken, h.globex.workableToken, h.acme.webhookSecret, h.acme.sandbox.apiKey, guesses[0]!];
      expect(h.rawLogs.length).to.be.greaterThan(10);
      for (const s of secrets) {
        expect(h.rawLogs.filter((l) => l.includes(s)), `a log line carries ${s.slice(0, 8)}…`).to.deep.equal([]);
        expect(bodies.filter((b) => b.includes(s)), `an error body carries ${s.slice(0, 8)}…`).to.deep.equal([]);
      }
    } finally {
      await receiver.close();
    }
  });
});
