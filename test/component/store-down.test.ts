import { expect } from 'chai';
import { call, interviewBody, startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

describe('when the store is down', function () {
  this.timeout(20000);
  let h: Harness;
  before(async () => {
    h = await startHarness('redis', { redisUrl: 'redis://127.0.0.1:1', webhooks: false });
  });
  after(async () => h.close());

  it('creating an interview answers 503 with a clear message, quickly, and invites no one', async () => {
    const started = Date.now();
    const res = await call(`${h.url}/interviews`, { token: h.acme.token, body: interviewBody('64f0c0ffee00000000000001') });
    expect(Date.now() - started).to.be.below(3000);
    expect(res.status).to.equal(503);
    expect(res.body).to.deep.equal({ status: 503, message: 'Service temporarily unavailable: the bridge cannot reach its store' });
    expect(res.headers.get('retry-after')).to.equal('5');
    expect((await call(`${h.acme.sandboxUrl}/_sandbox/interviews`)).body).to.deep.equal([]);
  });

  it('reading an interview answers 503, not 404 or 500', async () => {
    const res = await call(`${h.url}/interviews/AAAAAAAAAAAAAAAAAAAAAA`, { token: h.acme.token });
    expect(res.status).to.equal(503);
    expect(res.body).to.deep.equal({ status: 503, message: 'Service temporarily unavailable: the bridge cannot reach its store' });
  });

  it('readiness says so', async () => {
    const res = await call(`${h.url}/readyz`);
    expect(res.status).to.equal(503);
    expect(res.body).to.deep.equal({ status: 503, message: 'Not ready: the redis store does not answer' });
  });
});
