import { expect } from 'chai';
import { SOURCE_PATHS } from '../../../src/config/mappingSchema.js';
import { buildDetails, renderSummary, resolveSource } from '../../../src/domain/mapping/index.js';
import { profileFrom, record, snapshot } from './fixtures.js';

const fields = {
  'interview.url': 'https://app.hireflix.com/HQ2oCtTC',
  tags: ['ops', 'night shift', null],
  reviews: [{ by: 'a' }, { by: 'b' }],
  empty: [],
  blank: '  ',
  discardedAt: new Date(1760364046835),
  ratings: { communication: 4, tech: { java: 3, sql: { joins: 5 } }, missing: null },
  nested: { a: { b: 1 } },
};

describe('details', () => {
  const cases: Array<[string, Record<string, unknown>, unknown]> = [
    ['two levels are kept as written',
      { Interview: { Template: 'template.name', Questions: 'answers.count' }, Job: 'job.title' },
      { Interview: { Template: 'Ops screen', Questions: 2 }, Job: 'Operations Manager' }],
    ['an object inside a group is flattened into "A / B" labels',
      { Review: { Ratings: 'fields.ratings' } },
      { Review: { 'Ratings / communication': 4, 'Ratings / tech / java': 3, 'Ratings / tech / sql / joins': 5 } }],
    ['an object at the first level becomes a group, deeper levels flattened',
      { Ratings: 'fields.ratings' },
      { Ratings: { communication: 4, 'tech / java': 3, 'tech / sql / joins': 5 } }],
    ['plain arrays are joined, arrays of objects counted',
      { Tags: 'fields.tags', Reviews: 'fields.reviews' },
      { Tags: 'ops, night shift', Reviews: 2 }],
    ['dates become ISO 8601',
      { Completed: 'completed_at', Discarded: 'fields.discardedAt' },
      { Completed: '2025-03-02T10:20:05.000Z', Discarded: '2025-10-13T14:00:46.835Z' }],
    ['missing, blank and empty values are omitted, and so are groups left empty',
      { Gone: 'fields.nope', Empty: 'fields.empty', Blank: 'fields.blank', Group: { Phone: 'fields.none' }, Url: 'fields.interview.url' },
      { Url: 'https://app.hireflix.com/HQ2oCtTC' }],
  ];
  for (const [name, details, expected] of cases) {
    it(name, () => {
      expect(buildDetails(profileFrom({ details }), { snapshot: snapshot({ fields }), record })).to.deep.equal(expected);
    });
  }

  it('keeps the profile order of labels', () => {
    const result = buildDetails(profileFrom({ details: { Zeta: 'job.title', Alpha: 'template.name' } }), { snapshot: snapshot(), record });
    expect(Object.keys(result ?? {})).to.deep.equal(['Zeta', 'Alpha']);
  });

  it('is undefined when nothing is left', () => {
    expect(buildDetails(profileFrom({ details: { Score: 'score.raw' } }), { snapshot: snapshot({ score: null }), record })).to.equal(undefined);
  });

  it('gives the Hireflix defaults for a deleted interview from the record alone', () => {
    expect(buildDetails(profileFrom(), { snapshot: null, record })).to.deep.equal({
      Interview: { Template: 'Ops screen (stored)', 'Invited at': '2025-03-01T08:59:59.000Z' },
    });
  });

  it('every named source resolves for a complete interview (schema and resolver agree)', () => {
    const full = snapshot({ durationSeconds: 60 });
    const unresolved = SOURCE_PATHS.filter((path) => resolveSource(profileFrom(), { snapshot: full, record }, path) === undefined);
    expect(unresolved).to.deep.equal([]);
  });

  it('reads epoch-millisecond times as dates', () => {
    const ctx = { snapshot: snapshot({ startedAt: '1761566424331' }), record };
    expect(resolveSource(profileFrom(), ctx, 'started_at')).to.equal('2025-10-27T12:00:24.331Z');
  });
});

describe('summary', () => {
  const cases: Array<[string, string, string | undefined]> = [
    ['the Hireflix default', '', 'Lakita Marrero answered 1 of 2 questions for Ops screen.'],
    ['score and grade placeholders', '{candidate.name}: {score.percent}% ({score.grade})', 'Lakita Marrero: 78% (passed)'],
    ['a missing value is empty, never "undefined", and its spaces collapse', 'Phone {fields.phone} on file', 'Phone on file'],
    ['only missing values gives no summary', '{fields.phone}', undefined],
    ['an empty template gives no summary', '', undefined],
  ];
  cases.forEach(([name, template, expected], index) => {
    it(name, () => {
      const profile = index === 0 ? profileFrom() : profileFrom({ summary: template });
      expect(renderSummary(profile, { snapshot: snapshot(), record })).to.equal(expected);
    });
  });

  it('unscored: the score placeholder is empty', () => {
    const profile = profileFrom({ summary: 'Score {score.percent}%' });
    expect(renderSummary(profile, { snapshot: snapshot({ score: null }), record })).to.equal('Score %');
  });
});
