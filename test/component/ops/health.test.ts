import { expect } from 'chai';
import { call } from '../../support/harness.js';
import { sample, startOpsBridge } from '../../support/opsBridge.js';
import type { OpsBridge } from '../../support/opsBridge.js';

describe('health and readiness', function () {
  this.timeout(20000);

  describe('with a working store', () => {
    let b: OpsBridge;
    before(async () => {
      b = await startOpsBridge({ serverYaml: 'request_timeout_ms: 12000, headers_timeout_ms: 7000, keep_alive_timeout_ms: 61000' });
    });
    after(() => b.close());

    it('/healthz answers 200 {"status":"ok"} to anyone, without a token', async () => {
      const res = await call(`${b.url}/healthz`);
      expect(res.status).to.equal(200);
      expect(res.text).to.equal('{"status":"ok"}');
    });

    it('/readyz answers 200 with the store, the mode and the store\'s safety settings', async () => {
      const res = await call(`${b.url}/readyz`);
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({
        status: 'ready',
        store: 'sqlite',
        mode: 'configured',
        storeSafety: { store: 'sqlite', journalMode: 'wal', synchronous: 'normal', warnings: [] },
      });
    });

    it('the server timeouts are the configured ones, not Node\'s defaults', () => {
      expect(b.bridge.server.requestTimeout).to.equal(12000);
      expect(b.bridge.server.headersTimeout).to.equal(7000);
      expect(b.bridge.server.keepAliveTimeout).to.equal(61000);
    });

    it('while shutting down: /readyz 503, other requests 503 with Connection: close, /healthz still 200', async () => {
      b.bridge.container.shuttingDown = true;
      try {
        const ready = await call(`${b.url}/readyz`);
        expect(ready.status).to.equal(503);
        expect(ready.body).to.deep.equal({ status: 503, message: 'Not ready: shutting down' });
        const api = await call(`${b.url}/interview-templates`, { token: b.token });
        expect(api.status).to.equal(503);
        expect(api.body).to.deep.equal({ status: 503, message: 'Service shutting down: retry shortly' });
        expect(api.headers.get('connection')).to.equal('close');
        expect(api.headers.get('retry-after')).to.equal('5');
        expect((await call(`${b.url}/healthz`)).status).to.equal(200);
      } finally {
        b.bridge.container.shuttingDown = false;
      }
    });
  });

  describe('with Redis unreachable', () => {
    let b: OpsBridge;
    before(async () => {
      // Port 1 on loopback: nothing listens, so every store call fails fast with StoreUnavailableError.
      b = await startOpsBridge({ env: { REDIS_URL: 'redis://127.0.0.1:1', REDIS_PREFIX: `ops-down-${process.pid}` } });
    });
    after(() => b.close());

    it('/readyz answers 503 with the contract body, /healthz stays 200', async () => {
      const ready = await call(`${b.url}/readyz`);
      expect(ready.status).to.equal(503);
      expect(ready.body).to.deep.equal({ status: 503, message: 'Not ready: the redis store does not answer' });
      const live = await call(`${b.url}/healthz`);
      expect(live.status).to.equal(200);
      expect(live.body).to.deep.equal({ status: 'ok' });
    });

    it('/metrics still answers: store down, outbox sizes unknown (NaN) rather than a reassuring 0', async () => {
      const res = await call(`${b.url}/metrics`);
      expect(res.status).to.equal(200);
      expect(sample(res.text, 'wvb_store_up')).to.equal(0);
      expect(sample(res.text, 'wvb_outbox_size')).to.satisfy(Number.isNaN);
      expect(sample(res.text, 'wvb_dead_letters')).to.satisfy(Number.isNaN);
    });
  });
});
