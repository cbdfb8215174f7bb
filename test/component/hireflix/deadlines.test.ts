import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { keys } from '../../../src/domain/keys.js';
import type { InterviewRecord } from '../../../src/domain/types.js';
import { startReceiver } from '../../support/receiver.js';
import type { Receiver } from '../../support/receiver.js';
import { STORE_KINDS, call, eventually, interviewBody, startHarness } from '../../support/harness.js';
import type { Harness } from '../../support/harness.js';

const DAY = 24 * 3600 * 1000;

for (const kind of STORE_KINDS) {
  describe(`deadlines from the upstream: Hireflix expires (${kind} store)`, function () {
    this.timeout(60_000);
    let h: Harness;
    let receiver: Receiver;
    let offsetMs = 0;
    let templateIds: string[];

    before(async () => {
      receiver = await startReceiver(() => ({ status: 200 }));
      h = await startHarness(kind, {
        // No workers of their own: every job runs when the test says, so nothing races the reads.
        scheduler: false,
        now: () => new Date(Date.now() + offsetMs),
        // The shipped Hireflix profile expires after 30 days; the jobs are driven by hand.
        bridgeYaml: 'delivery: { base_delay_ms: 20, max_delay_ms: 100, interval_ms: 50 }\npoller: { cron: "0 0 1 1 *" }\nexpiry: { cron: "0 0 1 1 *" }',
      });
      const t = await call(`${h.url}/interview-templates`, { token: h.acme.token });
      templateIds = (t.body as { interview_templates: Array<{ id: string }> }).interview_templates.map((x) => x.id);
    });
    beforeEach(() => (offsetMs = 0));
    after(async () => {
      await h.close();
      await receiver.close();
    });

    const sandbox = (path: string, body: unknown) => call(`${h.acme.sandboxUrl}/_sandbox${path}`, { body });
    const record = async (id: string) => (await h.bridge.container.store.get<InterviewRecord>(keys.interview(id)))!;
    const expiryScore = (id: string) => h.bridge.container.store.zscore(keys.expiryIndex, id);

    async function create(template = 0) {
      const path = `/interviews/${randomUUID()}`;
      const res = await call(`${h.url}/interviews`, { token: h.acme.token, body: interviewBody(templateIds[template]!, { callback_url: `${receiver.url}${path}` }) });
      expect(res.status, res.text).to.equal(201);
      const id = (res.body as { interview_id: string }).interview_id;
      const list = (await call(`${h.acme.sandboxUrl}/_sandbox/interviews?externalId=${id}`)).body as Array<{ id: string; expiresAt: string | null }>;
      return { id, path, upstreamId: list[0]!.id, upstreamExpiresAt: list[0]!.expiresAt };
    }

    /** The hint a webhook or a poll would give: reconcile this one now. */
    async function expireAndReconcile(): Promise<void> {
      await h.bridge.scheduler.expireNow();
      await h.bridge.scheduler.reconcileNow();
      await h.bridge.scheduler.deliverNow();
    }

    it('without an upstream deadline, the mapping profile\'s 30 days apply', async () => {
      const iv = await create(2);
      expect(iv.upstreamExpiresAt).to.equal(null);
      const r = await record(iv.id);
      expect(Date.parse(r.expiresAt!) - Date.parse(r.createdAt)).to.equal(30 * DAY);
      expect(r).to.not.have.property('upstreamExpiresAt');
    });

    it('the position\'s deadline, read from the invitation, replaces the profile\'s: expired at 10 days, not 30', async () => {
      const deadline = new Date(Date.now() + 10 * DAY).toISOString();
      expect((await sandbox(`/positions/${templateIds[0]}/deadline`, { expiresAt: deadline })).status).to.equal(200);
      const iv = await create(0);
      expect(iv.upstreamExpiresAt).to.equal(deadline);
      expect((await record(iv.id)).expiresAt).to.equal(deadline);
      expect(await expiryScore(iv.id)).to.equal(Date.parse(deadline));

      offsetMs = 9 * DAY;
      await expireAndReconcile();
      expect(receiver.hits(iv.path)).to.have.length(0);
      offsetMs = 10 * DAY + 60_000;
      await expireAndReconcile();
      await eventually(() => receiver.hits(iv.path).length === 1, 'the expired PUT');
      expect(JSON.parse(receiver.hits(iv.path)[0]!.body)).to.deep.equal({ status: 'expired' });
      await sandbox(`/positions/${templateIds[0]}/deadline`, { expiresAt: null });
    });

    it('a deadline the recruiter extends upstream moves the bridge\'s: still pending past 30 days, expired after the new one', async () => {
      const iv = await create(1);
      const later = new Date(Date.now() + 60 * DAY).toISOString();
      expect((await sandbox(`/interviews/${iv.upstreamId}/deadline`, { expiresAt: later })).status).to.equal(200);
      // No webhook for a deadline change: the next reconcile reads it, here the one the expiry sweep starts.
      offsetMs = 31 * DAY;
      await expireAndReconcile();
      expect(receiver.hits(iv.path)).to.have.length(0);
      const r = await record(iv.id);
      expect([r.expiresAt, r.upstreamExpiresAt, r.current.status]).to.deep.equal([later, later, 'pending']);
      expect(await expiryScore(iv.id)).to.equal(Date.parse(later));
      expect((await call(`${h.url}/interviews/${iv.id}`, { token: h.acme.token })).body).to.deep.equal({ status: 'pending' });

      offsetMs = 61 * DAY;
      await expireAndReconcile();
      await eventually(() => receiver.hits(iv.path).length === 1, 'the expired PUT');
      expect(JSON.parse(receiver.hits(iv.path)[0]!.body)).to.deep.equal({ status: 'expired' });
    });

    it('a candidate who finishes before the upstream deadline is completed, never expired', async () => {
      const iv = await create(1);
      await sandbox(`/interviews/${iv.upstreamId}/deadline`, { expiresAt: new Date(Date.now() + 5 * DAY).toISOString() });
      await sandbox(`/interviews/${iv.upstreamId}/finish`, { score: 3 });
      // The finish webhook marked it; run what the workers would.
      await eventually(async () => (await h.bridge.container.store.zscore(keys.reconcileIndex, iv.id)) !== undefined, 'the webhook');
      await h.bridge.scheduler.reconcileNow();
      await h.bridge.scheduler.deliverNow();
      await eventually(() => receiver.hits(iv.path).length === 1, 'the completed PUT');
      offsetMs = 6 * DAY;
      await expireAndReconcile();
      expect(receiver.hits(iv.path).map((x) => (JSON.parse(x.body) as { status: string }).status)).to.deep.equal(['completed']);
    });

    it('an operator\'s expire is not undone by the upstream deadline the interview has had all along', async () => {
      const deadline = new Date(Date.now() + 20 * DAY).toISOString();
      await sandbox(`/positions/${templateIds[1]}/deadline`, { expiresAt: deadline });
      const iv = await create(1);
      expect((await record(iv.id)).upstreamExpiresAt).to.equal(deadline);
      const ops = await call(`${h.url}/ops/interviews/${iv.id}/expire`, { method: 'POST' });
      expect(ops.status, ops.text).to.equal(200);
      await h.bridge.scheduler.reconcileNow();
      await h.bridge.scheduler.deliverNow();
      await eventually(() => receiver.hits(iv.path).length === 1, 'the expired PUT');
      expect(JSON.parse(receiver.hits(iv.path)[0]!.body)).to.deep.equal({ status: 'expired' });
      await sandbox(`/positions/${templateIds[1]}/deadline`, { expiresAt: null });
    });

    it('the sandbox refuses a deadline that is not a time', async () => {
      const iv = await create(2);
      const res = await sandbox(`/interviews/${iv.upstreamId}/deadline`, { expiresAt: 'soon' });
      expect([res.status, res.body]).to.deep.equal([400, { error: 'body must be {"expiresAt": ISO time, epoch ms, or null}' }]);
    });
  });
}
