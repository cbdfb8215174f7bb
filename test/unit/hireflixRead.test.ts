import { expect } from 'chai';
import { deadlineAt, epochToIso } from '../../src/upstreams/hireflix/read.js';
import { parseHireflixWebhook } from '../../src/upstreams/hireflix/index.js';
import { validateCreateBody } from '../../src/http/validateCreate.js';

describe('reading a Hireflix deadline (expires)', () => {
  const table: Array<[unknown, string | undefined]> = [
    [{ expires: 1761566424331 }, '2025-10-27T12:00:24.331Z'],
    [{ expires: null }, undefined],
    [{ expires: 0 }, undefined],
    [{ expires: '0' }, undefined],
    [{}, undefined],
    [{ expires: 'soon' }, undefined],
    [null, undefined],
  ];
  for (const [input, expected] of table) {
    it(`${JSON.stringify(input)} → ${String(expected)} (null and 0 mean no deadline, not 1970)`, () => expect(deadlineAt(input)).to.equal(expected));
  }
});

describe('reading Hireflix timestamps', () => {
  const table: Array<[unknown, string | undefined]> = [
    [1761566424331, '2025-10-27T12:00:24.331Z'],
    ['1761566424331', '2025-10-27T12:00:24.331Z'],
    ['2025-10-27T12:00:24.331Z', '2025-10-27T12:00:24.331Z'],
    [1e20, undefined],
    [-1e20, undefined],
    ['99999999999999999999', undefined],
    [Number.NaN, undefined],
    [null, undefined],
    ['soon', undefined],
  ];
  for (const [input, expected] of table) {
    it(`${JSON.stringify(input)} → ${String(expected)}`, () => expect(epochToIso(input)).to.equal(expected));
  }

  it('a webhook with an out-of-range updatedAt is still read (the time is only a hint)', () => {
    const hint = parseHireflixWebhook(Buffer.from(JSON.stringify({ event: 'interview.finish', data: { id: 'x1', externalId: 'e1', updatedAt: 1e20 } })));
    expect(hint).to.deep.equal({ upstreamId: 'x1', externalId: 'e1', event: 'interview.finish' });
  });
});

describe('optional job_id', () => {
  it('an empty job_id is treated as absent, not as a missing required field', () => {
    const body = validateCreateBody({ interview_template_id: '1', job_id: '', job_title: 'T', callback_url: 'https://a.workable.com/x', candidate: { first_name: 'A', last_name: 'B', email: 'a@b.co' } });
    expect(body).to.not.have.property('job_id');
  });
});
