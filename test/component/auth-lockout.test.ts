/**
 * Issue 10, finding 2: one tenant's bad tokens must not lock out the others. Two accounts call from one
 * address (as Workable does); 50 invalid tokens from that address; both accounts' valid tokens (and the
 * ops token) are still served on every route, while the invalid ones get 429 with Retry-After.
 */
import { expect } from 'chai';
import { TOO_MANY_FAILURES } from '../../src/http/authLimiter.js';
import { call, interviewBody, startHarness } from '../support/harness.js';
import type { Harness, TestAccount } from '../support/harness.js';

const OPS_TOKEN = 'ops-lockout-test-9d2c7b1e';

describe('failed-login limit: never a lockout of valid tokens', function () {
  this.timeout(60_000);
  let h: Harness;
  before(async () => {
    h = await startHarness('sqlite', { webhooks: false, env: { OPS_TOKEN } });
  });
  after(() => h.close());

  async function everyRoute(a: TestAccount): Promise<void> {
    const templates = await call(`${h.url}/interview-templates`, { token: a.token });
    expect(templates.status, `${a.id} templates`).to.equal(200);
    const templateId = (templates.body as { interview_templates: Array<{ id: string }> }).interview_templates[0]!.id;
    const created = await call(`${h.url}/interviews`, { token: a.token, body: interviewBody(templateId) });
    expect(created.status, `${a.id} create`).to.equal(201);
    const id = (created.body as { interview_id: string }).interview_id;
    const got = await call(`${h.url}/interviews/${id}`, { token: a.token });
    expect(got.status, `${a.id} get`).to.equal(200);
    expect(got.body).to.deep.equal({ status: 'pending' });
    // The contract's answer for a pending interview's link (not a 429).
    const link = await call(`${h.url}/interviews/${id}/shared-link`, { token: a.token });
    expect(link.status, `${a.id} shared-link`).to.equal(404);
    expect((link.body as { status: number }).status).to.equal(404);
  }

  it('50 invalid tokens from one address: 401 up to the limit, then 429 with Retry-After; both accounts still served', async () => {
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 50; i++) {
      last = await call(`${h.url}/interview-templates`, { token: `stale-${i}` });
      statuses.push(last.status);
      // Valid tokens interleaved with the failures, from the same address: never refused.
      if (i % 10 === 9) {
        expect((await call(`${h.url}/interview-templates`, { token: h.acme.token })).status).to.equal(200);
        expect((await call(`${h.url}/interview-templates`, { token: h.globex.token })).status).to.equal(200);
      }
    }
    expect(statuses.slice(0, 20)).to.deep.equal(Array(20).fill(401));
    expect(statuses.slice(20)).to.deep.equal(Array(30).fill(429));
    expect(last!.body).to.deep.equal({ status: 429, message: TOO_MANY_FAILURES });
    expect(Number(last!.headers.get('retry-after'))).to.be.within(1, 60);
    await everyRoute(h.acme);
    await everyRoute(h.globex);
    const metrics = await call(`${h.url}/metrics`, { token: OPS_TOKEN });
    expect(metrics.status).to.equal(200);
    expect((await call(`${h.url}/ops/deliver`, { method: 'POST', token: OPS_TOKEN })).status).to.equal(200);
    // Failing ops tokens from that address are refused too, the right one is not.
    const wrongOps = await call(`${h.url}/ops/deliver`, { method: 'POST', token: 'not-the-ops-token' });
    expect(wrongOps.body).to.deep.equal({ status: 429, message: TOO_MANY_FAILURES });
    // Still no lockout, and no credentials is still the plain 401.
    expect((await call(`${h.url}/interview-templates`)).body).to.deep.equal({ status: 401, message: 'Missing Token' });
  });

  it('keeps memory bounded: tracked keys stay within maxClients', () => {
    expect(h.bridge.container.authLimiter.size).to.be.at.most(10_000).and.at.least(1);
  });
});

describe('failed-login limit per presented token', function () {
  this.timeout(60_000);
  let h: Harness;
  before(async () => {
    h = await startHarness('sqlite', { webhooks: false, env: { TRUST_PROXY_HOPS: '1' } });
  });
  after(() => h.close());

  it('one stale token retried from many addresses is refused after the limit; a fresh one is told 401', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) {
      statuses.push((await call(`${h.url}/interview-templates`, { token: 'the-stale-token', headers: { 'x-forwarded-for': `198.51.100.${i + 1}` } })).status);
    }
    expect(statuses.slice(0, 20)).to.deep.equal(Array(20).fill(401));
    expect(statuses.slice(20)).to.deep.equal(Array(5).fill(429));
    const fresh = await call(`${h.url}/interview-templates`, { token: 'a-mistyped-token', headers: { 'x-forwarded-for': '198.51.100.77' } });
    expect(fresh.body).to.deep.equal({ status: 401, message: 'Invalid Token' });
    const valid = await call(`${h.url}/interview-templates`, { token: h.acme.token, headers: { 'x-forwarded-for': '198.51.100.1' } });
    expect(valid.status).to.equal(200);
  });
});
