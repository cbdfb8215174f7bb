import { expect } from 'chai';
import { formatDuration, toGrade, toPercent } from '../../../src/domain/mapping/index.js';
import { profileFrom } from './fixtures.js';

describe('score, grade and duration', () => {
  const hireflix = profileFrom();

  describe('toPercent (Hireflix 0.5..5, percent = round(score / 5 * 100))', () => {
    const cases: Array<[string, number | null, string | undefined]> = [
      ['lowest star', 0.5, '10'],
      ['highest star', 5, '100'],
      ['3.9 stars', 3.9, '78'],
      ['rounds half up', 2.525, '51'],
      ['not scored', null, undefined],
      ['NaN', Number.NaN, undefined],
      ['above max is clamped', 7, '100'],
      ['below min is clamped', 0, '10'],
      ['negative is clamped', -3, '10'],
    ];
    for (const [name, raw, expected] of cases) {
      it(`${name}: ${raw} -> ${expected}`, () => expect(toPercent(hireflix, raw)).to.equal(expected));
    }
    it('keeps the configured decimals', () => {
      const precise = profileFrom({ score: { decimals: 1 } });
      expect([toPercent(precise, 3.9), toPercent(precise, 3.33), toPercent(precise, 5)]).to.deep.equal(['78.0', '66.6', '100.0']);
    });
    it('uses the profile scale', () => {
      expect(toPercent(profileFrom({ score: { min: 0, max: 10 } }), 7.5)).to.equal('75');
    });
  });

  describe('toGrade (passed_from 50, excelled_from 80)', () => {
    const cases: Array<[string | undefined, string | undefined]> = [
      ['0', 'failed'],
      ['49', 'failed'],
      ['49.99', 'failed'],
      ['50', 'passed'],
      ['79', 'passed'],
      ['80', 'excelled'],
      ['100', 'excelled'],
      [undefined, undefined],
      ['', undefined],
      ['n/a', undefined],
    ];
    for (const [percent, grade] of cases) {
      it(`${JSON.stringify(percent)} -> ${grade}`, () => expect(toGrade(hireflix, percent)).to.equal(grade));
    }
    it('equal thresholds: at the threshold is excelled, below is failed', () => {
      const strict = profileFrom({ grade: { passed_from: 70, excelled_from: 70 } });
      expect([toGrade(strict, '69'), toGrade(strict, '70')]).to.deep.equal(['failed', 'excelled']);
    });
  });

  describe('formatDuration', () => {
    const cases: Array<[number | undefined, string | undefined]> = [
      [0, '00:00:00'],
      [59, '00:00:59'],
      [3600, '01:00:00'],
      [3661, '01:01:01'],
      [90061, '25:01:01'],
      [93605, '26:00:05'],
      [59.6, '00:01:00'],
      [undefined, undefined],
      [-1, undefined],
      [Number.POSITIVE_INFINITY, undefined],
    ];
    for (const [seconds, expected] of cases) {
      it(`${seconds} s -> ${expected}`, () => expect(formatDuration(seconds)).to.equal(expected));
    }
  });
});
