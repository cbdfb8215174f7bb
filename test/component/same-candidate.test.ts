/**
 * One candidate, several Workable interviews (issue 11, point 6): the same candidate sent the same template
 * twice, with two callback_urls, resolves upstream to one interview; both Workable interviews follow it, so
 * both callback_urls receive `completed`, and GET /interviews/:id of each shows it. Hireflix and Vervoe
 * sandboxes, both stores, over real HTTP.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { startReceiver, type Receiver } from '../delivery/receiver.js';
import { startVervoeBridge } from '../vervoe/bridge.js';
import { STORE_KINDS, call, eventually, interviewBody, startHarness, type Harness } from './harness.js';

const bodies = (r: Receiver, path: string) => r.hits(path).map((x) => JSON.parse(x.body) as { status: string; interview?: { score?: string } });

for (const kind of STORE_KINDS) {
  describe(`same candidate, two Workable interviews, Hireflix (${kind} store)`, function () {
    this.timeout(30000);
    let h: Harness;
    let receiver: Receiver;
    let templateId: string;
    before(async () => {
      receiver = await startReceiver();
      h = await startHarness(kind, { scheduler: true, bridgeYaml: 'delivery: { base_delay_ms: 20, max_delay_ms: 100, interval_ms: 50 }\npoller: { cron: "0 0 1 1 *" }' });
      const t = await call(`${h.url}/interview-templates`, { token: h.acme.token });
      templateId = (t.body as { interview_templates: Array<{ id: string }> }).interview_templates[0]!.id;
    });
    after(async () => {
      await h.close();
      await receiver.close();
    });
    const create = async (email: string) => {
      const path = `/interviews/${randomUUID()}`;
      const res = await call(`${h.url}/interviews`, { token: h.acme.token, body: interviewBody(templateId, { callback_url: `${receiver.url}${path}`, candidate: { first_name: 'Ada', last_name: 'Lovelace', email } }) });
      expect(res.status).to.equal(201);
      return { id: (res.body as { interview_id: string }).interview_id, path };
    };
    const upstreamIdOf = async (email: string) => {
      const list = (await call(`${h.acme.sandboxUrl}/_sandbox/interviews?email=${encodeURIComponent(email)}`)).body as Array<{ id: string }>;
      expect(list).to.have.length(1);
      return list[0]!.id;
    };

    it('both callback_urls receive completed with the score when the candidate finishes (webhook)', async () => {
      const email = `ada.${randomUUID().slice(0, 8)}@example.com`;
      const a = await create(email);
      const b = await create(email);
      expect(a.id).to.not.equal(b.id);
      const up = await upstreamIdOf(email);
      await call(`${h.acme.sandboxUrl}/_sandbox/interviews/${up}/finish`, { body: { score: 4 } });
      for (const iv of [a, b]) {
        await eventually(() => bodies(receiver, iv.path).some((x) => x.status === 'completed'), `completed at ${iv.path}`);
        expect(bodies(receiver, iv.path).find((x) => x.status === 'completed')!.interview!.score).to.equal('80');
        const got = await call(`${h.url}/interviews/${iv.id}`, { token: h.acme.token });
        expect(got.status).to.equal(200);
        expect((got.body as { status: string }).status).to.equal('completed');
      }
    });

    it('a re-send after the first interview completed gets completed too', async () => {
      const email = `ada.${randomUUID().slice(0, 8)}@example.com`;
      const a = await create(email);
      const up = await upstreamIdOf(email);
      await call(`${h.acme.sandboxUrl}/_sandbox/interviews/${up}/finish`, { body: { score: 5 } });
      await eventually(() => bodies(receiver, a.path).some((x) => x.status === 'completed'), 'first completed');
      const b = await create(email);
      await eventually(() => bodies(receiver, b.path).some((x) => x.status === 'completed'), 'the re-sent one completed');
      expect(bodies(receiver, b.path).find((x) => x.status === 'completed')!.interview!.score).to.equal('100');
    });
  });

  describe(`same candidate, two Workable interviews, Vervoe (${kind} store)`, function () {
    this.timeout(30000);
    it('both callback_urls receive completed when the candidate completes', async () => {
      const receiver = await startReceiver();
      const v = await startVervoeBridge(kind, { bridgeYaml: 'delivery: { base_delay_ms: 20, max_delay_ms: 100, interval_ms: 50 }' });
      try {
        const t = await call(`${v.url}/interview-templates`, { token: v.token });
        const templateId = (t.body as { interview_templates: Array<{ id: string }> }).interview_templates[0]!.id;
        const email = `ada.${randomUUID().slice(0, 8)}@example.com`;
        const ivs = [];
        for (let i = 0; i < 2; i++) {
          const path = `/interviews/${randomUUID()}`;
          const res = await call(`${v.url}/interviews`, { token: v.token, body: interviewBody(templateId, { callback_url: `${receiver.url}${path}`, candidate: { first_name: 'Ada', last_name: 'Lovelace', email } }) });
          expect(res.status).to.equal(201);
          ivs.push({ id: (res.body as { interview_id: string }).interview_id, path });
        }
        const list = (await call(`${v.sandboxUrl}/_sandbox/candidates?email=${encodeURIComponent(email)}`)).body as Array<{ uuid: string }>;
        expect(list).to.have.length(1);
        await call(`${v.sandboxUrl}/_sandbox/candidates/${list[0]!.uuid}/complete`, { body: { score: 70 } });
        for (const iv of ivs) {
          await eventually(() => bodies(receiver, iv.path).some((x) => x.status === 'completed'), `completed at ${iv.path}`);
          const got = await call(`${v.url}/interviews/${iv.id}`, { token: v.token });
          expect((got.body as { status: string }).status).to.equal('completed');
        }
      } finally {
        await v.close();
        await receiver.close();
      }
    });
  });
}
