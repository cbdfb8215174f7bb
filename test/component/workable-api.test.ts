import { expect } from 'chai';
import { keys } from '../../src/domain/keys.js';
import { STORE_KINDS, call, interviewBody, startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

const ERR = (status: number, message: string) => ({ status, message });
const manyKeys = (n: number): Record<string, string> => Object.fromEntries(Array.from({ length: n }, (_, i) => [`key${i}`, 'value']));

for (const kind of STORE_KINDS) {
  describe(`Workable API (${kind} store)`, () => {
    let h: Harness;
    let templateId: string;
    before(async () => {
      h = await startHarness(kind);
      const res = await call(`${h.url}/interview-templates`, { token: h.acme.token });
      templateId = (res.body as { interview_templates: Array<{ id: string }> }).interview_templates[0]!.id;
    });
    after(async () => h.close());

    const sandboxInterviews = async (sandboxUrl: string, query: string) =>
      (await call(`${sandboxUrl}/_sandbox/interviews?${query}`)).body as Array<Record<string, unknown>>;

    describe('authentication', () => {
      const cases: Array<[string, Record<string, string>, number, string]> = [
        ['no Authorization header', {}, 401, 'Missing Token'],
        ['an empty Bearer token', { authorization: 'Bearer ' }, 401, 'Missing Token'],
        ['the word Bearer alone', { authorization: 'Bearer' }, 401, 'Missing Token'],
        ['another scheme', { authorization: 'Basic dXNlcjpwYXNz' }, 401, 'Missing Token'],
        ['an unknown token', { authorization: 'Bearer not-a-real-token' }, 401, 'Invalid Token'],
      ];
      for (const [name, headers, status, message] of cases) {
        it(`when the request carries ${name}, responds ${status} ${message} on every Workable route`, async () => {
          for (const [method, path] of [['GET', '/interview-templates'], ['POST', '/interviews'], ['GET', '/interviews/AAAAAAAAAAAAAAAAAAAAAA'], ['GET', '/interviews/AAAAAAAAAAAAAAAAAAAAAA/shared-link']]) {
            const res = await call(`${h.url}${path}`, { method: method!, headers, ...(method === 'POST' ? { rawBody: '{', headers: { ...headers, 'content-type': 'application/json' } } : {}) });
            expect(res.status, `${method} ${path}`).to.equal(status);
            expect(res.body, `${method} ${path}`).to.deep.equal(ERR(status, message));
          }
        });
      }
      it('accepts the scheme name in any case', async () => {
        const res = await call(`${h.url}/interview-templates`, { headers: { authorization: `bearer ${h.acme.token}` } });
        expect(res.status).to.equal(200);
      });
      it('never echoes the token in the body or logs', async () => {
        await call(`${h.url}/interview-templates`, { token: 'secret-token-that-must-not-leak' });
        expect(h.rawLogs.join('\n')).to.not.include('secret-token-that-must-not-leak');
        expect(h.rawLogs.join('\n')).to.not.include(h.acme.token);
      });
    });

    describe('GET /interview-templates', () => {
      it('lists the open Hireflix positions as {id, name} with string ids, archived ones left out', async () => {
        const res = await call(`${h.url}/interview-templates`, { token: h.acme.token });
        expect(res.status).to.equal(200);
        const positions = (await call(`${h.acme.sandboxUrl}/_sandbox/positions`)).body as Array<{ id: string; name: string; archived: number | null }>;
        const open = positions.filter((p) => p.archived === null).map((p) => ({ id: p.id, name: p.name }));
        expect(open.length).to.be.greaterThan(0);
        expect(open.length).to.be.lessThan(positions.length);
        expect(res.body).to.deep.equal({ interview_templates: open });
      });
      it('serves from a short cache: a failing upstream right after a listing does not show', async () => {
        await call(`${h.url}/interview-templates`, { token: h.acme.token });
        await call(`${h.acme.sandboxUrl}/_sandbox/faults`, { body: { mode: 'error', count: 1 } });
        const res = await call(`${h.url}/interview-templates`, { token: h.acme.token });
        expect(res.status).to.equal(200);
        await call(`${h.acme.sandboxUrl}/_sandbox/reset`, { method: 'POST' });
      });
    });

    describe('POST /interviews', () => {
      it('invites the candidate upstream and answers 201 with an opaque id', async () => {
        const body = interviewBody(templateId);
        const res = await call(`${h.url}/interviews`, { token: h.acme.token, body });
        expect(res.status).to.equal(201);
        const id = (res.body as { interview_id: string }).interview_id;
        expect(Object.keys(res.body as object)).to.deep.equal(['interview_id']);
        expect(id).to.match(/^[A-Za-z0-9_-]{22}$/);
        const email = (body.candidate as { email: string }).email;
        const found = await sandboxInterviews(h.acme.sandboxUrl, `email=${encodeURIComponent(email)}`);
        expect(found).to.have.length(1);
        expect(found[0]).to.include({ externalId: id });
        expect(JSON.stringify(found[0])).to.include('+17859916256');
      });

      it('returns the same interview and sends no second invitation when Workable repeats the request', async () => {
        const body = interviewBody(templateId);
        const first = await call(`${h.url}/interviews`, { token: h.acme.token, body });
        const second = await call(`${h.url}/interviews`, { token: h.acme.token, body });
        expect(first.status).to.equal(201);
        expect(second.status).to.equal(201);
        expect(second.body).to.deep.equal(first.body);
        const email = (body.candidate as { email: string }).email;
        expect(await sandboxInterviews(h.acme.sandboxUrl, `email=${encodeURIComponent(email)}`)).to.have.length(1);
      });

      it('sends one invitation when 20 copies arrive at once', async () => {
        const body = interviewBody(templateId);
        const answers = await Promise.all(Array.from({ length: 20 }, () => call(`${h.url}/interviews`, { token: h.acme.token, body })));
        expect(answers.map((a) => a.status)).to.deep.equal(Array(20).fill(201));
        expect(new Set(answers.map((a) => (a.body as { interview_id: string }).interview_id)).size).to.equal(1);
        const email = (body.candidate as { email: string }).email;
        expect(await sandboxInterviews(h.acme.sandboxUrl, `email=${encodeURIComponent(email)}`)).to.have.length(1);
      });

      it('leaves out a phone number that cannot be made valid instead of failing the invitation', async () => {
        const body = interviewBody(templateId, { candidate: { first_name: 'No', last_name: 'Phone', email: 'no.phone@example.com', phone: '12' } });
        const res = await call(`${h.url}/interviews`, { token: h.acme.token, body });
        expect(res.status).to.equal(201);
        const found = await sandboxInterviews(h.acme.sandboxUrl, 'email=no.phone%40example.com');
        expect(found).to.have.length(1);
        expect(JSON.stringify(found[0])).to.not.include('"12"');
      });

      const invalid: Array<[string, () => { rawBody?: string; body?: unknown; headers?: Record<string, string> }, number, string]> = [
        ['a body that is not JSON', () => ({ rawBody: '{"interview_template_id": ', headers: { 'content-type': 'application/json' } }), 400, 'Invalid JSON'],
        ['an empty body', () => ({ rawBody: '', headers: { 'content-type': 'application/json' } }), 400, 'Invalid JSON'],
        ['a JSON array', () => ({ rawBody: '[1,2]', headers: { 'content-type': 'application/json' } }), 400, 'Invalid JSON: the body should be a JSON object'],
        ['a form body', () => ({ rawBody: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'Unsupported Media Type: send application/json'],
        ['a missing candidate.email', () => ({ body: { ...interviewBody('1'), candidate: { first_name: 'A', last_name: 'B' } } }), 422, 'Missing field: candidate.email should be provided'],
        ['a missing job_title', () => ({ body: { ...interviewBody('1'), job_title: undefined } }), 422, 'Missing field: job_title should be provided'],
        ['a missing candidate', () => ({ body: { ...interviewBody('1'), candidate: undefined } }), 422, 'Missing field: candidate should be provided'],
        ['a missing callback_url', () => ({ body: { ...interviewBody('1'), callback_url: undefined } }), 422, 'Missing field: callback_url should be provided'],
        ['a missing interview_template_id', () => ({ body: { ...interviewBody('1'), interview_template_id: undefined } }), 422, 'Missing field: interview_template_id should be provided'],
        ['a null candidate.first_name', () => ({ body: { ...interviewBody('1'), candidate: { first_name: null, last_name: 'B', email: 'a@b.co' } } }), 422, 'Missing field: candidate.first_name should be provided'],
        ['a numeric candidate.first_name', () => ({ body: { ...interviewBody('1'), candidate: { first_name: 7, last_name: 'B', email: 'a@b.co' } } }), 400, 'Invalid field: candidate.first_name should be a string'],
        ['a candidate that is a string', () => ({ body: { ...interviewBody('1'), candidate: 'Lakita' } }), 400, 'Invalid field: candidate should be an object'],
        ['an email that is not an address', () => ({ body: { ...interviewBody('1'), candidate: { first_name: 'A', last_name: 'B', email: 'nope' } } }), 400, 'Invalid field: candidate.email should be a valid email address'],
        ['a callback_url on a port other than 443', () => ({ body: { ...interviewBody('1'), callback_url: 'https://groove-tech.workable.com:8443/interviews/8823119' } }), 400, 'Invalid field: callback_url should use an allowed port (443)'],
        // The harness allows local http callbacks, as sandbox mode does: the refusal must not say "https only".
        ['an ftp callback_url where http is allowed', () => ({ body: { ...interviewBody('1'), callback_url: 'ftp://x' } }), 400, 'Invalid field: callback_url should be an http or https URL'],
        ['preferences that are an array', () => ({ body: { ...interviewBody('1'), preferences: ['x'] } }), 400, 'Invalid field: preferences should be an object'],
        ['preferences with 33 keys', () => ({ body: { ...interviewBody('1'), preferences: manyKeys(33) } }), 400, 'Invalid field: preferences should have at most 32 keys'],
        ['preferences whose nested keys add up to 33', () => ({ body: { ...interviewBody('1'), preferences: { outer: manyKeys(32) } } }), 400, 'Invalid field: preferences should have at most 32 keys'],
        ['a preferences key of 65 characters', () => ({ body: { ...interviewBody('1'), preferences: { ['k'.repeat(65)]: 'v' } } }), 400, 'Invalid field: preferences keys should be at most 64 characters'],
        ['preferences over 4096 bytes', () => ({ body: { ...interviewBody('1'), preferences: { note: 'x'.repeat(4090) } } }), 400, 'Invalid field: preferences should be at most 4096 bytes as JSON'],
        ['a job_title that is an object', () => ({ body: { ...interviewBody('1'), job_title: { a: 1 } } }), 400, 'Invalid field: job_title should be a string'],
      ];
      for (const [name, make, status, message] of invalid) {
        it(`when given ${name}, responds ${status} "${message}" and invites no one`, async () => {
          const before = (await sandboxInterviews(h.acme.sandboxUrl, '')).length;
          const res = await call(`${h.url}/interviews`, { token: h.acme.token, ...make() });
          expect(res.status).to.equal(status);
          expect(res.body).to.deep.equal(ERR(status, message));
          expect((await sandboxInterviews(h.acme.sandboxUrl, '')).length).to.equal(before);
        });
      }

      it('accepts preferences at their bounds (32 keys of 64 characters) and does not store them', async () => {
        const preferences = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`${String(i).padStart(2, '0')}${'k'.repeat(62)}`, 'v']));
        const res = await call(`${h.url}/interviews`, { token: h.acme.token, body: interviewBody(templateId, { preferences }) });
        expect(res.status).to.equal(201);
        const id = (res.body as { interview_id: string }).interview_id;
        const record = await h.bridge.container.store.get<Record<string, unknown>>(keys.interview(id));
        expect(record).to.include({ id });
        expect(record).to.not.have.property('preferences');
        expect(JSON.stringify(record)).to.not.include('kkkkkkkk');
      });

      it('refuses a template the account does not have with 400 Invalid field', async () => {
        const res = await call(`${h.url}/interviews`, { token: h.acme.token, body: interviewBody('no-such-position') });
        expect(res.status).to.equal(400);
        expect(res.body).to.deep.equal(ERR(400, 'Invalid field: interview_template_id "no-such-position" is not a template of this account'));
      });

      it('refuses an archived template', async () => {
        const positions = (await call(`${h.acme.sandboxUrl}/_sandbox/positions`)).body as Array<{ id: string; archived: number | null }>;
        const archived = positions.find((p) => p.archived !== null)!;
        const res = await call(`${h.url}/interviews`, { token: h.acme.token, body: interviewBody(archived.id) });
        expect(res.status).to.equal(400);
        expect((res.body as { message: string }).message).to.match(/^Invalid field: interview_template_id/);
      });

      it('refuses another account\'s template', async () => {
        const other = await call(`${h.url}/interview-templates`, { token: h.globex.token });
        const otherId = (other.body as { interview_templates: Array<{ id: string }> }).interview_templates[0]!.id;
        const res = await call(`${h.url}/interviews`, { token: h.acme.token, body: interviewBody(otherId) });
        expect(res.status).to.equal(400);
      });
    });

    describe('GET /interviews/:id', () => {
      it('returns the pending payload for the account that created it, and 404 to any other account', async () => {
        const created = await call(`${h.url}/interviews`, { token: h.acme.token, body: interviewBody(templateId) });
        const id = (created.body as { interview_id: string }).interview_id;
        const mine = await call(`${h.url}/interviews/${id}`, { token: h.acme.token });
        expect(mine.status).to.equal(200);
        expect(mine.body).to.deep.equal({ status: 'pending' });
        const theirs = await call(`${h.url}/interviews/${id}`, { token: h.globex.token });
        expect(theirs.status).to.equal(404);
        expect(theirs.body).to.deep.equal(ERR(404, 'Interview not found'));
        const link = await call(`${h.url}/interviews/${id}/shared-link`, { token: h.globex.token });
        expect(link.body).to.deep.equal(ERR(404, 'Interview not found'));
      });
      for (const id of ['AAAAAAAAAAAAAAAAAAAAAA', 'short', '..%2F..%2Fetc', 'x'.repeat(300)]) {
        it(`answers 404 Interview not found for the unknown id "${id.slice(0, 24)}"`, async () => {
          const res = await call(`${h.url}/interviews/${id}`, { token: h.acme.token });
          expect(res.status).to.equal(404);
          expect(res.body).to.deep.equal(ERR(404, 'Interview not found'));
        });
      }
      it('answers the shared-link route of a pending interview with a 404 that says why', async () => {
        const created = await call(`${h.url}/interviews`, { token: h.acme.token, body: interviewBody(templateId) });
        const id = (created.body as { interview_id: string }).interview_id;
        const res = await call(`${h.url}/interviews/${id}/shared-link`, { token: h.acme.token });
        expect(res.status).to.equal(404);
        expect(res.body).to.deep.equal(ERR(404, 'No shared link: the interview is pending, and links exist only for completed interviews'));
      });
    });

    describe('every other answer uses the error format', () => {
      it('unknown route: 404', async () => {
        const res = await call(`${h.url}/nope`, { token: h.acme.token });
        expect(res.status).to.equal(404);
        expect(res.body).to.deep.equal(ERR(404, 'Not Found: no route GET /nope'));
      });
      it('wrong method: 405 with Allow', async () => {
        const res = await call(`${h.url}/interview-templates`, { method: 'DELETE', token: h.acme.token });
        expect(res.status).to.equal(405);
        expect(res.body).to.deep.equal(ERR(405, 'Method Not Allowed'));
        expect(res.headers.get('allow')).to.include('GET');
      });
      it('a body over the limit: 413', async () => {
        const res = await call(`${h.url}/interviews`, { token: h.acme.token, rawBody: JSON.stringify({ pad: 'x'.repeat(200_000) }), headers: { 'content-type': 'application/json' } });
        expect(res.status).to.equal(413);
        expect(res.body).to.deep.equal(ERR(413, 'Request body too large: at most 102400 bytes'));
      });
    });
  });
}
