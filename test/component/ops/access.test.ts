import { expect } from 'chai';
import { isLoopback } from '../../../src/http/opsAuth.js';
import { call } from '../../support/harness.js';
import { spoofRemoteAddress, startOpsBridge } from '../../support/opsBridge.js';
import type { OpsBridge } from '../../support/opsBridge.js';

describe('operator endpoints: who may reach /metrics and /ops/*', function () {
  this.timeout(20000);

  describe('loopback detection', () => {
    const cases: Array<[string | undefined, boolean]> = [
      ['127.0.0.1', true],
      ['127.10.20.30', true],
      ['::1', true],
      ['::ffff:127.0.0.1', true],
      ['::FFFF:127.0.0.2', true],
      ['10.0.0.1', false],
      ['::ffff:10.0.0.1', false],
      ['128.0.0.1', false],
      ['1270.0.0.1', false],
      ['fe80::1', false],
      ['', false],
      [undefined, false],
    ];
    for (const [address, expected] of cases) {
      it(`${String(address)} is ${expected ? '' : 'not '}loopback`, () => expect(isLoopback(address)).to.equal(expected));
    }
  });

  describe('without an ops token', () => {
    let b: OpsBridge;
    before(async () => {
      b = await startOpsBridge();
    });
    after(() => b.close());

    it('a request from this machine reads /metrics', async () => {
      const res = await call(`${b.url}/metrics`);
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.equal('text/plain; version=0.0.4; charset=utf-8');
      expect(res.text).to.contain('# TYPE wvb_http_requests_total counter');
    });

    it('a request from elsewhere gets the 404 of an unknown route, with or without a Workable token', async () => {
      const restore = spoofRemoteAddress(b.bridge.server, '203.0.113.7');
      try {
        for (const token of [undefined, b.token]) {
          const res = await call(`${b.url}/metrics`, { token: token ?? null });
          expect(res.status).to.equal(404);
          expect(res.body).to.deep.equal({ status: 404, message: 'Not Found: no route GET /metrics' });
          const poll = await call(`${b.url}/ops/poll`, { method: 'POST', token: token ?? null });
          expect(poll.status).to.equal(404);
          expect(poll.body).to.deep.equal({ status: 404, message: 'Not Found: no route POST /ops/poll' });
        }
        // A wrong method would answer 405 with an Allow header, telling that the path exists: not here.
        const wrongMethod = await call(`${b.url}/ops/poll`);
        expect(wrongMethod.status).to.equal(404);
        expect(wrongMethod.headers.get('allow')).to.equal(null);
        // Health and readiness stay public: load balancers call them from anywhere.
        expect((await call(`${b.url}/healthz`)).body).to.deep.equal({ status: 'ok' });
        expect((await call(`${b.url}/readyz`)).status).to.equal(200);
      } finally {
        restore();
      }
    });

    it('a request relayed by a proxy on this machine (X-Forwarded-For, Forwarded) is not trusted as local', async () => {
      const relayed: Array<Record<string, string>> = [
        { 'x-forwarded-for': '198.51.100.4' }, { forwarded: 'for=198.51.100.4' }, { 'x-real-ip': '198.51.100.4' },
        // Present but empty is still a proxy's header (found by an outside check: an empty one counted as local).
        { 'x-forwarded-for': '' }, { forwarded: '' }, { 'x-real-ip': '' },
      ];
      for (const headers of relayed) {
        const res = await call(`${b.url}/metrics`, { headers });
        expect(res.status).to.equal(404);
        expect(res.body).to.deep.equal({ status: 404, message: 'Not Found: no route GET /metrics' });
      }
    });
  });

  describe('with OPS_TOKEN set', () => {
    const opsToken = 'ops-token-7f3c9a0d2b5e4e1f8c6a';
    let b: OpsBridge;
    before(async () => {
      b = await startOpsBridge({ env: { OPS_TOKEN: opsToken } });
    });
    after(() => b.close());

    it('without a token, even from this machine: 401 Missing Token', async () => {
      const res = await call(`${b.url}/metrics`);
      expect(res.status).to.equal(401);
      expect(res.body).to.deep.equal({ status: 401, message: 'Missing Token' });
      expect(res.headers.get('www-authenticate')).to.equal('Bearer realm="ops"');
    });

    it('a Workable account token, a wrong token or a prefix of the ops token: 401 Invalid Token', async () => {
      for (const token of [b.token, b.workableToken, 'nope', opsToken.slice(0, -1), `${opsToken}x`]) {
        const res = await call(`${b.url}/ops/deliver`, { method: 'POST', token });
        expect(res.status, token).to.equal(401);
        expect(res.body).to.deep.equal({ status: 401, message: 'Invalid Token' });
      }
    });

    it('the ops token opens them, from anywhere', async () => {
      const restore = spoofRemoteAddress(b.bridge.server, '203.0.113.7');
      try {
        const res = await call(`${b.url}/ops/deliver`, { method: 'POST', token: opsToken });
        expect(res.status).to.equal(200);
        expect(res.body).to.deep.equal({ attempted: 0, delivered: 0, retried: 0, dead: 0, skipped: 0 });
        const metrics = await call(`${b.url}/metrics`, { token: opsToken });
        expect(metrics.status).to.equal(200);
        expect(metrics.text).to.contain('wvb_outbox_size 0');
      } finally {
        restore();
      }
    });

    it('an ops token does not open the Workable API', async () => {
      const res = await call(`${b.url}/interview-templates`, { token: opsToken });
      expect(res.status).to.equal(401);
      expect(res.body).to.deep.equal({ status: 401, message: 'Invalid Token' });
    });
  });
});
