import { expect } from 'chai';
import { UpstreamError } from '../../../src/upstreams/types.js';
import { inviteInput, SLUG, startVervoe, type VervoeHarness } from '../../support/vervoe.js';
import * as S from '../../support/vervoeSchemas.js';

describe('Vervoe adapter against the Vervoe sandbox', () => {
  let h: VervoeHarness;
  beforeEach(async () => {
    h = await startVervoe();
  });
  afterEach(() => h.close());

  /** Every exchange so far, checked against the schemas derived from the description. */
  function checkExchanges(): void {
    for (const x of h.exchanges) {
      const what = `${x.method} ${x.path} (${x.status})`;
      if (x.path === '/api/public/ats-api/token') {
        expect(x.authorization, what).to.equal(`Basic ${Buffer.from('vk-test:vs-test').toString('base64')}`);
        if (x.status === 200) S.check(S.tokenResponse, x.responseBody, what);
        continue;
      }
      expect(x.authorization, what).to.match(/^Bearer \S+$/);
      if (x.status === 401) continue;
      if (x.path === '/api/integration/assessments') S.check(S.assessmentsResponse, x.responseBody, what);
      else if (x.path.endsWith('/invite')) {
        expect(x.contentType, what).to.match(/^application\/json/);
        S.check(S.inviteRequest, x.requestBody, `${what} request`);
        S.check(x.status === 200 ? S.inviteResponse200 : S.inviteResponse400, x.responseBody, what);
      } else if (x.path === '/api/integration/user-assessments') {
        S.check(S.listQuery, x.query, `${what} query`);
        S.check(S.listResponse, x.responseBody, what);
      } else if (x.status === 200) S.check(S.reportResponse, x.responseBody, what);
    }
  }

  it('lists assessments as templates {id: slug, name}, after one Basic-auth token call', async () => {
    expect(await h.upstream.listTemplates()).to.deep.equal([
      { id: 'customer-support-specialist', name: 'Customer Support Specialist' },
      { id: 'backend-developer-test', name: 'Backend developer test' },
      { id: 'sales-development-rep', name: 'Sales Development Representative' },
    ]);
    expect(h.exchanges.map((x) => `${x.method} ${x.path} ${x.status}`)).to.deep.equal([
      'GET /api/public/ats-api/token 200',
      'GET /api/integration/assessments 200',
    ]);
    checkExchanges();
  });

  it('walks assessment pages until hasMorePages is false', async () => {
    await h.close();
    h = await startVervoe({ pageSize: 2 });
    expect((await h.upstream.listTemplates()).map((t) => t.id)).to.deep.equal(['customer-support-specialist', 'backend-developer-test', 'sales-development-rep']);
    expect(h.exchanges.filter((x) => x.path === '/api/integration/assessments').map((x) => x.query.page)).to.deep.equal(['1', '2']);
  });

  it('invites once; a retried invite resolves to the same candidate assessment without a second e-mail', async () => {
    const first = await h.upstream.invite(inviteInput('iv-1'));
    expect(first.alreadyExisted).to.equal(false);
    expect(first.candidateUrl).to.match(new RegExp(`^${h.base}/_sandbox/take/${first.upstreamId}\\?token=`));
    const again = await h.upstream.invite(inviteInput('iv-1'));
    expect(again).to.deep.equal({ ...first, alreadyExisted: true });
    expect((await h.control.get('/invitations')).data).to.deep.equal([{ slug: SLUG.support, email: 'iv-1@example.com', count: 1 }]);
    const invites = h.exchanges.filter((x) => x.path.endsWith('/invite'));
    expect(invites.map((x) => x.status)).to.deep.equal([200, 400]);
    expect(invites[0]!.requestBody).to.deep.equal({
      candidateEmail: 'iv-1@example.com', candidateFirstName: 'Ada', candidateLastName: 'Lovelace', sendInvitationEmail: true, candidatePhone: '+32491505050',
    });
    checkExchanges();
  });

  it('an unknown assessment is not_found', async () => {
    const err = await h.upstream.invite(inviteInput('iv-2', undefined, 'no-such-slug')).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(UpstreamError);
    expect(err).to.include({ upstream: 'vervoe', operation: 'invite', failure: 'not_found' });
  });

  it('reads the report through the lifecycle: states, score in percent, times, card URL', async () => {
    const { upstreamId } = await h.upstream.invite(inviteInput('iv-3'));
    expect((await h.upstream.getInterview(upstreamId))!.state).to.equal('incomplete');
    await h.control.post(`/candidates/${upstreamId}/start`);
    h.advance(139_000);
    expect((await h.upstream.getInterview(upstreamId))!.state).to.equal('in_progress');
    await h.control.post(`/candidates/${upstreamId}/complete`, { score: 72, type: 'TYPE_MANUAL', groups: [{ groupName: 'Empathy', scorePercentage: 60 }, { groupName: 'Writing', scorePercentage: 84 }] });
    const done = (await h.upstream.getInterview(upstreamId))!;
    const card = `${h.base}/_sandbox/cards/${upstreamId}?token=`;
    expect(done).to.deep.include({ upstreamId, externalId: null, state: 'complete', score: 72, startedAt: '2025-10-01T09:00:00.000Z', completedAt: '2025-10-01T09:02:19.000Z', durationSeconds: 139 });
    expect(done.fields).to.deep.include({ status: 'complete', 'score.type': 'TYPE_MANUAL', 'score.overall': 72, 'score.groups': ['Empathy: 60%', 'Writing: 84%'], timeTaken: '2 minutes 19 seconds' });
    expect(done.skills).to.deep.equal([{ name: 'Empathy', percent: 60 }, { name: 'Writing', percent: 84 }]);
    expect(String(done.fields.candidateCardUrl)).to.satisfy((u: string) => u.startsWith(card));
    const link = await h.upstream.shareLink(upstreamId, 365);
    expect(link).to.deep.equal({ url: done.fields.candidateCardUrl });
    await h.control.post(`/candidates/${upstreamId}/hire`);
    expect((await h.upstream.getInterview(upstreamId))!.state).to.equal('hired');
    checkExchanges();
  });

  it('expired and rejected read as Vervoe says; a deleted one is null; archive sends nothing', async () => {
    const a = await h.upstream.invite(inviteInput('iv-4'));
    const b = await h.upstream.invite(inviteInput('iv-5'));
    await h.control.post(`/candidates/${a.upstreamId}/expire`);
    await h.control.post(`/candidates/${b.upstreamId}/reject`);
    expect((await h.upstream.getInterview(a.upstreamId))!.state).to.equal('expired');
    expect((await h.upstream.getInterview(b.upstreamId))!).to.deep.include({ state: 'rejected', score: null });
    await h.control.post(`/candidates/${a.upstreamId}/delete`);
    expect(await h.upstream.getInterview(a.upstreamId)).to.equal(null);
    const before = h.exchanges.length;
    await h.upstream.archive(b.upstreamId);
    expect(h.exchanges.length).to.equal(before);
    checkExchanges();
  });

  it('the reject endpoint answers as described', async () => {
    const { upstreamId } = await h.upstream.invite(inviteInput('iv-6'));
    const token = (h.exchanges.find((x) => x.path === '/api/public/ats-api/token')!.responseBody as { data: { token: string } }).data.token;
    const res = await fetch(`${h.base}/api/integration/user-assessments/${upstreamId}/reject`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    S.check(S.rejectResponse, await res.json(), 'reject answer');
  });

  it('fetches a new token after 9 minutes, and once more when a token is refused', async () => {
    await h.upstream.listTemplates();
    h.advance(8 * 60_000);
    await h.upstream.listTemplates();
    h.advance(60_000 + 1);
    await h.upstream.listTemplates();
    await h.control.post('/tokens/revoke');
    await h.upstream.listTemplates();
    expect(h.exchanges.map((x) => `${x.path.replace('/api/', '')} ${x.status}`)).to.deep.equal([
      'public/ats-api/token 200', 'integration/assessments 200',
      'integration/assessments 200',
      'public/ats-api/token 200', 'integration/assessments 200',
      'integration/assessments 401', 'public/ats-api/token 200', 'integration/assessments 200',
    ]);
  });

  it('classifies refused credentials, throttling, outages and timeouts', async () => {
    const wrong = (await startVervoe({}, { secretKey: 'nope' }));
    try {
      expect(await wrong.upstream.listTemplates().catch((e: unknown) => e)).to.include({ failure: 'auth' });
    } finally {
      await wrong.close();
    }
    await h.control.post('/faults', { mode: 'rate_limit', count: 1, retryAfterSeconds: 7 });
    expect(await h.upstream.listTemplates().catch((e: unknown) => e)).to.include({ failure: 'rate_limited', retryAfterMs: 7000 });
    await h.control.post('/faults', { mode: 'error', count: 1 });
    expect(await h.upstream.listTemplates().catch((e: unknown) => e)).to.include({ failure: 'unavailable' });
    await h.close();
    h = await startVervoe({}, { timeoutMs: 200 });
    await h.control.post('/faults', { mode: 'timeout', count: 1 });
    expect(await h.upstream.listTemplates().catch((e: unknown) => e)).to.include({ failure: 'timeout' });
  });

  it('polls completions by completed-gt and other changes from the first page per status, each once', async () => {
    const a = await h.upstream.invite(inviteInput('iv-7'));
    const b = await h.upstream.invite(inviteInput('iv-8'));
    const since = new Date(h.clock.now - 1000);
    await h.control.post(`/candidates/${a.upstreamId}/complete`, { score: 90 });
    await h.control.post(`/candidates/${b.upstreamId}/reject`);
    const first = await h.upstream.listChangedSince(since);
    expect(first.map((x) => x.upstreamId).sort()).to.deep.equal([a.upstreamId, b.upstreamId].sort());
    expect(first.find((x) => x.upstreamId === a.upstreamId)!.changedAt).to.equal('2025-10-01T09:00:00.000Z');
    // Nothing changed and the window moved on: nothing to look at.
    h.advance(60_000);
    expect(await h.upstream.listChangedSince(new Date(h.clock.now - 1000))).to.deep.equal([]);
    // A re-score changes the listed fingerprint.
    await h.control.post(`/candidates/${a.upstreamId}/score`, { score: 40, type: 'TYPE_MANUAL' });
    expect((await h.upstream.listChangedSince(new Date(h.clock.now - 1000))).map((x) => x.upstreamId)).to.deep.equal([a.upstreamId]);
    const lists = h.exchanges.filter((x) => x.path === '/api/integration/user-assessments');
    expect(lists[0]!.query).to.deep.equal({ page: '1', status: 'complete', sort: 'completed', order: 'asc', 'completed-gt': '2025-10-01 08:59:59.0 UTC' });
    // Cost per cycle: one completions page plus one page for each of four statuses.
    expect(lists).to.have.length(15);
    checkExchanges();
  });
});
