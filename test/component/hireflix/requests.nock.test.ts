/**
 * Pins the exact GraphQL requests the adapter sends to api.hireflix.com, and how it reads vendor-shaped
 * answers, without a network: nock intercepts https://api.hireflix.com/me.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import nock from 'nock';
import { createHireflixUpstream } from '../../../src/upstreams/hireflix/index.js';
import { ARCHIVE, CHANGED_IN_POSITION, FIND_BY_EMAIL, GET_INTERVIEW, INVITE, LIST_POSITIONS, SHARE } from '../../../src/upstreams/hireflix/queries.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/hireflix/${name}`, import.meta.url), 'utf8'));
const API = 'https://api.hireflix.com';
const upstream = createHireflixUpstream({ apiKey: 'hf_live_abc123', timeoutMs: 2000, userAgent: 'bridge-test/1.0' });

/** Expects one POST /me with exactly this body and the bridge's headers, answering `reply`. */
function expectCall(body: unknown, reply: unknown) {
  return nock(API, {
    reqheaders: {
      'x-api-key': 'hf_live_abc123',
      'content-type': 'application/json',
      'user-agent': 'bridge-test/1.0',
    },
  })
    .post('/me', (sent: unknown) => {
      expect(sent).to.deep.equal(body);
      return true;
    })
    .reply(200, reply as nock.Body);
}

describe('Hireflix requests on the wire', () => {
  afterEach(() => {
    expect(nock.pendingMocks()).to.deep.equal([]);
  });

  it('listTemplates posts the positions query and keeps the open ones', async () => {
    expectCall({ query: LIST_POSITIONS }, fixture('positions.json'));
    expect(await upstream.listTemplates()).to.deep.equal([
      { id: '68b43e38b19cf131a17c543f', name: 'Social Media Manager' },
      { id: '68b43e38b19cf131a17c5600', name: 'Community Lead' },
    ]);
  });

  it('invite sends positionId, externalId and the candidate as variables', async () => {
    expectCall(
      {
        query: INVITE,
        variables: {
          input: {
            positionId: '68b43e38b19cf131a17c543f',
            externalId: 'ivw_7Jq2mZ8pX4',
            candidate: { email: 'jane.doe@example.com', firstName: 'Jane', lastName: 'Doe', phone: '+32491505050' },
          },
        },
      },
      { data: { inviteCandidateToInterview: { __typename: 'InterviewType', id: '68d4164f19367e041b2030c0', url: { short: 'https://hflx.io/c/HQ2oCtTC', public: 'https://app.hireflix.com/HQ2oCtTC' } } } },
    );
    const result = await upstream.invite({
      templateId: '68b43e38b19cf131a17c543f',
      externalId: 'ivw_7Jq2mZ8pX4',
      jobTitle: 'Social Media Manager',
      candidate: { firstName: 'Jane', lastName: 'Doe', email: 'jane.doe@example.com', phone: '+32491505050' },
    });
    expect(result).to.deep.equal({ upstreamId: '68d4164f19367e041b2030c0', candidateUrl: 'https://app.hireflix.com/HQ2oCtTC', alreadyExisted: false });
  });

  it('invite leaves phone out when there is none, and looks up the existing interview by email on a clash', async () => {
    const candidate = { email: 'jane.doe@example.com', firstName: 'Jane', lastName: 'Doe' };
    expectCall(
      { query: INVITE, variables: { input: { positionId: 'p1', externalId: 'ivw_1', candidate } } },
      { data: { inviteCandidateToInterview: { __typename: 'InterviewAlreadyExistsInPositionError', existsMessage: 'Interview already exists' } } },
    );
    expectCall(
      { query: FIND_BY_EMAIL, variables: { positionId: 'p1', limit: 50, lastCursor: null, email: 'jane.doe@example.com' } },
      { data: { position: { interviewList: { lastCursor: 'c1', results: [{ id: 'i-9', externalId: 'ivw_1', url: { public: 'https://app.hireflix.com/X', short: null }, candidate: { email: 'jane.doe@example.com' } }] } } } },
    );
    const result = await upstream.invite({ templateId: 'p1', externalId: 'ivw_1', jobTitle: 'J', candidate });
    expect(result).to.deep.equal({ upstreamId: 'i-9', candidateUrl: 'https://app.hireflix.com/X', alreadyExisted: true });
  });

  it('getInterview reads a vendor-shaped completed interview', async () => {
    expectCall({ query: GET_INTERVIEW, variables: { id: '68d4164f19367e041b2030c0' } }, fixture('get-interview-completed.json'));
    const iv = await upstream.getInterview('68d4164f19367e041b2030c0');
    expect(iv).to.deep.equal({
      upstreamId: '68d4164f19367e041b2030c0',
      externalId: 'ivw_7Jq2mZ8pX4',
      templateId: '68b43e38b19cf131a17c543f',
      templateName: 'Social Media Manager',
      state: 'completed',
      score: 4.5,
      createdAt: '2025-09-24T16:03:27.000Z',
      completedAt: '2025-09-25T16:03:27.000Z',
      candidate: { firstName: 'Jane', lastName: 'Doe', email: 'jane.doe@example.com', phone: '+32491505050' },
      answers: [
        {
          title: 'Introduce yourself',
          description: 'Tell us about your background.',
          answerUrl: 'https://media.hireflix.com/answers/68d41a0e19367e041b2031aa.mp4',
          transcript: 'Hi, I am Jane and I have run social channels for five years.',
        },
        { title: 'A campaign you are proud of' },
      ],
      fields: {
        'interview.id': '68d4164f19367e041b2030c0',
        'interview.status': 'completed',
        'interview.url': 'https://app.hireflix.com/HQ2oCtTC',
        'interview.shortUrl': 'https://hflx.io/c/HQ2oCtTC',
        externalId: 'ivw_7Jq2mZ8pX4',
        'position.id': '68b43e38b19cf131a17c543f',
        'position.name': 'Social Media Manager',
        'candidate.name': 'Jane Doe',
        'candidate.firstName': 'Jane',
        'candidate.lastName': 'Doe',
        'candidate.email': 'jane.doe@example.com',
        'candidate.phone': '+32491505050',
        score: 4.5,
        createdAt: '2025-09-24T16:03:27.000Z',
        updatedAt: '2025-09-25T16:05:00.000Z',
        completedAt: '2025-09-25T16:03:27.000Z',
        'answers.total': 2,
        'answers.answered': 1,
      },
    });
  });

  it('shareLink asks for the number of days', async () => {
    expectCall(
      { query: SHARE, variables: { id: 'i-1', days: 365 } },
      { data: { Interview: { share: { externalLink: { url: 'https://shared.hireflix.com/interview/b1a00e3f-3188-4191-8923-b5aba36f719a' } } } } },
    );
    expect(await upstream.shareLink('i-1', 365)).to.deep.equal({
      url: 'https://shared.hireflix.com/interview/b1a00e3f-3188-4191-8923-b5aba36f719a',
      ttl: 365,
      ttlUnits: 'days',
    });
  });

  it('archive sends archive(archive: true) for the interview', async () => {
    expectCall({ query: ARCHIVE, variables: { id: 'i-1' } }, { data: { Interview: { archive: { id: 'i-1', discardedAt: 1760364046835 } } } });
    await upstream.archive('i-1');
  });

  it('listChangedSince asks for positions, then pages one position by updatedAt until an older item', async () => {
    const since = Date.parse('2025-10-01T00:00:00Z');
    expectCall({ query: LIST_POSITIONS }, { data: { positions: [{ id: 'p1', name: 'P1', archived: null }, { id: 'p2', name: 'P2', archived: 1 }] } });
    expectCall(
      { query: CHANGED_IN_POSITION, variables: { positionId: 'p1', limit: 50, lastCursor: null } },
      { data: { position: { interviewList: { lastCursor: 'c', results: [{ id: 'i-2', externalId: 'e-2', updatedAt: since + 5 }, { id: 'i-1', externalId: null, updatedAt: since - 1 }] } } } },
    );
    expect(await upstream.listChangedSince(new Date(since))).to.deep.equal([
      { upstreamId: 'i-2', externalId: 'e-2', changedAt: '2025-10-01T00:00:00.005Z' },
    ]);
  });

  it('an answer that is not JSON is a bad_response', async () => {
    nock(API).post('/me').reply(200, '<html>maintenance</html>', { 'Content-Type': 'text/html' });
    try {
      await upstream.listTemplates();
      expect.fail('should have thrown');
    } catch (err) {
      expect(err).to.include({ failure: 'bad_response', message: 'Hireflix sent an unreadable answer while listing positions' });
    }
  });
});
