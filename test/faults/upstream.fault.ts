/**
 * Upstream throttling (429 + Retry-After), 5xx, timeouts and refused connections, through the sandbox's
 * fault API. Creation answers Workable at once with a clear 502/503/504 in the contract's body (a retry
 * later makes one invitation); reconcile backs off (30 s, or longer when Retry-After says so) and completes
 * later. Time is a clock handed to the bridge, so backing off costs the test nothing.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { call, interviewBody, startHarness, type Harness } from '../support/harness.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { reportFigures, tally } from './util.js';

describe('fault: the upstream throttles, fails and times out', function () {
  this.timeout(120_000);
  let h: Harness;
  let receiver: Receiver;
  let clock = Date.now();

  before(async () => {
    h = await startHarness('redis', { now: () => new Date(clock) });
    receiver = await startReceiver();
  });
  after(async () => {
    await h.close();
    await receiver.close();
  });

  const arm = (mode: string, count: number, retryAfterSeconds?: number) =>
    call(`${h.acme.sandboxUrl}/_sandbox/faults`, { body: { mode, count, ...(retryAfterSeconds ? { retryAfterSeconds } : {}) } });
  const stats = async () => ((await call(`${h.acme.sandboxUrl}/_sandbox/stats`)).body as { graphqlRequests: number }).graphqlRequests;
  const templateOf = async (token: string) => ((await call(`${h.url}/interview-templates`, { token })).body as { interview_templates: Array<{ id: string }> }).interview_templates[0]!.id;

  it('answers creation with 503, 503, 504 and 502 in the contract body, and a retry later invites once', async () => {
    const templateId = await templateOf(h.acme.token);
    const globexTemplate = await templateOf(h.globex.token);
    const body = interviewBody(templateId);
    const cases: Array<[string, number, string, string | null, number]> = [];
    const attempt = async (label: string, token: string, b: Record<string, unknown>) => {
      const started = Date.now();
      const res = await call(`${h.url}/interviews`, { token, body: b });
      cases.push([label, res.status, (res.body as { message?: string }).message ?? '', res.headers.get('retry-after'), Date.now() - started]);
      return res;
    };
    await arm('rate_limit', 1, 7);
    expect((await attempt('429 Retry-After 7', h.acme.token, body)).body).to.deep.equal({ status: 503, message: 'Hireflix rate-limited inviting a candidate (retry after 7 s)' });
    await arm('error', 1);
    expect((await attempt('503', h.acme.token, body)).body).to.deep.equal({ status: 503, message: 'Hireflix answered HTTP 503 while inviting a candidate' });
    await arm('timeout', 1);
    expect((await attempt('timeout', h.acme.token, body)).body).to.deep.equal({ status: 504, message: 'Hireflix did not answer inviting a candidate within 2000 ms' });
    await h.globex.sandbox.close(); // connection refused from now on
    expect((await attempt('refused', h.globex.token, interviewBody(globexTemplate))).body).to.deep.equal({ status: 502, message: 'Hireflix could not be reached while inviting a candidate (ECONNREFUSED)' });
    const ok = await attempt('retry, no fault', h.acme.token, body);
    reportFigures('upstream faults at creation', { answers: cases.map(([label, status, message, retryAfter, ms]) => ({ label, status, message, retryAfter, ms })) });
    expect(cases[0]![3]).to.equal('7');
    expect(ok.status).to.equal(201);
    const email = (body.candidate as { email: string }).email;
    const invites = h.acme.sandbox.state.store.invitations().filter((i) => i.email === email);
    expect(invites.map((i) => i.count)).to.deep.equal([1]);
  });

  it('backs reconcile off on 429 (honouring Retry-After), 5xx and timeouts, then completes and delivers', async () => {
    const templateId = await templateOf(h.acme.token);
    const figures: Array<Record<string, unknown>> = [];
    for (const [mode, retryAfter, waitS] of [['rate_limit', 60, 60], ['error', undefined, 30], ['timeout', undefined, 30]] as const) {
      const path = `/interviews/${mode}-${randomUUID()}`;
      const created = await call(`${h.url}/interviews`, { token: h.acme.token, body: interviewBody(templateId, { callback_url: `${receiver.url}${path}` }) });
      const id = (created.body as { interview_id: string }).interview_id;
      const upstream = h.acme.sandbox.state.store.all().find((iv) => iv.externalId === id)!;
      const s = h.bridge.scheduler;
      // Earlier hints (invitation webhooks) out of the way, so the one armed fault meets this interview.
      await h.acme.sandbox.state.webhooks.idle();
      clock += 3600_000;
      await s.reconcileNow();
      h.acme.sandbox.state.store.finish(upstream.id, { score: 4 });
      await h.acme.sandbox.state.webhooks.idle();
      await arm(mode, 1, retryAfter);
      const first = await s.reconcileNow();
      const before = await stats();
      const again = await s.reconcileNow(); // not due: no upstream call at all
      clock += (waitS - 1) * 1000;
      const early = await s.reconcileNow(); // a second before the back-off ends: still nothing
      const quiet = (await stats()) - before;
      clock += 2000;
      const later = await s.reconcileNow();
      const delivery = await s.deliverNow();
      figures.push({ mode, first, again, early, upstreamCallsWhileBackingOff: quiet, backoffS: waitS, later, delivery: tally(receiver.hits(path).map(() => 'PUT')) });
      expect(first.failed).to.equal(1);
      expect(again).to.deep.include({ reconciled: 0, failed: 0 });
      expect(early).to.deep.include({ reconciled: 0, failed: 0 });
      expect(quiet).to.equal(0);
      expect(later).to.deep.include({ reconciled: 1, enqueued: 1, failed: 0 });
      expect(delivery.delivered).to.equal(1);
      expect(receiver.hits(path)).to.have.length(1);
      expect((JSON.parse(receiver.hits(path)[0]!.body) as { status: string }).status).to.equal('completed');
    }
    reportFigures('upstream faults in reconcile', { runs: figures });
  });
});
