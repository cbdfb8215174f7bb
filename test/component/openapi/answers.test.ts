/**
 * The documented answers that the other component tests do not provoke, provoked here through the same
 * harness (so the recorder checks them against the OpenAPI document, and the end-of-run check sees every
 * documented route and status exercised): upstream failures on each route that calls the upstream, the
 * failed-login limit on each Workable route, a store outage on the public routes, and the operator guard's
 * 401, 404 and 405 on every operator route.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { signHireflixBody } from '../../../src/upstreams/hireflix/index.js';
import { call, createThroughBridge, eventually, interviewBody, startHarness, type Harness } from '../../support/harness.js';

const TEMPLATE = '64f0c0ffee00000000000001';
const EVENT = readFileSync(new URL('../../fixtures/hireflix/webhook-interview-create.json', import.meta.url), 'utf8');
const DAY = 86_400_000;

describe('documented answers no other test provokes', function () {
  this.timeout(60_000);

  describe('upstream failures (sqlite store)', () => {
    let h: Harness;
    let clock = Date.now();
    before(async () => {
      h = await startHarness('sqlite', {
        now: () => new Date(clock),
        // Globex's upstream is a closed port: unreachable.
        endpointFor: async (a) => (a.id === 'globex' ? 'http://127.0.0.1:1/me' : `${a.sandboxUrl}/me`),
      });
    });
    after(async () => h.close());
    const fault = (body: unknown) => call(`${h.acme.sandboxUrl}/_sandbox/faults`, { body });

    it('templates: 504 when Hireflix does not answer in time', async () => {
      await fault({ mode: 'timeout', count: 1 });
      const res = await call(`${h.url}/interview-templates`, { token: h.acme.token });
      expect(res.status).to.equal(504);
      expect((res.body as { message: string }).message).to.match(/^Hireflix did not answer .* within 2000 ms$/);
    });

    it('create: 502 when the upstream cannot be reached', async () => {
      const res = await call(`${h.url}/interviews`, { token: h.globex.token, body: interviewBody(TEMPLATE) });
      expect(res.status).to.equal(502);
      expect(res.body).to.have.property('status', 502);
    });

    it('shared link: 503, 504 and 502 when a link past its life must be made again and the upstream fails', async () => {
      const { id, upstreamId } = await createThroughBridge(h, h.acme, TEMPLATE);
      await call(`${h.acme.sandboxUrl}/_sandbox/interviews/${upstreamId}/finish`, { body: { score: 4 } });
      await eventually(async () => {
        await h.bridge.scheduler.pollNow('acme');
        await h.bridge.scheduler.reconcileNow();
        return ((await call(`${h.url}/interviews/${id}`, { token: h.acme.token })).body as { status: string }).status === 'completed';
      }, 'the interview to be completed');
      clock += 365 * DAY; // the stored link has no day left: the next request asks Hireflix for a new one
      const link = () => call(`${h.url}/interviews/${id}/shared-link`, { token: h.acme.token });
      await fault({ mode: 'error', count: 10 });
      const unavailable = await link();
      expect(unavailable.status).to.equal(503);
      await fault({ mode: 'timeout', count: 1 });
      const timedOut = await link();
      expect(timedOut.status).to.equal(504);
      await h.acme.sandbox.close();
      const unreachable = await link();
      expect(unreachable.status).to.equal(502);
    });
  });

  describe('the failed-login limit on every Workable route (sqlite store)', () => {
    let h: Harness;
    before(async () => {
      h = await startHarness('sqlite', { webhooks: false });
    });
    after(async () => h.close());

    it('answers 429 with Retry-After to bad tokens once the address is past its allowance', async () => {
      await eventually(async () => (await call(`${h.url}/interview-templates`, { token: 'wrong' })).status === 429, 'the limit', 30_000);
      for (const [method, path] of [
        ['POST', '/interviews'],
        ['GET', '/interviews/AAAAAAAAAAAAAAAAAAAAAA'],
        ['GET', '/interviews/AAAAAAAAAAAAAAAAAAAAAA/shared-link'],
      ] as const) {
        const res = await call(`${h.url}${path}`, { method, token: 'wrong', ...(method === 'POST' ? { body: interviewBody(TEMPLATE) } : {}) });
        expect(res.status, path).to.equal(429);
        expect(res.headers.get('retry-after'), path).to.match(/^\d+$/);
      }
    });

    it('answers 400 to a signed webhook that is not Hireflix\'s shape', async () => {
      const raw = '{"not":"a webhook"}';
      const res = await call(`${h.url}/webhooks/hireflix/acme`, { rawBody: raw, headers: { 'content-type': 'application/json', 'x-hireflix-signature': signHireflixBody(h.acme.webhookSecret, raw) } });
      expect(res.status).to.equal(400);
      expect(res.body).to.deep.equal({ status: 400, message: 'Invalid webhook body' });
    });
  });

  describe('a store outage on the other routes (redis store, closed port)', () => {
    let h: Harness;
    before(async () => {
      h = await startHarness('redis', { redisUrl: 'redis://127.0.0.1:1', webhooks: false });
    });
    after(async () => h.close());
    const DOWN = { status: 503, message: 'Service temporarily unavailable: the bridge cannot reach its store' };

    it('answers 503 on shared links, reports and webhooks', async () => {
      const link = await call(`${h.url}/interviews/AAAAAAAAAAAAAAAAAAAAAA/shared-link`, { token: h.acme.token });
      expect([link.status, link.body]).to.deep.equal([503, DOWN]);
      const report = await call(`${h.url}/reports/${'A'.repeat(32)}.pdf`);
      expect([report.status, report.body]).to.deep.equal([503, DOWN]);
      const hook = await call(`${h.url}/webhooks/hireflix/acme`, { rawBody: EVENT, headers: { 'content-type': 'application/json', 'x-hireflix-signature': signHireflixBody(h.acme.webhookSecret, EVENT) } });
      expect([hook.status, hook.body]).to.deep.equal([503, DOWN]);
    });
  });

  describe('the operator routes\' guard', () => {
    const ROUTES = ['/ops/poll', '/ops/expire', '/ops/reconcile', '/ops/deliver', '/ops/interviews/AAAAAAAAAAAAAAAAAAAAAA/expire'];
    let withToken: Harness;
    let local: Harness;
    before(async () => {
      withToken = await startHarness('sqlite', { webhooks: false, env: { OPS_TOKEN: 'ops-token-for-the-test' } });
      local = await startHarness('sqlite', { webhooks: false });
    });
    after(async () => {
      await withToken.close();
      await local.close();
    });

    it('with OPS_TOKEN: 401 without it, 405 with Allow for another method with it', async () => {
      for (const path of ROUTES) {
        const res = await call(`${withToken.url}${path}`, { method: 'POST' });
        expect([path, res.status, res.body]).to.deep.equal([path, 401, { status: 401, message: 'Missing Token' }]);
        const wrong = await call(`${withToken.url}${path}`, { method: 'GET', token: 'ops-token-for-the-test' });
        expect([path, wrong.status, wrong.headers.get('allow')]).to.deep.equal([path, 405, 'POST']);
      }
      const metrics = await call(`${withToken.url}/metrics`, { method: 'POST', token: 'ops-token-for-the-test' });
      expect([metrics.status, metrics.headers.get('allow')]).to.deep.equal([405, 'GET, HEAD']);
    });

    it('without OPS_TOKEN: the 404 of an unknown route to a request through a proxy', async () => {
      for (const path of ROUTES) {
        const res = await call(`${local.url}${path}`, { method: 'POST', headers: { 'x-forwarded-for': '203.0.113.9' } });
        expect([path, res.status, res.body]).to.deep.equal([path, 404, { status: 404, message: `Not Found: no route POST ${path}` }]);
      }
    });
  });
});
