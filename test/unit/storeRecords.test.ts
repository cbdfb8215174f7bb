/**
 * The store schema's record layout (src/store/records.ts): version 2 interview records give back exactly the
 * record that was packed, whatever optional fields it has; version 1 values and other families pass as they
 * are; a newer version is refused.
 */
import { expect } from 'chai';
import type { InterviewRecord } from '../../src/domain/types.js';
import { deserializeStored, NOT_JSON, packRecord, StoreRecordError, StoreSchemaError, unpackRecord } from '../../src/store/records.js';

const ID = 'rJ3qEQW5CeC7fKm0P1WLdQ';
const KEY = `interview:${ID}`;

function pending(): InterviewRecord {
  return {
    id: ID,
    accountId: 'groove-tech',
    upstream: 'hireflix',
    upstreamId: '64f1c2a9e4b0a1b2c3d4e5f6',
    templateId: '64f1c2a9e4b0a1b2c3d4e5f7',
    templateName: 'Operations Manager screening',
    jobId: '123456',
    jobTitle: 'Operations Manager',
    callbackUrl: 'https://groove-tech.workable.com/spi/v3/interviews/8a7b6c5d4e3f/callback',
    candidate: { firstName: 'Alexandra', lastName: 'Papadopoulou', email: 'alexandra@example.com', phone: '+306912345678' },
    candidateUrl: 'https://app.hireflix.com/AbCdEfGh12',
    createdAt: '2026-12-04T19:54:03.006Z',
    updatedAt: '2026-12-04T19:54:03.006Z',
    phase: 'invited',
    current: { status: 'pending' },
    expiresAt: '2027-01-03T19:54:03.006Z',
  };
}

function roundTrip(r: InterviewRecord): unknown {
  // Through JSON, as both backends keep it.
  return unpackRecord(KEY, JSON.parse(JSON.stringify(packRecord(KEY, r))));
}

describe('store schema: interview records', () => {
  it('packs a pending interview to version 2 without its id or defaults, and unpacks it whole', () => {
    const packed = packRecord(KEY, pending()) as Record<string, unknown>;
    expect(packed.v).to.equal(2);
    for (const absent of ['id', 'phase', 'r', 'accountId', 'upstreamId']) expect(packed).to.not.have.property(absent);
    expect(packed.ca, 'a canonical ISO time is kept as epoch ms').to.equal(Date.parse('2026-12-04T19:54:03.006Z'));
    expect(roundTrip(pending())).to.deep.equal(pending());
    expect(JSON.stringify(packed).length).to.be.lessThan(JSON.stringify(pending()).length * 0.72);
  });

  it('gives back every optional field: a completed, delivered, shared, final interview', () => {
    const done: InterviewRecord = {
      ...pending(),
      phase: 'invited',
      current: { status: 'completed', interview: { score: '80', grade: 'good', summary: 'Strong', details: [], shared_link: 'https://x/y' } } as unknown as InterviewRecord['current'],
      deliveredHash: 'a'.repeat(64),
      deliveredAt: '2026-12-05T10:00:00.000Z',
      completedSeenAt: '2026-12-05T09:59:00.000Z',
      upstreamExpiresAt: '2027-01-01T00:00:00Z',
      share: { url: 'https://app.hireflix.com/share/1', createdAt: '2026-12-05T09:59:30.000Z', days: 30 },
      reportId: 'rep-1',
      final: true,
      phoneNote: 'phone dropped: not a valid number',
      preferences: { key: 'value' },
    };
    expect(roundTrip(done)).to.deep.equal(done);
    const noDays = { ...done, share: { url: 'https://s', createdAt: '2026-12-05T09:59:30.000Z' } };
    expect(roundTrip(noDays)).to.deep.equal(noDays);
  });

  it('keeps a timestamp that is not canonical ISO text exactly as it came (compared as text elsewhere)', () => {
    const r = { ...pending(), upstreamExpiresAt: '2027-01-01T00:00:00Z', expiresAt: '2027-01-01T00:00:00+00:00' };
    const packed = packRecord(KEY, r) as Record<string, unknown>;
    expect(packed.ue).to.equal('2027-01-01T00:00:00Z');
    expect(roundTrip(r)).to.deep.equal(r);
  });

  it('an interview still being invited: null upstream id, phase inviting, no phone', () => {
    const r: InterviewRecord = { ...pending(), upstreamId: null, phase: 'inviting', candidate: { firstName: 'A', lastName: 'B', email: 'a@b.c' } };
    delete r.candidateUrl;
    delete r.expiresAt;
    delete r.jobId;
    delete r.templateName;
    expect(roundTrip(r)).to.deep.equal(r);
  });

  it('keeps fields it does not know', () => {
    const r = { ...pending(), futureField: { a: 1 } } as InterviewRecord;
    expect(roundTrip(r)).to.deep.equal(r);
  });

  it('reads version 1 records as they are, and leaves other record families alone', () => {
    const v1 = pending();
    expect(unpackRecord(KEY, v1)).to.equal(v1);
    const outbox = { interviewId: ID, payload: { status: 'completed' } };
    expect(packRecord(`outbox:${ID}`, outbox)).to.equal(outbox);
    expect(unpackRecord(`outbox:${ID}`, { v: 9 })).to.deep.equal({ v: 9 });
    expect(packRecord('interview:x', 'not a record')).to.equal('not a record');
    expect(unpackRecord(KEY, undefined)).to.equal(undefined);
  });

  it('refuses a version it does not know instead of misreading it', () => {
    expect(() => unpackRecord(KEY, { v: 3, a: 'x' })).to.throw(StoreSchemaError, /schema version 3.*upgrade/);
  });
});

describe('store schema: values no version writes', () => {
  const v2 = () => JSON.parse(JSON.stringify(packRecord(KEY, pending()))) as Record<string, unknown>;
  const cases: Array<[string, (p: Record<string, unknown>) => void, RegExp]> = [
    ['a candidate that is a string', (p) => (p.p = 'Alice'), /candidate that is not 3 or 4 texts/],
    ['no candidate', (p) => delete p.p, /candidate/],
    ['a candidate with a number', (p) => (p.p = ['A', 'B', 7]), /candidate/],
    ['a timestamp out of range', (p) => (p.ca = 1e20), /timestamp "ca"/],
    ['no account', (p) => delete p.a, /text field "a"/],
    ['unknown fields that are an array', (p) => (p.x = [1, 2]), /"x" that is not an object/],
    ['a result without a status', (p) => (p.r = { score: 1 }), /result without a status/],
    ['a bad share link', (p) => (p.s = ['u']), /share link/],
    ['an unknown phase', (p) => (p.ph = 'invited'), /unknown phase/],
  ];
  for (const [what, spoil, message] of cases) {
    it(`refuses a version 2 record with ${what} (StoreRecordError, never a wrong record)`, () => {
      const p = v2();
      spoil(p);
      expect(() => unpackRecord(KEY, p)).to.throw(StoreRecordError, message);
    });
  }

  it('a version that is not a whole number is corrupt, not newer', () => {
    for (const v of ['2', null, 2.5, -1, 1]) expect(() => unpackRecord(KEY, { ...v2(), v }), String(v)).to.throw(StoreRecordError, /unknown schema version/);
    expect(() => unpackRecord(KEY, { ...v2(), v: 7 })).to.throw(StoreSchemaError);
  });

  it('text that is not JSON is a record error of its key, for any family', () => {
    expect(() => unpackRecord(`outbox:${ID}`, NOT_JSON)).to.throw(StoreRecordError, new RegExp(`record outbox:${ID} cannot be read: not JSON`));
    expect(deserializeStored('{"value":')).to.deep.equal({ value: NOT_JSON });
  });
});

describe('store schema: unknown fields cannot stand in for known ones', () => {
  it('ignores a known field name inside x (packInterview never writes one there)', () => {
    const p = JSON.parse(JSON.stringify(packRecord(KEY, pending()))) as Record<string, unknown>;
    p.x = { deliveredHash: 'forged', final: true, accountId: 'other', later: 1 };
    const r = unpackRecord(KEY, p) as InterviewRecord & { later?: number };
    expect(r.deliveredHash).to.equal(undefined);
    expect(r.final).to.equal(undefined);
    expect(r.accountId).to.equal('groove-tech');
    expect(r.later).to.equal(1);
  });
});

describe('store schema: only whole records are packed', () => {
  it('keeps a partial interview value in version 1, so packing never writes what unpacking refuses', () => {
    const partial = { id: ID, accountId: 'acme', candidate: { firstName: 'A', lastName: 'B', email: 'a@b.c' }, current: { status: 'pending' } };
    expect(packRecord(KEY, partial)).to.equal(partial);
    expect(unpackRecord(KEY, JSON.parse(JSON.stringify(partial)))).to.deep.equal(partial);
  });
});
