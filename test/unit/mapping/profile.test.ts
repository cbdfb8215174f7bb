import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parse } from 'yaml';
import { DEFAULT_MAPPING_PROFILE, isSourcePath, parseMappingProfile } from '../../../src/config/mappingSchema.js';

const FILE = 'config/mappings/hireflix.yaml';

describe('mapping profile parsing', () => {
  it('parses the shipped Hireflix profile with no problems, equal to the defaults', () => {
    const { profile, problems } = parseMappingProfile(parse(readFileSync(FILE, 'utf8')), FILE);
    expect(problems).to.deep.equal([]);
    expect(profile).to.deep.equal(DEFAULT_MAPPING_PROFILE);
  });

  it('an empty file yields the Hireflix defaults, converted to the typed shape', () => {
    expect(parseMappingProfile(null, FILE).profile).to.deep.equal({
      status: {
        states: { pending: 'pending', completed: 'completed', to_evaluate: 'completed', shortlisted: 'completed', discarded: 'completed' },
        deleted: 'declined',
      },
      expiry: { afterDays: 30, archiveUpstream: false },
      score: { min: 0.5, max: 5, decimals: 0 },
      grade: { passedFrom: 50, excelledFrom: 80 },
      waitForScore: { enabled: false, maxMinutes: 1440 },
      summary: '{candidate.first_name} {candidate.last_name} answered {answers.answered} of {answers.count} questions for {template.name}.',
      details: {
        Interview: {
          Template: 'template.name', 'Invited at': 'created_at', 'Started at': 'started_at', 'Completed at': 'completed_at',
          Questions: 'answers.count', 'Questions answered': 'answers.answered',
        },
        Score: { 'Stars (0.5 to 5)': 'score.raw', Percent: 'score.percent' },
      },
      resultsUrl: { source: 'share_link', shareDays: 365 },
      report: { enabled: true, retentionDays: 365, description: 'Interview Report', timeZone: 'UTC' },
    });
  });

  const cases: Array<[string, Record<string, unknown>, (p: typeof DEFAULT_MAPPING_PROFILE) => unknown, unknown]> = [
    ['status entries merge over the defaults', { status: { discarded: 'rejected' } }, (p) => p.status.states,
      { pending: 'pending', completed: 'completed', to_evaluate: 'completed', shortlisted: 'completed', discarded: 'rejected' }],
    ['after_days 0 means never', { expiry: { after_days: 0 } }, (p) => p.expiry.afterDays, null],
    ['after_days null means never', { expiry: { after_days: null } }, (p) => p.expiry.afterDays, null],
    ['an empty summary stays empty', { summary: '' }, (p) => p.summary, ''],
    ['details: {} replaces the default details', { details: {} }, (p) => p.details, {}],
    ['report.time_zone takes an IANA name', { report: { time_zone: 'Europe/Berlin' } }, (p) => p.report.timeZone, 'Europe/Berlin'],
    ['results_url from a field', { results_url: { source: 'field', field: 'fields.interview.url' } }, (p) => p.resultsUrl,
      { source: 'field', field: 'fields.interview.url', shareDays: 365 }],
  ];
  for (const [name, raw, pick, expected] of cases) {
    it(name, () => expect(pick(parseMappingProfile(raw, FILE).profile ?? DEFAULT_MAPPING_PROFILE)).to.deep.equal(expected));
  }

  it('returns a frozen profile', () => {
    expect(Object.isFrozen(DEFAULT_MAPPING_PROFILE.status.states)).to.equal(true);
  });

  it('lists every problem of a bad profile with file and key path', () => {
    const { profile, problems } = parseMappingProfile({
      status: { finished: 'done', deleted: 'pending' },
      expiry: { after_days: -1, archive_upstream: 'maybe', foo: 1 },
      score: { min: 3, max: 2, decimals: 5 },
      grade: { passed_from: 120, excelled_from: 80 },
      wait_for_score: { max_minutes: 0 },
      summary: 'Hi {candidate.nam}, {x}',
      details: { A: 'fields.a', B: { C: 'nope', D: { E: 'job.title' } }, F: 3 },
      results_url: { source: 'field' },
      report: { description: '' },
      extra: true,
    }, 'bad.yaml');
    expect(profile).to.equal(undefined);
    expect(problems).to.deep.equal([
      'bad.yaml: status.deleted must be one of declined, expired, rejected',
      'bad.yaml: status.finished must be one of pending, completed, declined, expired, rejected',
      'bad.yaml: expiry.after_days must be a whole number between 0 and 3650',
      'bad.yaml: expiry.archive_upstream must be a boolean',
      'bad.yaml: expiry.foo is not allowed',
      'bad.yaml: score.max must be a number greater than score.min',
      'bad.yaml: score.decimals must be a whole number between 0 and 2',
      'bad.yaml: grade.passed_from must be a number between 0 and 100',
      'bad.yaml: grade.passed_from must not be greater than grade.excelled_from',
      'bad.yaml: wait_for_score.max_minutes must be a whole number between 1 and 43200',
      'bad.yaml: summary names unknown sources {candidate.nam}, {x}',
      'bad.yaml: details.B.C names an unknown source "nope"',
      'bad.yaml: details.B.D must be a source path (details nest at most two levels)',
      'bad.yaml: details.F must be a source path or a map of labels to source paths',
      'bad.yaml: results_url.field is required when results_url.source is field',
      'bad.yaml: report.description must be a text of 1 to 200 characters',
      'bad.yaml: extra is not allowed',
    ]);
  });

  it('rejects passed_from above excelled_from when both are in range', () => {
    expect(parseMappingProfile({ grade: { passed_from: 81 } }, 'g.yaml').problems)
      .to.deep.equal(['g.yaml: grade.passed_from must not be greater than grade.excelled_from']);
  });

  it('rejects a report.time_zone that Intl does not know, or that is not a text', () => {
    expect(parseMappingProfile({ report: { time_zone: 'Europe/Berln' } }, 'z.yaml').problems).to.deep.equal([
      'z.yaml: report.time_zone names an unknown time zone "Europe/Berln": use an IANA name such as UTC, Europe/Berlin or America/New_York',
    ]);
    expect(parseMappingProfile({ report: { time_zone: ' UTC' } }, 'z.yaml').problems).to.deep.equal([
      'z.yaml: report.time_zone names an unknown time zone " UTC": use an IANA name such as UTC, Europe/Berlin or America/New_York',
    ]);
    expect(parseMappingProfile({ report: { time_zone: 1 } }, 'z.yaml').problems)
      .to.deep.equal(['z.yaml: report.time_zone must be a time zone name such as UTC or Europe/Berlin']);
  });

  it('rejects a results_url.field that is not a text', () => {
    expect(parseMappingProfile({ results_url: { field: 3 } }, 'r.yaml').problems).to.deep.equal(['r.yaml: results_url.field must be a source path']);
  });

  it('rejects a file that is not a map', () => {
    expect(parseMappingProfile('status: x', 'f.yaml').problems).to.deep.equal(['f.yaml: profile must be a map of keys to values']);
  });

  const sources: Array<[string, boolean]> = [
    ['candidate.email', true], ['fields.interview.url', true], ['fields.a', true],
    ['fields.', false], ['fields', false], ['candidate', false], ['fields.a..b', false],
  ];
  for (const [path, known] of sources) {
    it(`source path "${path}" is ${known ? 'known' : 'unknown'}`, () => expect(isSourcePath(path)).to.equal(known));
  }
});
