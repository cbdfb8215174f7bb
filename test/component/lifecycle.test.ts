import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { watchMappings } from '../../src/config/watchMappings.js';
import { keys } from '../../src/domain/keys.js';
import { getAttempts, listDeadLetters, outboxSize } from '../../src/domain/outbox.js';
import type { InterviewRecord } from '../../src/domain/types.js';
import { signHireflixBody } from '../../src/upstreams/hireflix/index.js';
import { startReceiver } from '../support/receiver.js';
import type { Receiver, Reply } from '../support/receiver.js';
import { STORE_KINDS, call, eventually, interviewBody, startHarness } from '../support/harness.js';
import type { Harness, TestAccount } from '../support/harness.js';
import { pdfLines } from '../support/pdfText.js';

const DAY = 24 * 3600 * 1000;

for (const kind of STORE_KINDS) {
  describe(`result lifecycles through the sandbox (${kind} store)`, function () {
    this.timeout(30000);
    let h: Harness;
    let receiver: Receiver;
    let offsetMs = 0;
    const replies = new Map<string, Reply[]>();
    let templateId: string;

    before(async () => {
      receiver = await startReceiver((req) => replies.get(req.path)?.shift() ?? { status: 200 });
      h = await startHarness(kind, {
        scheduler: true,
        now: () => new Date(Date.now() + offsetMs),
        bridgeYaml: 'delivery: { base_delay_ms: 20, max_delay_ms: 100, interval_ms: 50 }\npoller: { cron: "0 0 1 1 *" }',
      });
      const t = await call(`${h.url}/interview-templates`, { token: h.acme.token });
      templateId = (t.body as { interview_templates: Array<{ id: string }> }).interview_templates[0]!.id;
    });
    afterEach(function () {
      // On failure, show what the bridge logged at warn level or above: the test output alone rarely says why.
      if (this.currentTest?.state === 'failed') {
        for (const l of h.logs.filter((x) => Number(x.level) >= 40).slice(-20)) console.error(JSON.stringify(l));
      }
    });
    after(async () => {
      await h.close();
      await receiver.close();
    });

    async function newInterview(account: TestAccount = h.acme, answers: Reply[] = []) {
      const path = `/interviews/${randomUUID()}`;
      replies.set(path, answers);
      const res = await call(`${h.url}/interviews`, { token: account.token, body: interviewBody(templateId, { callback_url: `${receiver.url}${path}` }) });
      expect(res.status).to.equal(201);
      const id = (res.body as { interview_id: string }).interview_id;
      const list = (await call(`${account.sandboxUrl}/_sandbox/interviews?externalId=${id}`)).body as Array<{ id: string }>;
      return { id, path, upstreamId: list[0]!.id };
    }
    const drive = (account: TestAccount, upstreamId: string, action: string, body: unknown = {}) =>
      call(`${account.sandboxUrl}/_sandbox/interviews/${upstreamId}/${action}`, { body });
    const bodies = (path: string) => receiver.hits(path).map((r) => JSON.parse(r.body) as Record<string, unknown>);

    it('finished and scored: one PUT with completed, score, grade, share link and a PDF report that opens', async () => {
      const iv = await newInterview();
      await drive(h.acme, iv.upstreamId, 'finish', { score: 4, answers: [{ transcript: 'I have led support teams for five years.' }] });
      await eventually(() => receiver.hits(iv.path).length === 1, 'the completed PUT');
      const put = receiver.hits(iv.path)[0]!;
      expect(put.method).to.equal('PUT');
      expect(put.headers.authorization).to.equal(`Bearer ${h.acme.workableToken}`);
      expect(put.headers['content-type']).to.match(/^application\/json/);
      const body = JSON.parse(put.body) as { status: string; results_url: string; interview: Record<string, unknown>; attachments: Array<{ description: string; url: string }> };
      expect(body.status).to.equal('completed');
      expect(body.interview.score).to.equal('80');
      expect(body.interview.grade).to.equal('excelled');
      expect(body.results_url).to.match(new RegExp(`^${h.acme.sandboxUrl}/_sandbox/shared/`));
      expect(body.attachments).to.have.length(1);
      expect(body.attachments[0]!.description).to.equal('Interview Report');
      expect(body.attachments[0]!.url).to.match(new RegExp(`^${h.url}/reports/[A-Za-z0-9_-]{32}\\.pdf$`));
      const pdf = await fetchBytes(body.attachments[0]!.url);
      expect(pdf.type).to.equal('application/pdf');
      expect(pdf.bytes.subarray(0, 5).toString()).to.equal('%PDF-');
      expect(pdf.bytes.subarray(-6).toString()).to.match(/%%EOF\s*$/);
      const lines = pdfLines(pdf.bytes);
      expect(lines).to.include.members(['Interview report', '80%', 'Excelled', 'Questions and answers', 'TRANSCRIPT', 'Sample answer to "Why this role".']);
      const pages = lines.filter((l) => /^Page \d+ of \d+$/.test(l));
      expect(pages.length).to.be.above(0);
      expect(pages).to.deep.equal(pages.map((_, i) => `Page ${i + 1} of ${pages.length}`));
      // Workable may also ask: the same payload, and the same share link.
      expect((await call(`${h.url}/interviews/${iv.id}`, { token: h.acme.token })).body).to.deep.equal(body);
      const link = await call(`${h.url}/interviews/${iv.id}/shared-link`, { token: h.acme.token });
      // The link was made for 365 days a moment ago: whole days left, rounded down.
      expect(link.body).to.deep.include({ url: body.results_url, ttl_units: 'days' });
      expect(['364', '365']).to.include((link.body as { ttl: string }).ttl);
      // A repeated webhook or poll changes nothing: no second PUT.
      await h.bridge.scheduler.pollNow('acme');
      await h.bridge.scheduler.reconcileNow();
      await h.bridge.scheduler.deliverNow();
      expect(receiver.hits(iv.path)).to.have.length(1);
    });

    it('a score set after completion is delivered again, with the grade it earns', async () => {
      const iv = await newInterview();
      await drive(h.acme, iv.upstreamId, 'finish', {});
      await eventually(() => receiver.hits(iv.path).length === 1, 'the first PUT');
      expect(bodies(iv.path)[0]!.interview).to.not.have.property('score');
      expect(bodies(iv.path)[0]!.interview).to.not.have.property('grade');
      await drive(h.acme, iv.upstreamId, 'score', { score: 2 });
      await eventually(() => receiver.hits(iv.path).length === 2, 'the re-scored PUT');
      expect(bodies(iv.path)[1]!.interview).to.include({ score: '40', grade: 'failed' });
    });

    it('deleted upstream: declined, and nothing more after that', async () => {
      const iv = await newInterview();
      await drive(h.acme, iv.upstreamId, 'delete');
      await eventually(() => receiver.hits(iv.path).length === 1, 'the declined PUT');
      expect(bodies(iv.path)).to.deep.equal([{ status: 'declined' }]);
      expect((await call(`${h.url}/interviews/${iv.id}`, { token: h.acme.token })).body).to.deep.equal({ status: 'declined' });
      const link = await call(`${h.url}/interviews/${iv.id}/shared-link`, { token: h.acme.token });
      expect(link.status).to.equal(404);
    });

    it('left pending past the deadline: expired', async () => {
      const iv = await newInterview();
      await h.bridge.scheduler.expireNow();
      await h.bridge.scheduler.reconcileNow();
      expect(receiver.hits(iv.path)).to.have.length(0);
      offsetMs = 31 * DAY;
      try {
        await h.bridge.scheduler.expireNow();
        await eventually(() => receiver.hits(iv.path).length === 1, 'the expired PUT');
      } finally {
        offsetMs = 0;
      }
      expect(bodies(iv.path)).to.deep.equal([{ status: 'expired' }]);
      // Finishing afterwards changes nothing: expired is final.
      await drive(h.acme, iv.upstreamId, 'finish', { score: 5 });
      await h.bridge.scheduler.reconcileNow();
      await h.bridge.scheduler.deliverNow();
      expect(receiver.hits(iv.path)).to.have.length(1);
    });

    it('poll-only: with webhooks off, the poller notices the change', async () => {
      await call(`${h.globex.sandboxUrl}/_sandbox/webhooks`, { body: { enabled: false } });
      try {
        const t = await call(`${h.url}/interview-templates`, { token: h.globex.token });
        const globexTemplate = (t.body as { interview_templates: Array<{ id: string }> }).interview_templates[0]!.id;
        const path = `/interviews/${randomUUID()}`;
        const res = await call(`${h.url}/interviews`, { token: h.globex.token, body: interviewBody(globexTemplate, { callback_url: `${receiver.url}${path}` }) });
        const id = (res.body as { interview_id: string }).interview_id;
        const list = (await call(`${h.globex.sandboxUrl}/_sandbox/interviews?externalId=${id}`)).body as Array<{ id: string }>;
        await drive(h.globex, list[0]!.id, 'finish', { score: 3 });
        await new Promise((r) => setTimeout(r, 300));
        expect(receiver.hits(path)).to.have.length(0);
        const [summary] = await h.bridge.scheduler.pollNow('globex');
        expect(summary).to.include({ accountId: 'globex', skipped: false, known: 1 });
        await eventually(() => receiver.hits(path).length === 1, 'the polled PUT');
        expect(bodies(path)[0]).to.include({ status: 'completed' });
        expect(receiver.hits(path)[0]!.headers.authorization).to.equal(`Bearer ${h.globex.workableToken}`);
      } finally {
        await call(`${h.globex.sandboxUrl}/_sandbox/webhooks`, { body: { enabled: true } });
      }
    });

    it('Workable answering 503 twice then 200: exactly one success, every attempt recorded', async () => {
      const iv = await newInterview(h.acme, [{ status: 503 }, { status: 503 }]);
      await drive(h.acme, iv.upstreamId, 'finish', { score: 3 });
      await eventually(() => receiver.hits(iv.path).length === 3, 'three attempts');
      await eventually(async () => (await outboxSize(h.bridge.container.store)) === 0 || undefined, 'an empty outbox');
      const attempts = await getAttempts(h.bridge.container.store, iv.id);
      expect(attempts.map((a) => a.status)).to.deep.equal([503, 503, 200]);
      const record = await h.bridge.container.store.get<InterviewRecord>(keys.interview(iv.id));
      expect(record!.deliveredHash).to.be.a('string');
      await h.bridge.scheduler.deliverNow();
      expect(receiver.hits(iv.path)).to.have.length(3);
    });

    it('Workable answering 409: counted as delivered, not retried', async () => {
      const iv = await newInterview(h.acme, [{ status: 409, body: '{"status":409,"message":"Entity is already updated"}' }]);
      await drive(h.acme, iv.upstreamId, 'delete');
      await eventually(() => receiver.hits(iv.path).length === 1, 'the PUT');
      await eventually(async () => (await h.bridge.container.store.get<InterviewRecord>(keys.interview(iv.id)))?.deliveredHash, 'delivery recorded');
      await h.bridge.scheduler.deliverNow();
      expect(receiver.hits(iv.path)).to.have.length(1);
    });

    it('Workable answering 401: kept as a dead letter, not retried', async () => {
      const iv = await newInterview(h.acme, [{ status: 401 }]);
      await drive(h.acme, iv.upstreamId, 'delete');
      await eventually(async () => (await listDeadLetters(h.bridge.container.store, 100)).some((d) => d.interviewId === iv.id) || undefined, 'a dead letter');
      await h.bridge.scheduler.deliverNow();
      expect(receiver.hits(iv.path)).to.have.length(1);
      const attempts = await getAttempts(h.bridge.container.store, iv.id);
      expect(attempts.map((a) => a.status)).to.deep.equal([401]);
    });

    it('a webhook with a bad signature is refused with 401 and changes nothing', async () => {
      const iv = await newInterview();
      const body = JSON.stringify({ event: 'interview.finish', data: { id: iv.upstreamId, externalId: iv.id } });
      // Let the sandbox's own interview.create webhook be answered, and anything it marked be reconciled, first.
      await eventually(async () => {
        const sent = (await call(`${h.acme.sandboxUrl}/_sandbox/webhooks/deliveries`)).body as Array<{ event: string; interviewId: string; status: number | null }>;
        return sent.some((d) => d.interviewId === iv.upstreamId && d.event === 'interview.create' && d.status !== null) || undefined;
      }, 'the create webhook answered');
      await eventually(async () => (await h.bridge.container.store.zscore(keys.reconcileIndex, iv.id)) === undefined || undefined, 'create webhook handled');
      await h.bridge.scheduler.reconcileNow();
      const before = await h.bridge.container.store.get<InterviewRecord>(keys.interview(iv.id));
      const logMark = h.logs.length;
      for (const signature of [undefined, signHireflixBody('wrong-secret', body), 'not base64 at all']) {
        const res = await call(`${h.url}/webhooks/hireflix/acme`, { rawBody: body, headers: { 'content-type': 'application/json', ...(signature ? { 'x-hireflix-signature': signature } : {}) } });
        expect(res.status).to.equal(401);
        expect(res.body).to.deep.equal({ status: 401, message: 'Invalid Signature' });
      }
      expect(await h.bridge.container.store.zscore(keys.reconcileIndex, iv.id)).to.equal(undefined);
      expect(await h.bridge.container.store.get<InterviewRecord>(keys.interview(iv.id))).to.deep.equal(before);
      expect(h.logs.slice(logMark).filter((l) => l.msg === 'webhook accepted')).to.have.length(0);
      const good = await call(`${h.url}/webhooks/hireflix/acme`, { rawBody: body, headers: { 'content-type': 'application/json', 'x-hireflix-signature': signHireflixBody(h.acme.webhookSecret, body) } });
      expect(good.status).to.equal(200);
      expect(good.body).to.deep.equal({ status: 200, message: 'Accepted' });
    });

    it('a webhook for an unknown account, or for another account\'s interview, does nothing', async () => {
      const iv = await newInterview();
      const body = JSON.stringify({ event: 'interview.finish', data: { id: iv.upstreamId, externalId: iv.id } });
      const res = await call(`${h.url}/webhooks/hireflix/nobody`, { rawBody: body, headers: { 'x-hireflix-signature': signHireflixBody(h.acme.webhookSecret, body) } });
      expect(res.status).to.equal(404);
      const cross = await call(`${h.url}/webhooks/hireflix/globex`, { rawBody: body, headers: { 'x-hireflix-signature': signHireflixBody(h.globex.webhookSecret, body) } });
      expect(cross.body).to.deep.equal({ status: 200, message: 'Ignored: not an interview created through this bridge' });
    });

    it('a bad mapping edit is rejected with file and key in the log, and the old profile keeps working', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'wvb-mappings-'));
      const original = readFileSync(new URL('../../config/mappings/hireflix.yaml', import.meta.url), 'utf8');
      writeFileSync(join(dir, 'hireflix.yaml'), original);
      const stop = watchMappings(dir, h.bridge.logger, (name, profile) => h.bridge.container.replaceMapping(name, profile));
      try {
        // A valid edit takes effect: excelled from 90 now, so a 4-star (80%) interview is only "passed".
        writeFileSync(join(dir, 'hireflix.yaml'), original.replace(/excelled_from: \d+/, 'excelled_from: 90'));
        await eventually(() => h.logs.some((l) => l.msg === 'mapping profile reloaded'), 'the reload');
        writeFileSync(join(dir, 'hireflix.yaml'), original.replace(/passed_from: \d+/, 'passed_from: lots'));
        await eventually(() => h.logs.find((l) => l.msg === 'mapping profile rejected; the previous one stays in force'), 'the rejection');
        const problems = h.logs.filter((l) => l.msg === 'mapping profile problem').map((l) => String(l.problem));
        expect(problems.some((p) => p.startsWith(`${dir}/hireflix.yaml: grade.passed_from`))).to.equal(true, problems.join('\n'));
        const iv = await newInterview();
        await drive(h.acme, iv.upstreamId, 'finish', { score: 4 });
        await eventually(() => receiver.hits(iv.path).length === 1, 'the PUT');
        expect(bodies(iv.path)[0]!.interview).to.include({ score: '80', grade: 'passed' });
      } finally {
        stop();
        const { parseMappingProfile } = await import('../../src/config/mappingSchema.js');
        const { parse } = await import('yaml');
        h.bridge.container.replaceMapping('hireflix', parseMappingProfile(parse(original), 'x').profile!);
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

async function fetchBytes(url: string): Promise<{ type: string | undefined; bytes: Buffer }> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ type: res.headers['content-type'], bytes: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

describe('operator: expire a pending interview now (sqlite store)', function () {
  this.timeout(30000);
  let h: Harness;
  let receiver: Receiver;
  before(async () => {
    receiver = await startReceiver();
    h = await startHarness('sqlite', { scheduler: true, bridgeYaml: 'delivery: { interval_ms: 50 }\npoller: { cron: "0 0 1 1 *" }' });
  });
  after(async () => {
    await h.close();
    await receiver.close();
  });

  it('POST /ops/interviews/:id/expire (loopback) sends expired at once; a second time is a 409', async () => {
    const path = `/interviews/${randomUUID()}`;
    const created = await call(`${h.url}/interviews`, { token: h.acme.token, body: interviewBody('64f0c0ffee00000000000001', { callback_url: `${receiver.url}${path}` }) });
    const id = (created.body as { interview_id: string }).interview_id;
    const res = await call(`${h.url}/ops/interviews/${id}/expire`, { method: 'POST' });
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ interview_id: id });
    await eventually(() => receiver.hits(path).length === 1, 'the expired PUT');
    expect(JSON.parse(receiver.hits(path)[0]!.body)).to.deep.equal({ status: 'expired' });
    const again = await call(`${h.url}/ops/interviews/${id}/expire`, { method: 'POST' });
    expect(again.status).to.equal(409);
    expect(again.body).to.deep.equal({ status: 409, message: 'Interview is expired; only a pending interview can be expired' });
    const unknown = await call(`${h.url}/ops/interviews/AAAAAAAAAAAAAAAAAAAAAA/expire`, { method: 'POST' });
    expect(unknown.body).to.deep.equal({ status: 404, message: 'Interview not found' });
  });

  it('is not reachable with a Workable token from elsewhere: the ops guard decides, not the account token', async () => {
    const res = await call(`${h.url}/ops/interviews/AAAAAAAAAAAAAAAAAAAAAA/expire`, { method: 'POST', token: h.acme.token, headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(res.status).to.equal(404);
    expect((res.body as { message: string }).message).to.match(/^Not Found: no route POST /);
  });
});
