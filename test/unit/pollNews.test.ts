import { expect } from 'chai';
import type { InterviewRecord } from '../../src/domain/types.js';
import { mayBeNews } from '../../src/jobs/pollOnce.js';

const record = (updatedAt: string, final = false) => ({ updatedAt, ...(final ? { final } : {}) }) as InterviewRecord;
const OVERLAP = 120_000;

describe('which listed changes a poll hands to reconcile', () => {
  const table: Array<[string, InterviewRecord, string | undefined, boolean]> = [
    ['a change after the last reconcile', record('2026-01-01T10:00:00Z'), '2026-01-01T10:05:00Z', true],
    ['a change within the overlap before it (clock skew)', record('2026-01-01T10:00:00Z'), '2026-01-01T09:58:30Z', true],
    ['a change exactly one overlap before it', record('2026-01-01T10:00:00Z'), '2026-01-01T09:58:00Z', true],
    ['a change well before the last reconcile (already seen)', record('2026-01-01T10:00:00Z'), '2026-01-01T09:50:00Z', false],
    ['a change with no time', record('2026-01-01T10:00:00Z'), undefined, true],
    ['any change to a final interview', record('2026-01-01T10:00:00Z', true), '2026-01-01T11:00:00Z', false],
  ];
  for (const [name, r, changedAt, expected] of table) {
    it(`${name} → ${expected ? 'reconcile' : 'skip'}`, () => {
      expect(mayBeNews(r, { upstreamId: 'u', externalId: 'e', ...(changedAt ? { changedAt } : {}) }, OVERLAP)).to.equal(expected);
    });
  }
});
