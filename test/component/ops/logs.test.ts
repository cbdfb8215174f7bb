import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { signHireflixBody } from '../../../src/upstreams/hireflix/index.js';
import { startReceiver } from '../../support/receiver.js';
import type { Receiver } from '../../support/receiver.js';
import { call, interviewBody } from '../../support/harness.js';
import { startOpsBridge } from '../../support/opsBridge.js';
import type { OpsBridge } from '../../support/opsBridge.js';

async function eventually(probe: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 8000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const parse = (line: string): Record<string, unknown> => JSON.parse(line) as Record<string, unknown>;

describe('logs: JSON lines with a request id, and no secrets or contact details', function () {
  this.timeout(30000);
  const opsToken = `ops-${randomUUID()}`;
  const email = `maria.${randomUUID().slice(0, 8)}@example.org`;
  let b: OpsBridge;
  let receiver: Receiver;

  before(async () => {
    // A careless Workable: its error bodies echo the request, bearer token included.
    receiver = await startReceiver((req) =>
      req.path.includes('refused')
        ? { status: 400, body: `bad request from ${String(req.headers.authorization)} for ${email}` }
        : { status: 200 },
    );
    b = await startOpsBridge({ env: { OPS_TOKEN: opsToken }, bridgeYaml: 'templates_cache_ms: 0' });
  });
  after(async () => {
    await b.close();
    await receiver.close();
  });

  it('a whole life at debug level writes none of the tokens, keys, secrets, e-mail or phone', async () => {
    const templates = await call(`${b.url}/interview-templates`, { token: b.token });
    const templateId = (templates.body as { interview_templates: Array<{ id: string }> }).interview_templates[0]!.id;
    const candidate = { first_name: 'Maria', last_name: 'Lopez', phone: '(785)991-6256', email };
    const upstreamIds: string[] = [];
    for (const path of ['/interviews/accepted', '/interviews/refused']) {
      const created = await call(`${b.url}/interviews`, { token: b.token, body: interviewBody(templateId, { callback_url: `${receiver.url}${path}-${randomUUID()}`, candidate: { ...candidate, email: path.endsWith('refused') ? `x.${email}` : email } }) });
      expect(created.status).to.equal(201);
      const id = (created.body as { interview_id: string }).interview_id;
      upstreamIds.push(((await call(`${b.sandboxUrl}/_sandbox/interviews?externalId=${id}`)).body as Array<{ id: string }>)[0]!.id);
    }
    // The same candidate again in the same position: the upstream refuses it, naming the e-mail.
    await call(`${b.url}/interviews`, { token: b.token, body: interviewBody(templateId, { candidate }) });
    for (const up of upstreamIds) await call(`${b.sandboxUrl}/_sandbox/interviews/${up}/finish`, { body: { score: 3 } });
    await eventually(async () => {
      const sent = (await call(`${b.sandboxUrl}/_sandbox/webhooks/deliveries`)).body as Array<{ event: string; status?: number }>;
      return sent.filter((d) => d.event === 'interview.finish' && d.status === 200).length === 2;
    }, 'the finish webhooks');
    const bad = JSON.stringify({ event: 'interview.finish', data: { id: upstreamIds[0], externalId: null } });
    expect((await call(`${b.url}/webhooks/hireflix/acme`, { rawBody: bad, headers: { 'content-type': 'application/json', 'x-hireflix-signature': signHireflixBody('wrong', bad) } })).status).to.equal(401);
    expect((await call(`${b.url}/ops/reconcile`, { method: 'POST', token: opsToken })).status).to.equal(200);
    expect((await call(`${b.url}/ops/deliver`, { method: 'POST', token: opsToken })).body).to.include({ delivered: 1, dead: 1 });
    expect((await call(`${b.url}/ops/poll`, { method: 'POST', token: opsToken })).status).to.equal(200);
    // Upstream failures, on an API call and inside a job.
    await call(`${b.sandboxUrl}/_sandbox/faults`, { body: { mode: 'rate_limit', count: 2, retryAfterSeconds: 3 } });
    expect((await call(`${b.url}/interview-templates`, { token: b.token })).status).to.equal(503);
    await call(`${b.url}/ops/poll`, { method: 'POST', token: opsToken });
    // Wrong credentials of every kind.
    expect((await call(`${b.url}/interview-templates`, { token: `${b.token}x` })).status).to.equal(401);
    expect((await call(`${b.url}/metrics`, { token: b.workableToken })).status).to.equal(401);

    const everything = b.lines.join('\n');
    expect(b.lines.length).to.be.greaterThan(20);
    expect(everything).to.contain('"msg":"delivery dead-lettered"');
    // Workable's answer (here echoing the token and the e-mail) is not kept: status and class only.
    expect(b.lines.map(parse).find((l) => l.msg === 'delivery dead-lettered')).to.include({ status: 400, error: 'HTTP 400 (Bad Request)' });
    expect(everything).to.contain('"level":20'); // debug lines were written, so they were checked too
    const forbidden: Record<string, string> = {
      'inbound token': b.token,
      'Workable callback token': b.workableToken,
      'Hireflix API key': b.apiKey,
      'webhook secret': b.webhookSecret,
      'ops token': opsToken,
      'candidate e-mail': email,
      'candidate phone as given': '991-6256',
      'candidate phone normalised': '7859916256',
    };
    for (const [what, value] of Object.entries(forbidden)) {
      const leak = b.lines.find((l) => l.includes(value));
      expect(leak, `${what} leaked in: ${leak}`).to.equal(undefined);
    }
  });

  it('a report capability never reaches a log: access lines carry the route pattern, unmatched paths are redacted', async () => {
    const templates = await call(`${b.url}/interview-templates`, { token: b.token });
    const templateId = (templates.body as { interview_templates: Array<{ id: string }> }).interview_templates[0]!.id;
    const path = `/interviews/accepted-${randomUUID()}`;
    const created = await call(`${b.url}/interviews`, { token: b.token, body: interviewBody(templateId, { callback_url: `${receiver.url}${path}` }) });
    const id = (created.body as { interview_id: string }).interview_id;
    const up = ((await call(`${b.sandboxUrl}/_sandbox/interviews?externalId=${id}`)).body as Array<{ id: string }>)[0]!.id;
    await call(`${b.sandboxUrl}/_sandbox/interviews/${up}/finish`, { body: { score: 4 } });
    await eventually(async () => {
      await call(`${b.url}/ops/reconcile`, { method: 'POST', token: opsToken });
      await call(`${b.url}/ops/deliver`, { method: 'POST', token: opsToken });
      return receiver.hits(path).some((r) => r.body.includes('/reports/'));
    }, 'the completed result with its report');
    const put = JSON.parse(receiver.hits(path).find((r) => r.body.includes('/reports/'))!.body) as { attachments: Array<{ url: string }> };
    const reportUrl = put.attachments[0]!.url;
    const capability = /\/reports\/([A-Za-z0-9_-]{32})\.pdf$/.exec(reportUrl)![1]!;
    const unknown = randomUUID().replace(/-/g, '');
    const token = `tk_${randomUUID().replace(/-/g, '')}`;
    const from = b.lines.length;
    expect((await call(reportUrl)).status).to.equal(200);
    expect((await call(`${b.url}/reports/${unknown}.pdf`)).status).to.equal(404);
    const unmatched = await call(`${b.url}/share/${token}/view`);
    expect(unmatched.status).to.equal(404);

    const access = b.lines.slice(from).map(parse).filter((l) => l.msg === 'request');
    expect(access.map((l) => [l.path, l.route, l.status])).to.deep.equal([
      ['/reports/:file', '/reports/:file', 200],
      ['/reports/:file', '/reports/:file', 404],
      ['/share/:redacted/view', null, 404],
    ]);
    for (const secret of [capability, unknown, token]) {
      const leak = b.lines.find((l) => l.includes(secret));
      expect(leak, `${secret} leaked in: ${leak}`).to.equal(undefined);
    }
  });

  it('every line written while serving a request carries its request id, domain lines included', async () => {
    const templates = await call(`${b.url}/interview-templates`, { token: b.token });
    const templateId = (templates.body as { interview_templates: Array<{ id: string }> }).interview_templates[0]!.id;
    const reqId = `ops-${randomUUID()}`;
    const res = await call(`${b.url}/interviews`, { token: b.token, headers: { 'x-request-id': reqId }, body: interviewBody(templateId) });
    expect(res.status).to.equal(201);
    expect(res.headers.get('x-request-id')).to.equal(reqId);
    const mine = b.lines.map(parse).filter((l) => l.reqId === reqId);
    expect(mine.map((l) => l.msg)).to.deep.equal(['interview created', 'request']);
    expect(mine[1]).to.include({ method: 'POST', path: '/interviews', route: '/interviews', status: 201 });
    // No duplicate keys: a line that binds the id and also gets it from the request scope has it once.
    for (const line of b.lines.filter((l) => l.includes(reqId))) expect(line.split('"reqId"').length).to.equal(2);

    const anonymous = await call(`${b.url}/healthz`);
    const generated = anonymous.headers.get('x-request-id') ?? '';
    expect(generated).to.match(/^[0-9a-f-]{36}$/);
    expect(b.lines.map(parse).filter((l) => l.reqId === generated).map((l) => l.msg)).to.deep.equal(['request']);
  });
});
