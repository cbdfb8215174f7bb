import { expect } from 'chai';
import { MAX_DELAY_MS, nextDelayMs } from '../../../src/domain/backoff.js';

const opts = { baseMs: 1000, maxMs: 60_000 };
const DAY = 24 * 60 * 60 * 1000;

describe('nextDelayMs', () => {
  const cases: Array<[name: string, attempt: number, random: number, retryAfterMs: number | undefined, expected: number]> = [
    ['first attempt, top of the jitter range, waits just under base', 1, 0.999999, undefined, 999],
    ['first attempt, middle of the range, waits half of base', 1, 0.5, undefined, 500],
    ['second attempt doubles the ceiling', 2, 0.5, undefined, 1000],
    ['fifth attempt has ceiling base * 16', 5, 0.5, undefined, 8000],
    ['a late attempt is capped at maxMs', 12, 0.5, undefined, 30_000],
    ['a huge attempt number does not overflow past the cap', 5000, 0.5, undefined, 30_000],
    ['full jitter can go down to zero', 3, 0, undefined, 0],
    ['attempt 0 is treated as the first', 0, 0.5, undefined, 500],
    ['a negative attempt is treated as the first', -3, 0.5, undefined, 500],
    ['NaN attempt is treated as the first', Number.NaN, 0.5, undefined, 500],
    ['Retry-After larger than the jittered delay wins', 1, 0.5, 120_000, 120_000],
    ['Retry-After wins even over maxMs', 12, 0.5, 120_000, 120_000],
    ['Retry-After smaller than the jittered delay is ignored', 5, 0.5, 2000, 8000],
    ['Retry-After of zero is ignored', 2, 0.5, 0, 1000],
    ['Retry-After fractions round up', 1, 0, 1500.2, 1501],
    ['Retry-After beyond a day is capped at a day', 1, 0.5, 30 * DAY, DAY],
    ['Infinite Retry-After is ignored', 2, 0.5, Number.POSITIVE_INFINITY, 1000],
    ['a random source above 1 is clamped', 1, 7, undefined, 1000],
  ];
  for (const [name, attempt, random, retryAfterMs, expected] of cases) {
    it(name, () => {
      expect(nextDelayMs(attempt, opts, () => random, retryAfterMs)).to.equal(expected);
    });
  }

  it('maxMs above a day is capped at a day', () => {
    expect(nextDelayMs(40, { baseMs: 1000, maxMs: 10 * DAY }, () => 0.5)).to.equal(MAX_DELAY_MS / 2);
  });

  it('with the default random source stays within [0, ceiling)', () => {
    for (let i = 0; i < 200; i += 1) {
      const d = nextDelayMs(3, opts);
      expect(d).to.be.at.least(0);
      expect(d).to.be.below(4000);
    }
  });
});
