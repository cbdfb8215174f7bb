import { expect } from 'chai';
import { UpstreamError } from '../../../src/upstreams/types.js';
import { POSITION, T0, inviteInput, startHarness, type Harness } from '../../support/hireflix.js';

async function rejection(p: Promise<unknown>): Promise<UpstreamError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof UpstreamError) return err;
    throw err;
  }
  throw new Error('expected the promise to reject');
}

describe('Hireflix adapter against the sandbox', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('lists open positions as templates and leaves the archived one out', async () => {
    expect(await h.upstream.listTemplates()).to.deep.equal([
      { id: POSITION.support, name: 'Customer Support Specialist' },
      { id: POSITION.backend, name: 'Backend Engineer (Node.js)' },
      { id: POSITION.sales, name: 'Sales Development Representative' },
    ]);
  });

  it('invites a candidate, and the sandbox shows the pending interview with our external id', async () => {
    const result = await h.upstream.invite(inviteInput('bridge-1', 'ada@example.com'));
    expect(result.alreadyExisted).to.equal(false);
    expect(result.upstreamId).to.match(/^[0-9a-f]{24}$/);
    const listed = await h.control.get<Array<Record<string, unknown>>>('/interviews', { params: { externalId: 'bridge-1' } });
    expect(listed.data).to.have.length(1);
    expect(listed.data[0]).to.include({ id: result.upstreamId, externalId: 'bridge-1', state: 'pending', score: null });
    expect(listed.data[0]?.position).to.deep.equal({ id: POSITION.support, name: 'Customer Support Specialist' });
    expect(result.candidateUrl).to.equal(listed.data[0]?.candidateUrl);
    expect(h.sandbox.state.store.invitationCount(POSITION.support, 'ada@example.com')).to.equal(1);
  });

  it('resolves a retried invite with the same external id to the same interview without a second invitation', async () => {
    const first = await h.upstream.invite(inviteInput('bridge-2', 'grace@example.com'));
    const again = await h.upstream.invite(inviteInput('bridge-2', 'grace@example.com'));
    expect(again).to.deep.equal({ ...first, alreadyExisted: true });
    expect(h.sandbox.state.store.invitationCount(POSITION.support, 'grace@example.com')).to.equal(1);
    expect((await h.control.get('/invitations')).data).to.deep.equal([{ positionId: POSITION.support, email: 'grace@example.com', count: 1 }]);
  });

  it('resolves an external-id clash under another email by walking the position', async () => {
    for (let n = 0; n < 3; n++) await h.upstream.invite(inviteInput(`other-${n}`));
    const first = await h.upstream.invite(inviteInput('bridge-3', 'first@example.com'));
    const again = await h.upstream.invite(inviteInput('bridge-3', 'changed@example.com'));
    expect(again.upstreamId).to.equal(first.upstreamId);
    expect(again.alreadyExisted).to.equal(true);
    expect(h.sandbox.state.store.invitationCount(POSITION.support, 'changed@example.com')).to.equal(0);
  });

  it('reports an unknown position as not_found', async () => {
    const err = await rejection(h.upstream.invite(inviteInput('bridge-4', 'x@example.com', '64f0c0ffee0000000000dead')));
    expect(err.failure).to.equal('not_found');
    expect(err.operation).to.equal('invite');
    expect(err.message).to.equal('Hireflix has no position 64f0c0ffee0000000000dead: Position not found');
  });

  it('refuses a phone number without a country code, and sends no invitation', async () => {
    const input = inviteInput('bridge-5', 'phone@example.com');
    input.candidate.phone = '0491505050';
    const err = await rejection(h.upstream.invite(input));
    expect(err.failure).to.equal('bad_response');
    expect(err.message).to.equal(
      'Hireflix refused the invitation (ValidationError): Validation failed (candidate.phone: Phone number must be in international format with country code, e.g. +32491505050)',
    );
    expect(h.sandbox.state.store.all()).to.have.length(0);
  });

  it('reports an exhausted invitation quota as quota', async () => {
    await h.control.post('/quota', { remaining: 0 });
    const err = await rejection(h.upstream.invite(inviteInput('bridge-6')));
    expect(err.failure).to.equal('quota');
  });

  it('reads an interview through every state, and null once deleted', async () => {
    const { upstreamId: id } = await h.upstream.invite(inviteInput('bridge-7', 'lin@example.com'));
    const pending = await h.upstream.getInterview(id);
    expect(pending).to.deep.include({ upstreamId: id, externalId: 'bridge-7', templateId: POSITION.support, state: 'pending', score: null });
    expect(pending?.createdAt).to.equal(new Date(T0).toISOString());
    expect(pending?.completedAt).to.equal(undefined);
    expect(pending?.answers.every((a) => a.answerUrl === undefined)).to.equal(true);
    expect(pending?.candidate).to.deep.equal({ firstName: 'Ada', lastName: 'Lovelace', email: 'lin@example.com', phone: '+32491505050' });

    h.advance(60_000);
    await h.control.post(`/interviews/${id}/start`);
    h.advance(600_000);
    await h.control.post(`/interviews/${id}/finish`, { answers: [{ transcript: 'I am Ada.' }], durationSeconds: 321 });
    const done = await h.upstream.getInterview(id);
    expect(done?.state).to.equal('completed');
    expect(done?.completedAt).to.equal(new Date(T0 + 660_000).toISOString());
    expect(done?.answers[0]).to.deep.equal({
      title: 'Introduce yourself',
      description: 'Tell us briefly about your background and what you are looking for.',
      answerUrl: `${h.base}/_sandbox/media/${id}/1.mp4`,
      transcript: 'I am Ada.',
    });
    expect(done?.durationSeconds).to.equal(undefined);
    expect(done?.fields).to.include({
      'position.name': 'Customer Support Specialist',
      'candidate.email': 'lin@example.com',
      'completedAt': new Date(T0 + 660_000).toISOString(),
      'answers.answered': 3,
    });
    expect(String(done?.fields['interview.url'])).to.match(/\/_sandbox\/take\/.{8}$/);

    await h.control.post(`/interviews/${id}/score`, { score: 4.5 });
    expect((await h.upstream.getInterview(id))?.score).to.equal(4.5);
    await h.control.post(`/interviews/${id}/shortlist`);
    expect((await h.upstream.getInterview(id))?.state).to.equal('shortlisted');
    await h.control.post(`/interviews/${id}/discard`);
    expect((await h.upstream.getInterview(id))?.state).to.equal('discarded');
    await h.control.post(`/interviews/${id}/delete`);
    expect(await h.upstream.getInterview(id)).to.equal(null);
  });

  it('creates a share link valid for the asked number of days that opens the interview', async () => {
    const { upstreamId: id } = await h.upstream.invite(inviteInput('bridge-8'));
    const link = await h.upstream.shareLink(id, 365);
    expect(link.ttl).to.equal(365);
    expect(link.ttlUnits).to.equal('days');
    expect(link.url).to.match(new RegExp(`^${h.base}/_sandbox/shared/[0-9a-f-]{36}$`));
    const page = await h.control.get<{ id: string; expiresAt: string }>(link.url.slice(`${h.base}/_sandbox`.length));
    expect(page.status).to.equal(200);
    expect(page.data.id).to.equal(id);
    expect(page.data.expiresAt).to.equal(new Date(T0 + 365 * 86_400_000).toISOString());
  });

  it('archives an interview, which Hireflix shows as discarded', async () => {
    const { upstreamId: id } = await h.upstream.invite(inviteInput('bridge-9'));
    await h.upstream.archive(id);
    expect((await h.control.get<{ state: string }>(`/interviews/${id}`)).data.state).to.equal('discarded');
    expect((await h.upstream.getInterview(id))?.state).to.equal('discarded');
  });

  it('reports share and archive of an unknown interview as not_found', async () => {
    expect((await rejection(h.upstream.shareLink('64f0c0ffee0000000000beef', 30))).failure).to.equal('not_found');
    expect((await rejection(h.upstream.archive('64f0c0ffee0000000000beef'))).failure).to.equal('not_found');
  });
});
