import { expect } from 'chai';
import { buildResult, MissingResultsUrlError, resultHash, resultsUrlFromField } from '../../../src/domain/mapping/index.js';
import type { WorkableResult } from '../../../src/workable/payload.js';
import { profileFrom, record, snapshot } from './fixtures.js';

const RESULTS = 'https://shared.hireflix.com/interview/b1a00e3f';
const REPORT = 'https://bridge.example/reports/r_abc.pdf';

describe('buildResult', () => {
  const hireflix = profileFrom();

  it('completed: the contract shape, exact JSON', () => {
    const result = buildResult(hireflix, { status: 'completed', snapshot: snapshot(), record, resultsUrl: RESULTS, reportUrl: REPORT });
    expect(JSON.stringify(result)).to.equal(JSON.stringify({
      status: 'completed',
      results_url: RESULTS,
      interview: {
        score: '78',
        grade: 'passed',
        summary: 'Lakita Marrero answered 1 of 2 questions for Ops screen.',
        details: {
          Interview: {
            Template: 'Ops screen',
            'Invited at': '2025-03-01T09:00:00.000Z',
            'Started at': '2025-03-02T10:00:00.000Z',
            'Completed at': '2025-03-02T10:20:05.000Z',
            Questions: 2,
            'Questions answered': 1,
          },
          Score: { 'Stars (0.5 to 5)': 3.9, Percent: '78' },
        },
        duration: '00:20:05',
      },
      attachments: [{ description: 'Interview Report', url: REPORT }],
    }));
  });

  it('completed, unscored, no report: omits score, grade and attachments (no nulls)', () => {
    const profile = profileFrom({ details: {}, summary: '' });
    const result = buildResult(profile, { status: 'completed', snapshot: snapshot({ score: null }), record, resultsUrl: RESULTS });
    expect(JSON.stringify(result)).to.equal(JSON.stringify({ status: 'completed', results_url: RESULTS, interview: { duration: '00:20:05' } }));
  });

  it('completed with nothing to say: no interview object', () => {
    const profile = profileFrom({ details: {}, summary: '' });
    const result = buildResult(profile, { status: 'completed', snapshot: snapshot({ score: null, durationSeconds: undefined }), record, resultsUrl: RESULTS });
    expect(result).to.deep.equal({ status: 'completed', results_url: RESULTS });
  });

  for (const status of ['pending', 'declined', 'expired'] as const) {
    it(`${status}: only the status, even when URLs are known`, () => {
      const result = buildResult(hireflix, { status, snapshot: snapshot(), record, resultsUrl: RESULTS, reportUrl: REPORT });
      expect(JSON.stringify(result)).to.equal(`{"status":"${status}"}`);
    });
  }

  it('refuses completed without results_url', () => {
    expect(() => buildResult(hireflix, { status: 'completed', snapshot: snapshot(), record }))
      .to.throw(MissingResultsUrlError, 'a completed result needs results_url');
  });

  it('uses the profile report description', () => {
    const profile = profileFrom({ report: { description: 'Hireflix report' } });
    const result = buildResult(profile, { status: 'completed', snapshot: snapshot(), record, resultsUrl: RESULTS, reportUrl: REPORT });
    expect(result.attachments).to.deep.equal([{ description: 'Hireflix report', url: REPORT }]);
  });
});

describe('resultsUrlFromField', () => {
  const byField = profileFrom({ results_url: { source: 'field', field: 'fields.interview.url' } });
  const cases: Array<[string, Record<string, unknown>, string | undefined]> = [
    ['reads an https URL', { interview: { url: 'https://app.hireflix.com/x' } }, 'https://app.hireflix.com/x'],
    ['reads a flat dotted key', { 'interview.url': 'https://app.hireflix.com/y' }, 'https://app.hireflix.com/y'],
    ['ignores a value that is not a URL', { interview: { url: 'app.hireflix.com/x' } }, undefined],
    ['missing field', {}, undefined],
  ];
  for (const [name, fields, expected] of cases) {
    it(name, () => expect(resultsUrlFromField(byField, { snapshot: snapshot({ fields }), record })).to.equal(expected));
  }
  it('is undefined for the share_link source', () => {
    expect(resultsUrlFromField(profileFrom(), { snapshot: snapshot({ fields: { interview: { url: 'https://x' } } }), record })).to.equal(undefined);
  });
});

describe('resultHash', () => {
  const a: WorkableResult = { status: 'completed', results_url: RESULTS, interview: { score: '78', details: { B: 1, A: { y: 2, x: 1 } } } };
  const b: WorkableResult = { interview: { details: { A: { x: 1, y: 2 }, B: 1 }, score: '78' }, results_url: RESULTS, status: 'completed' };

  it('is stable across key order', () => expect(resultHash(a)).to.equal(resultHash(b)));
  it('ignores undefined keys, as JSON does', () => expect(resultHash({ ...a, attachments: undefined })).to.equal(resultHash(a)));
  it('changes when a value changes', () => {
    expect(resultHash({ ...a, interview: { ...a.interview, score: '79' } })).to.not.equal(resultHash(a));
  });
  it('is sha256 hex of the JSON with sorted keys', () => {
    expect(resultHash({ status: 'expired' })).to.equal('5f732bb208d060d9e8bf4e3a531827254ae6d0bf3c729cf9853c4032c73c0255');
    // sha256 of {"interview":{"grade":"passed","score":"78"},"results_url":"u","status":"completed"}
    expect(resultHash({ status: 'completed', results_url: 'u', interview: { score: '78', grade: 'passed' } }))
      .to.equal('a085f19285def1115f6d915e3c3bc31214fa416bba16ba20b9bc5c95f0eee80d');
  });
});
