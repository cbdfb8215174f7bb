import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { signHireflixBody } from '../../../src/upstreams/hireflix/index.js';
import { startReceiver } from '../../support/receiver.js';
import type { Receiver, Reply } from '../../support/receiver.js';
import { call, interviewBody } from '../../support/harness.js';
import { sample, startOpsBridge } from '../../support/opsBridge.js';
import type { OpsBridge } from '../../support/opsBridge.js';

async function eventually(probe: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 8000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('Prometheus metrics at GET /metrics', function () {
  this.timeout(30000);
  let b: OpsBridge;
  let receiver: Receiver;
  const replies = new Map<string, Reply>();
  let templateId: string;
  const scrape = async (): Promise<string> => {
    const res = await call(`${b.url}/metrics`);
    expect(res.status).to.equal(200);
    return res.text;
  };
  const value = async (series: string): Promise<number> => sample(await scrape(), series) ?? 0;

  before(async () => {
    receiver = await startReceiver((req) => replies.get(req.path) ?? { status: 200 });
    // No template cache: every interview creation asks the upstream, so upstream faults are seen at once.
    b = await startOpsBridge({ bridgeYaml: 'templates_cache_ms: 0' });
    const t = await call(`${b.url}/interview-templates`, { token: b.token });
    templateId = (t.body as { interview_templates: Array<{ id: string }> }).interview_templates[0]!.id;
  });
  after(async () => {
    await b.close();
    await receiver.close();
  });

  it('counts requests by matched route pattern and status, never by raw path', async () => {
    const id = randomUUID();
    expect((await call(`${b.url}/interviews/${id}`, { token: b.token })).status).to.equal(404);
    expect((await call(`${b.url}/no/such/${id}`)).status).to.equal(404);
    const text = await scrape();
    expect(sample(text, 'wvb_http_requests_total{method="GET",route="/interview-templates",status="200"}')).to.equal(1);
    expect(sample(text, 'wvb_http_requests_total{method="GET",route="/interviews/:id",status="404"}')).to.equal(1);
    expect(sample(text, 'wvb_http_requests_total{method="GET",route="unmatched",status="404"}')).to.equal(1);
    expect(text).to.not.contain(id);
    expect(sample(text, 'wvb_http_request_duration_seconds_count{method="GET",route="/interviews/:id"}')).to.equal(1);
  });

  it('counts upstream calls by operation and outcome, with latency', async () => {
    const okBefore = await value('wvb_upstream_calls_total{upstream="hireflix",operation="listTemplates",outcome="ok"}');
    await call(`${b.sandboxUrl}/_sandbox/faults`, { body: { mode: 'error', count: 1 } });
    const failed = await call(`${b.url}/interview-templates`, { token: b.token });
    expect(failed.status).to.equal(503);
    expect((await call(`${b.url}/interview-templates`, { token: b.token })).status).to.equal(200);
    const text = await scrape();
    expect(sample(text, 'wvb_upstream_calls_total{upstream="hireflix",operation="listTemplates",outcome="unavailable"}')).to.equal(1);
    expect(sample(text, 'wvb_upstream_calls_total{upstream="hireflix",operation="listTemplates",outcome="ok"}')).to.equal(okBefore + 1);
    expect(sample(text, 'wvb_upstream_call_duration_seconds_count{upstream="hireflix",operation="listTemplates"}')).to.equal(okBefore + 2);
  });

  it('counts webhook signature failures by upstream', async () => {
    const body = JSON.stringify({ event: 'interview.finish', data: { id: 'x', externalId: 'y' } });
    for (const secret of ['wrong', 'also-wrong']) {
      const res = await call(`${b.url}/webhooks/hireflix/acme`, { rawBody: body, headers: { 'content-type': 'application/json', 'x-hireflix-signature': signHireflixBody(secret, body) } });
      expect(res.status).to.equal(401);
    }
    expect(await value('wvb_webhook_signature_failures_total{upstream="hireflix"}')).to.equal(2);
  });

  it('counts deliveries by outcome and shows the outbox and dead letters as gauges', async () => {
    const cases: Array<[string, Reply]> = [['delivered', { status: 200 }], ['conflict', { status: 409 }], ['retry', { status: 503 }], ['dead', { status: 422 }]];
    const upstreamIds: string[] = [];
    for (const [name, reply] of cases) {
      const path = `/interviews/${name}-${randomUUID()}`;
      replies.set(path, reply);
      const created = await call(`${b.url}/interviews`, { token: b.token, body: interviewBody(templateId, { callback_url: `${receiver.url}${path}` }) });
      expect(created.status).to.equal(201);
      const id = (created.body as { interview_id: string }).interview_id;
      const list = (await call(`${b.sandboxUrl}/_sandbox/interviews?externalId=${id}`)).body as Array<{ id: string }>;
      upstreamIds.push(list[0]!.id);
    }
    for (const up of upstreamIds) await call(`${b.sandboxUrl}/_sandbox/interviews/${up}/finish`, { body: { score: 4 } });
    // The sandbox's finish webhooks mark the interviews; wait until the bridge has taken all four.
    await eventually(async () => {
      const sent = (await call(`${b.sandboxUrl}/_sandbox/webhooks/deliveries`)).body as Array<{ event: string; status?: number }>;
      return sent.filter((d) => d.event === 'interview.finish' && d.status === 200).length === 4;
    }, 'the finish webhooks');
    const reconciled = await call(`${b.url}/ops/reconcile`, { method: 'POST' });
    expect(reconciled.status).to.equal(200);
    expect(reconciled.body).to.include({ reconciled: 4 });
    expect(await value('wvb_outbox_size')).to.equal(4);
    const delivered = await call(`${b.url}/ops/deliver`, { method: 'POST' });
    expect(delivered.body).to.deep.equal({ attempted: 4, delivered: 2, retried: 1, dead: 1, skipped: 0 });
    const text = await scrape();
    for (const [name] of cases) expect(sample(text, `wvb_deliveries_total{outcome="${name}"}`), name).to.equal(1);
    expect(sample(text, 'wvb_outbox_size')).to.equal(1);
    expect(sample(text, 'wvb_dead_letters')).to.equal(1);
    expect(sample(text, 'wvb_store_up')).to.equal(1);
  });

  it('POST /ops/poll runs a poll cycle and returns its summary; its duration and changes are measured', async () => {
    const res = await call(`${b.url}/ops/poll?account=acme`, { method: 'POST' });
    expect(res.status).to.equal(200);
    const polls = (res.body as { polls: Array<{ accountId: string; skipped: boolean; changes: number }> }).polls;
    expect(polls).to.have.length(1);
    expect(polls[0]).to.include({ accountId: 'acme', skipped: false });
    const text = await scrape();
    expect(sample(text, 'wvb_poll_cycles_total{account="acme",outcome="ok"}')).to.equal(1);
    expect(sample(text, 'wvb_poll_duration_seconds_count{account="acme"}')).to.equal(1);
    expect(sample(text, 'wvb_poll_changes_total{account="acme"}')).to.equal(polls[0]!.changes);
    expect(polls[0]!.changes).to.be.greaterThan(0);
    const unknown = await call(`${b.url}/ops/poll?account=nope`, { method: 'POST' });
    expect(unknown.status).to.equal(404);
    expect(unknown.body).to.deep.equal({ status: 404, message: 'Unknown account' });
  });

  it('POST /ops/expire answers how many overdue interviews it marked', async () => {
    const res = await call(`${b.url}/ops/expire`, { method: 'POST' });
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ marked: 0 });
  });

  it('each bridge has its own registry: a second one in the same process starts from zero', async () => {
    const other = await startOpsBridge();
    try {
      const text = (await call(`${other.url}/metrics`)).text;
      expect(sample(text, 'wvb_webhook_signature_failures_total{upstream="hireflix"}')).to.equal(undefined);
      expect(sample(text, 'wvb_http_requests_total{method="GET",route="/interview-templates",status="200"}')).to.equal(undefined);
      expect(await value('wvb_webhook_signature_failures_total{upstream="hireflix"}')).to.equal(2);
    } finally {
      await other.close();
    }
  });
});
