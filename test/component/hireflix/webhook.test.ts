import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { createHireflixUpstream, signHireflixBody } from '../../../src/upstreams/hireflix/index.js';
import { inviteInput, startHarness, startReceiver } from '../../support/hireflix.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/hireflix/${name}`, import.meta.url));
const SECRET = 'whsec-test';
const body = fixture('webhook-interview-create.json');
const valid = signHireflixBody(SECRET, body);
const upstream = createHireflixUpstream({ endpoint: 'https://api.hireflix.com/me', apiKey: 'k', webhookSecret: SECRET, timeoutMs: 1000 });

describe('Hireflix webhook signature', () => {
  const cases: Array<[string, Record<string, string | string[] | undefined>, boolean]> = [
    ['valid signature', { 'x-hireflix-signature': valid }, true],
    ['valid signature, header name in another case', { 'X-Hireflix-Signature': valid }, true],
    ['valid signature as the first of repeated headers', { 'x-hireflix-signature': [valid, 'junk'] }, true],
    ['signed with another secret', { 'x-hireflix-signature': signHireflixBody('other-secret', body) }, false],
    ['header missing', {}, false],
    ['header empty', { 'x-hireflix-signature': '' }, false],
    ['truncated signature', { 'x-hireflix-signature': valid.slice(0, 20) }, false],
    ['not base64', { 'x-hireflix-signature': '%%%not-base64%%%' }, false],
    ['hex instead of base64', { 'x-hireflix-signature': Buffer.from(valid, 'base64').toString('hex') }, false],
  ];
  for (const [name, headers, expected] of cases) {
    it(`${name}: ${expected ? 'accepted' : 'refused'}`, () => {
      expect(upstream.verifyWebhook(body, headers)).to.equal(expected);
    });
  }

  it('refuses a body changed by one byte', () => {
    const changed = Buffer.from(body.toString('utf8').replace('pending', 'Pending'));
    expect(upstream.verifyWebhook(changed, { 'x-hireflix-signature': valid })).to.equal(false);
  });

  it('refuses everything when no secret is configured', () => {
    const noSecret = createHireflixUpstream({ endpoint: 'https://api.hireflix.com/me', apiKey: 'k', timeoutMs: 1000 });
    expect(noSecret.verifyWebhook(body, { 'x-hireflix-signature': valid })).to.equal(false);
  });
});

describe('Hireflix webhook parsing', () => {
  it('turns interview.create into a hint with the id, external id and time', () => {
    expect(upstream.parseWebhook(body)).to.deep.equal({
      upstreamId: '68ff5ed8b07cc148bddcae02',
      externalId: null,
      event: 'interview.create',
      changedAt: new Date(1761566424400).toISOString(),
    });
  });

  it('marks interview.delete as deleted and prefers data.updatedAt for the time', () => {
    expect(upstream.parseWebhook(fixture('webhook-interview-delete.json'))).to.deep.equal({
      upstreamId: '68d4164f19367e041b2030c0',
      externalId: 'ivw_7Jq2mZ8pX4',
      event: 'interview.delete',
      changedAt: new Date(1761569999000).toISOString(),
      deleted: true,
    });
  });

  const bad: Array<[string, string]> = [
    ['not JSON', '{"event":'],
    ['no event', '{"data":{"id":"x"}}'],
    ['no data.id', '{"event":"interview.finish","data":{}}'],
    ['an array', '[]'],
  ];
  for (const [name, raw] of bad) {
    it(`throws on a body that is ${name}`, () => {
      expect(() => upstream.parseWebhook(Buffer.from(raw))).to.throw(/^Hireflix webhook body/);
    });
  }
});

describe('Hireflix sandbox webhooks', () => {
  it('sends a signed, verifiable event for every state change and records each delivery', async () => {
    const receiver = await startReceiver(204);
    const h = await startHarness({ webhookUrl: receiver.url });
    try {
      const { upstreamId: id } = await h.upstream.invite(inviteInput('bridge-w1', 'wh@example.com'));
      await h.control.post(`/interviews/${id}/finish`, { score: 4 });
      await h.control.post(`/interviews/${id}/score`, { score: 5 });
      await h.control.post(`/interviews/${id}/shortlist`);
      await h.upstream.archive(id);
      await h.control.post(`/interviews/${id}/delete`);
      await h.sandbox.state.webhooks.idle();

      const hints = receiver.received.map((r) => {
        expect(h.upstream.verifyWebhook(r.raw, r.headers)).to.equal(true);
        return h.upstream.parseWebhook(r.raw);
      });
      expect(hints.map((x) => [x.event, x.upstreamId, x.externalId, x.deleted ?? false])).to.deep.equal([
        ['interview.create', id, 'bridge-w1', false],
        ['interview.finish', id, 'bridge-w1', false],
        ['interview.score-updated', id, 'bridge-w1', false],
        ['interview.status-change', id, 'bridge-w1', false],
        ['interview.status-change', id, 'bridge-w1', false],
        ['interview.delete', id, 'bridge-w1', true],
      ]);
      const first = JSON.parse(receiver.received[0]?.raw.toString('utf8') ?? '{}') as { data: { position: unknown; candidate: object } };
      expect(first.data.position).to.deep.equal({ id: '64f0c0ffee00000000000001', name: 'Customer Support Specialist' });
      expect(first.data.candidate).to.include({ name: 'Ada Lovelace', email: 'wh@example.com' });
      const deliveries = (await h.control.get('/webhooks/deliveries')).data as Array<{ event: string; status: number; signed: boolean }>;
      expect(deliveries.map((d) => [d.event, d.status, d.signed])).to.deep.equal(hints.map((x) => [x.event, 204, true]));
    } finally {
      await h.close();
      await receiver.close();
    }
  });

  it('records a failed delivery without failing the state change', async () => {
    const h = await startHarness();
    try {
      await h.control.post('/webhooks', { url: 'http://127.0.0.1:1/nowhere' });
      const { upstreamId: id } = await h.upstream.invite(inviteInput('bridge-w2'));
      const finished = await h.control.post<{ state: string }>(`/interviews/${id}/finish`);
      expect(finished.status).to.equal(200);
      expect(finished.data.state).to.equal('completed');
      await h.sandbox.state.webhooks.idle();
      const deliveries = (await h.control.get('/webhooks/deliveries')).data as Array<{ event: string; status: number | null; error: string | null }>;
      expect(deliveries.map((d) => [d.event, d.status, d.error])).to.deep.equal([
        ['interview.create', null, 'ECONNREFUSED'],
        ['interview.finish', null, 'ECONNREFUSED'],
      ]);
    } finally {
      await h.close();
    }
  });
});
