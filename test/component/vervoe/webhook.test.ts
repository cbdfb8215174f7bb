import { expect } from 'chai';
import {
  createVervoeUpstream,
  parseDurationText,
  parseVervoeWebhook,
  pickScore,
  signVervoeBody,
  toUpstreamInterview,
  verifyVervoeSignature,
  vervoeDateTime,
} from '../../../src/upstreams/vervoe/index.js';
import { startReceiver, type Receiver } from '../../support/receiver.js';
import { inviteInput, startVervoe, T0, type VervoeHarness } from '../../support/vervoe.js';
import * as S from '../../support/vervoeSchemas.js';

const SECRET = 'whsec-vervoe';
const nowMs = T0;

describe('Vervoe webhooks', () => {
  describe('signature', () => {
    const body = Buffer.from('{"candidateAssessmentUuid":"u-1","status":"complete"}');
    const t = Math.floor(nowMs / 1000);
    const verify = (headers: Record<string, string>, raw = body, secret = SECRET, at = nowMs) =>
      verifyVervoeSignature(secret, raw, headers, { toleranceSeconds: 300, nowMs: at });

    it('accepts t=<unix>,hash=<hex HMAC-SHA256 of "t.body">, in either header case', () => {
      const header = signVervoeBody(SECRET, body, t);
      S.check(S.signatureHeader, header, 'signature header');
      expect(verify({ 'vervoe-signature': header })).to.equal(true);
      expect(verify({ 'Vervoe-Signature': header })).to.equal(true);
      expect(verify({ 'vervoe-signature': ` t=${t} , hash=${header.split('hash=')[1]!.toUpperCase()}` })).to.equal(true);
    });

    it('refuses a wrong secret, a missing or malformed header, a tampered body, and no configured secret', () => {
      const header = signVervoeBody(SECRET, body, t);
      expect(verify({ 'vervoe-signature': signVervoeBody('other', body, t) })).to.equal(false);
      expect(verify({})).to.equal(false);
      expect(verify({ 'vervoe-signature': 'garbage' })).to.equal(false);
      expect(verify({ 'vervoe-signature': `t=${t}` })).to.equal(false);
      expect(verify({ 'vervoe-signature': `hash=${header.split('hash=')[1]!}` })).to.equal(false);
      expect(verify({ 'vervoe-signature': header }, Buffer.from(body.toString().replace('complete', 'expired')))).to.equal(false);
      expect(verifyVervoeSignature(undefined, body, { 'vervoe-signature': header }, { toleranceSeconds: 300, nowMs })).to.equal(false);
      // The timestamp is signed too: moving it breaks the hash.
      expect(verify({ 'vervoe-signature': header.replace(`t=${t}`, `t=${t + 1}`) })).to.equal(false);
    });

    it('refuses a replay older (or newer) than the tolerance, accepts one at its edge', () => {
      const header = signVervoeBody(SECRET, body, t);
      expect(verify({ 'vervoe-signature': header }, body, SECRET, nowMs + 300_000)).to.equal(true);
      expect(verify({ 'vervoe-signature': header }, body, SECRET, nowMs + 301_000)).to.equal(false);
      expect(verify({ 'vervoe-signature': header }, body, SECRET, nowMs - 301_000)).to.equal(false);
    });

    it('honours the configured tolerance', () => {
      const up = createVervoeUpstream({ apiKey: 'k', secretKey: 's', webhookSecret: SECRET, timeoutMs: 1000, webhookToleranceSeconds: 30, now: () => nowMs + 31_000 });
      expect(up.verifyWebhook(body, { 'vervoe-signature': signVervoeBody(SECRET, body, t) })).to.equal(false);
    });
  });

  describe('payload and helpers', () => {
    it('parses the documented body into a hint', () => {
      const raw = Buffer.from(JSON.stringify({
        candidateAssessmentUuid: 'cbb3e136-ef30-4452-955b-1835a79caa65', status: 'complete', completedAt: '2020-03-10T08:39:58+00:00', startedAt: '2020-03-10T08:39:46+00:00',
        score: { type: 'TYPE_MANUAL', score: 100, scoreByFormat: 100 }, integrationCandidateCardUrl: 'https://api.vervoe.com/integration_candidate_card', timeTaken: '2 minutes 19 seconds', submitTime: '11 minutes 49 seconds',
      }));
      expect(parseVervoeWebhook(raw)).to.deep.equal({ upstreamId: 'cbb3e136-ef30-4452-955b-1835a79caa65', externalId: null, event: 'complete', changedAt: '2020-03-10T08:39:58.000Z' });
      expect(parseVervoeWebhook(Buffer.from('{"candidateAssessmentUuid":"u","status":"in progress"}'))).to.deep.equal({ upstreamId: 'u', externalId: null, event: 'in_progress' });
      expect(() => parseVervoeWebhook(Buffer.from('{"status":"complete"}'))).to.throw('lacks candidateAssessmentUuid');
      expect(() => parseVervoeWebhook(Buffer.from('not json'))).to.throw('not JSON');
    });

    it('picks the overall score from score.score, else a numeric scoreByFormat', () => {
      expect(pickScore({ type: 'TYPE_AI', score: 64, scoreByFormat: [{ groupName: 'G', scorePercentage: 10 }] })).to.equal(64);
      expect(pickScore({ type: 'TYPE_MANUAL', score: '55', scoreByFormat: 55 })).to.equal(55);
      expect(pickScore({ type: 'TYPE_MANUAL', scoreByFormat: 70 })).to.equal(70);
      expect(pickScore({ type: 'TYPE_MANUAL', scoreByFormat: 'Good' })).to.equal(null);
      expect(pickScore(null)).to.equal(null);
    });

    it('reads the skill groups as skills for the report chart, and as texts for the details', () => {
      const report = (scoreByFormat: unknown) => toUpstreamInterview({ candidateAssessmentUuid: 'u', status: 'complete', score: { type: 'TYPE_AI', score: 70, scoreByFormat } });
      const listed = report([
        { groupName: 'Empathy', scorePercentage: 60 },
        { groupName: 'Culture', scoreType: 2, scorePercentage: 0, resultWithAdditionalText: 'Strong fit' },
        { groupName: 'Typing', result: 'n/a' },
        { scorePercentage: 10 },
        { groupName: 'Unscored' },
      ]);
      expect(listed.skills).to.deep.equal([{ name: 'Empathy', percent: 60 }, { name: 'Culture', text: 'Strong fit' }, { name: 'Typing', text: 'n/a' }]);
      expect(listed.fields['score.groups']).to.deep.equal(['Empathy: 60%', 'Culture: Strong fit', 'Typing: n/a']);
      expect(report({ groupName: 'Writing', ScoreType: 1, scorePercentage: '84' }).skills).to.deep.equal([{ name: 'Writing', percent: 84 }]);
      expect(report(70).skills).to.equal(undefined);
    });

    it('reads duration texts and writes the documented filter time', () => {
      expect(parseDurationText('2 minutes 19 seconds')).to.equal(139);
      expect(parseDurationText('1 hour 1 minute 1 second')).to.equal(3661);
      expect(parseDurationText('null')).to.equal(undefined);
      expect(vervoeDateTime(new Date('2020-01-16T22:31:10.987Z'))).to.equal('2020-01-16 22:31:10.9 UTC');
    });
  });

  describe('from the sandbox', () => {
    let h: VervoeHarness;
    let receiver: Receiver;
    let replies: number[];
    beforeEach(async () => {
      replies = [];
      receiver = await startReceiver(() => ({ status: replies.shift() ?? 200 }));
      h = await startVervoe({ webhookUrl: `${receiver.url}/hook`, webhookRetryDelayMs: 10 });
    });
    afterEach(async () => {
      await h.close();
      await receiver.close();
    });

    it('sends the report signed with Vervoe-Signature; the adapter verifies and parses it', async () => {
      const { upstreamId } = await h.upstream.invite(inviteInput('wh-1'));
      await h.control.post(`/candidates/${upstreamId}/complete`, { score: 88 });
      await h.sandbox.state.webhooks.idle();
      const [hit] = receiver.hits('/hook');
      expect(hit!.method).to.equal('POST');
      S.check(S.signatureHeader, hit!.headers['vervoe-signature'], 'signature header');
      S.check(S.report, JSON.parse(hit!.body), 'webhook body');
      const raw = Buffer.from(hit!.body, 'utf8');
      expect(h.upstream.verifyWebhook(raw, hit!.headers)).to.equal(true);
      expect(h.upstream.parseWebhook(raw)).to.deep.include({ upstreamId, event: 'complete' });
      h.advance(301_000);
      expect(h.upstream.verifyWebhook(raw, hit!.headers)).to.equal(false);
    });

    it('re-sends until it gets exactly 200', async () => {
      replies.push(500, 204);
      const { upstreamId } = await h.upstream.invite(inviteInput('wh-2'));
      await h.control.post(`/candidates/${upstreamId}/start`);
      await h.sandbox.state.webhooks.idle();
      expect(h.sandbox.state.webhooks.deliveries().map((d) => [d.event, d.attempt, d.status])).to.deep.equal([
        ['CANDIDATE_START_INTERVIEW', 1, 500],
        ['CANDIDATE_START_INTERVIEW', 2, 204],
        ['CANDIDATE_START_INTERVIEW', 3, 200],
      ]);
    });
  });
});
