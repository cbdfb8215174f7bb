import { expect } from 'chai';
import { call, startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

const TOO_MANY = { status: 429, message: 'Too many failed authentication attempts; retry later' };

async function failLogins(h: Harness, headers: Record<string, string>, n = 25): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) statuses.push((await call(`${h.url}/interview-templates`, { token: `wrong-${i}`, headers })).status);
  return statuses;
}

describe('failed-login limits behind a load balancer', () => {
  describe('trust_proxy_hops 1 (TRUST_PROXY_HOPS=1)', () => {
    let h: Harness;
    before(async () => {
      h = await startHarness('sqlite', { webhooks: false, env: { TRUST_PROXY_HOPS: '1' } });
    });
    after(async () => h.close());

    it('blocks the client named by the balancer, not everyone behind it', async () => {
      const statuses = await failLogins(h, { 'x-forwarded-for': '203.0.113.7' });
      expect(statuses.slice(0, 20)).to.deep.equal(Array(20).fill(401));
      expect(statuses.slice(20)).to.deep.equal(Array(5).fill(429));
      // A correct token is always served (changed deliberately, issue 10 finding 2); failing ones are refused.
      const blocked = await call(`${h.url}/interview-templates`, { token: 'wrong-fresh', headers: { 'x-forwarded-for': '203.0.113.7' } });
      expect(blocked.body).to.deep.equal(TOO_MANY);
      expect((await call(`${h.url}/interview-templates`, { token: h.acme.token, headers: { 'x-forwarded-for': '203.0.113.7' } })).status).to.equal(200);
      const other = await call(`${h.url}/interview-templates`, { token: 'wrong-other', headers: { 'x-forwarded-for': '198.51.100.20' } });
      expect(other.body).to.deep.equal({ status: 401, message: 'Invalid Token' });
    });

    it('takes the balancer-appended entry, so a client cannot pick its own address', async () => {
      const statuses = await failLogins(h, { 'x-forwarded-for': '1.2.3.4, 192.0.2.55' });
      expect(statuses.slice(20)).to.deep.equal(Array(5).fill(429));
      const spoofed = await call(`${h.url}/interview-templates`, { token: 'wrong-spoofed', headers: { 'x-forwarded-for': '9.9.9.9, 192.0.2.55' } });
      expect(spoofed.status).to.equal(429);
    });
  });

  describe('trust_proxy_hops 0 (the default)', () => {
    let h: Harness;
    before(async () => {
      h = await startHarness('sqlite', { webhooks: false });
    });
    after(async () => h.close());

    it('ignores X-Forwarded-For: the TCP peer is the client', async () => {
      await failLogins(h, { 'x-forwarded-for': '203.0.113.7' });
      const other = await call(`${h.url}/interview-templates`, { token: 'wrong-other', headers: { 'x-forwarded-for': '198.51.100.20' } });
      expect(other.body).to.deep.equal(TOO_MANY);
    });
  });
});
