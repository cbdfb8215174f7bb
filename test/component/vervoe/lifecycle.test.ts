import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { signVervoeBody } from '../../../src/upstreams/vervoe/index.js';
import { pdfLines } from '../../support/pdfText.js';
import { startReceiver, type Receiver } from '../../support/receiver.js';
import { STORE_KINDS, call, eventually, interviewBody } from '../../support/harness.js';
import { startVervoeBridge, type VervoeBridge } from '../../support/vervoeBridge.js';

for (const kind of STORE_KINDS) {
  describe(`a Vervoe account through the bridge (${kind} store)`, function () {
    this.timeout(30000);
    let h: VervoeBridge;
    let receiver: Receiver;

    before(async () => {
      receiver = await startReceiver(() => ({ status: 200 }));
      h = await startVervoeBridge(kind, { bridgeYaml: 'delivery: { base_delay_ms: 20, max_delay_ms: 100, interval_ms: 50 }\npoller: { cron: "0 0 1 1 *" }' });
    });
    after(async () => {
      await h.close();
      await receiver.close();
    });

    const bodies = (path: string) => receiver.hits(path).map((r) => JSON.parse(r.body) as Record<string, unknown>);
    const drive = (uuid: string, action: string, body: unknown = {}) => call(`${h.sandboxUrl}/_sandbox/candidates/${uuid}/${action}`, { body });

    async function newInterview() {
      const path = `/interviews/${randomUUID()}`;
      const body = interviewBody('customer-support-specialist', { callback_url: `${receiver.url}${path}` });
      const res = await call(`${h.url}/interviews`, { token: h.token, body });
      expect(res.status).to.equal(201);
      const id = (res.body as { interview_id: string }).interview_id;
      const email = (body.candidate as { email: string }).email;
      const list = (await call(`${h.sandboxUrl}/_sandbox/candidates?email=${encodeURIComponent(email)}`)).body as Array<{ uuid: string; cardUrl: string }>;
      expect(list).to.have.length(1);
      return { id, path, body, email, uuid: list[0]!.uuid, cardUrl: list[0]!.cardUrl };
    }

    it('shows Vervoe assessments as templates, and a repeated POST sends one invitation', async () => {
      const t = await call(`${h.url}/interview-templates`, { token: h.token });
      expect(t.body).to.deep.equal({ interview_templates: [
        { id: 'customer-support-specialist', name: 'Customer Support Specialist' },
        { id: 'backend-developer-test', name: 'Backend developer test' },
        { id: 'sales-development-rep', name: 'Sales Development Representative' },
      ] });
      const iv = await newInterview();
      const again = await call(`${h.url}/interviews`, { token: h.token, body: iv.body });
      expect(again.body).to.deep.equal({ interview_id: iv.id });
      const sent = (await call(`${h.sandboxUrl}/_sandbox/invitations`)).body as Array<{ email: string; count: number }>;
      expect(sent.filter((s) => s.email === iv.email)).to.deep.equal([{ slug: 'customer-support-specialist', email: iv.email, count: 1 }]);
    });

    it('completed (webhook): one PUT with score, grade, the candidate card and the report', async () => {
      const iv = await newInterview();
      await drive(iv.uuid, 'start');
      await drive(iv.uuid, 'complete', { score: 72, groups: [{ groupName: 'Empathy', scorePercentage: 72 }] });
      await eventually(() => receiver.hits(iv.path).length === 1, 'the completed PUT');
      const put = receiver.hits(iv.path)[0]!;
      expect(put.method).to.equal('PUT');
      expect(put.headers.authorization).to.equal(`Bearer ${h.workableToken}`);
      const body = JSON.parse(put.body) as { status: string; results_url: string; interview: { score: string; grade: string; summary: string; details: Record<string, Record<string, unknown>> }; attachments: Array<{ description: string; url: string }> };
      expect(body.status).to.equal('completed');
      expect(body.results_url).to.equal(iv.cardUrl);
      expect(body.interview).to.deep.include({ score: '72', grade: 'passed' });
      expect(body.interview.summary).to.equal('Lakita Marrero took a Vervoe assessment for Operations Manager (Vervoe status: complete).');
      expect(body.interview.details.Score).to.deep.include({ Percent: '72', 'Scored by': 'TYPE_AI', 'Skill groups': 'Empathy: 72%' });
      expect(body.attachments).to.deep.equal([{ description: 'Assessment Report', url: body.attachments[0]!.url }]);
      const pdf = await fetch(body.attachments[0]!.url);
      expect(pdf.headers.get('content-type')).to.equal('application/pdf');
      // The report draws the skill group beside the overall score, and has no question section (Vervoe gives none).
      const lines = pdfLines(Buffer.from(await pdf.arrayBuffer()));
      expect(lines).to.include.members(['72%', 'Passed', 'Skill scores', 'Empathy', 'Page 1 of 1', 'Times shown in UTC']);
      expect(lines).to.not.include('Questions and answers');
      expect((await call(`${h.url}/interviews/${iv.id}`, { token: h.token })).body).to.deep.equal(body);
      // Every webhook was answered exactly 200, so Vervoe would not re-send.
      const statuses = h.sandbox.state.webhooks.deliveries().filter((d) => d.candidateAssessmentUuid === iv.uuid).map((d) => d.status);
      expect(statuses).to.deep.equal([200, 200]);
    });

    it('expired (Vervoe sends no webhook: the poller finds it): {status: expired}', async () => {
      const iv = await newInterview();
      await drive(iv.uuid, 'expire');
      await h.bridge.scheduler.pollNow('initech');
      await eventually(() => receiver.hits(iv.path).length === 1, 'the expired PUT');
      expect(bodies(iv.path)).to.deep.equal([{ status: 'expired' }]);
    });

    it('rejected by the recruiter after completing: completed with its score, never Workable rejected', async () => {
      const iv = await newInterview();
      await drive(iv.uuid, 'complete', { score: 30 });
      await eventually(() => receiver.hits(iv.path).length === 1, 'the completed PUT');
      await drive(iv.uuid, 'reject');
      await eventually(() => receiver.hits(iv.path).length === 2, 'the updated PUT');
      const last = bodies(iv.path)[1] as { status: string; interview: { score: string; grade: string; details: Record<string, Record<string, unknown>> } };
      expect(last.status).to.equal('completed');
      expect(last.interview).to.deep.include({ score: '30', grade: 'failed' });
      expect(last.interview.details.Assessment).to.deep.include({ 'Vervoe status': 'rejected' });
    });

    it('webhooks: a stale or wrongly signed one is 401, an unknown candidate is 200', async () => {
      const raw = JSON.stringify({ candidateAssessmentUuid: randomUUID(), status: 'complete' });
      const url = `${h.url}/webhooks/vervoe/initech`;
      const send = (sig: string) => call(url, { rawBody: raw, headers: { 'content-type': 'application/json', 'vervoe-signature': sig } });
      const now = Math.floor(Date.now() / 1000);
      expect((await send(signVervoeBody(h.webhookSecret, raw, now - 600))).status).to.equal(401);
      expect((await send(signVervoeBody('not-the-secret', raw, now))).status).to.equal(401);
      const ok = await send(signVervoeBody(h.webhookSecret, raw, now));
      expect(ok.status).to.equal(200);
    });
  });
}
