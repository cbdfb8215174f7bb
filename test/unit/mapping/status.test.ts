import { expect } from 'chai';
import { computeExpiresAt, decideStatus } from '../../../src/domain/mapping/index.js';
import { profileFrom, snapshot } from './fixtures.js';

const createdAt = '2025-03-01T09:00:00.000Z';
const at = (iso: string) => new Date(iso);

describe('decideStatus', () => {
  const hireflix = profileFrom();
  const ctx = { createdAt, expiresAt: '2025-03-31T09:00:00.000Z', now: at('2025-03-10T00:00:00.000Z') };

  const states: Array<[string, string]> = [
    ['pending', 'pending'],
    ['completed', 'completed'],
    ['to_evaluate', 'completed'],
    ['shortlisted', 'completed'],
    ['discarded', 'completed'],
  ];
  for (const [state, status] of states) {
    it(`Hireflix ${state} -> ${status}`, () => expect(decideStatus(hireflix, snapshot({ state }), ctx)).to.deep.equal({ status }));
  }

  it('deleted upstream -> declined', () => expect(decideStatus(hireflix, null, ctx)).to.deep.equal({ status: 'declined' }));
  it('deleted upstream follows the profile', () => {
    expect(decideStatus(profileFrom({ status: { deleted: 'expired' } }), null, ctx)).to.deep.equal({ status: 'expired' });
  });
  it('an unmapped state counts as pending and is reported', () => {
    expect(decideStatus(hireflix, snapshot({ state: 'archived' }), ctx)).to.deep.equal({ status: 'pending', unmappedState: 'archived' });
  });
  it('rejected only when mapped explicitly', () => {
    const strict = profileFrom({ status: { discarded: 'rejected' } });
    expect(decideStatus(strict, snapshot({ state: 'discarded' }), ctx)).to.deep.equal({ status: 'rejected' });
  });

  describe('expiry', () => {
    const cases: Array<[string, string, string, string]> = [
      ['pending before the deadline', 'pending', '2025-03-31T08:59:59.999Z', 'pending'],
      ['pending at the deadline', 'pending', '2025-03-31T09:00:00.000Z', 'expired'],
      ['pending after the deadline', 'pending', '2025-04-05T00:00:00.000Z', 'expired'],
      ['completed after the deadline stays completed', 'completed', '2025-04-05T00:00:00.000Z', 'completed'],
    ];
    for (const [name, state, now, status] of cases) {
      it(name, () => expect(decideStatus(hireflix, snapshot({ state }), { ...ctx, now: at(now) }).status).to.equal(status));
    }
    it('without a stored deadline, the profile expiry applies to createdAt', () => {
      const noDeadline = { createdAt, now: at('2025-03-31T09:00:00.000Z') };
      expect(decideStatus(hireflix, snapshot({ state: 'pending' }), noDeadline).status).to.equal('expired');
      expect(decideStatus(profileFrom({ expiry: { after_days: 0 } }), snapshot({ state: 'pending' }), noDeadline).status).to.equal('pending');
    });
  });

  describe('waiting for a score (max 60 minutes)', () => {
    const waiting = profileFrom({ wait_for_score: { enabled: true, max_minutes: 60 } });
    const seen = '2025-03-02T10:00:00.000Z';
    const unscored = snapshot({ score: null });
    const cases: Array<[string, typeof unscored, string | undefined, string, unknown]> = [
      ['holds when first seen completed', unscored, undefined, '2025-03-02T10:00:00.000Z',
        { status: 'completed', hold: { until: '2025-03-02T11:00:00.000Z', reason: 'completed without a score; waiting for one until 2025-03-02T11:00:00.000Z' } }],
      ['still holds just before max_minutes', unscored, seen, '2025-03-02T10:59:59.999Z',
        { status: 'completed', hold: { until: '2025-03-02T11:00:00.000Z', reason: 'completed without a score; waiting for one until 2025-03-02T11:00:00.000Z' } }],
      ['releases at max_minutes', unscored, seen, '2025-03-02T11:00:00.000Z', { status: 'completed' }],
      ['releases as soon as a score arrives', snapshot({ score: 4 }), seen, '2025-03-02T10:05:00.000Z', { status: 'completed' }],
    ];
    for (const [name, snap, completedSeenAt, now, expected] of cases) {
      it(name, () => expect(decideStatus(waiting, snap, { createdAt, completedSeenAt, now: at(now) })).to.deep.equal(expected));
    }
    it('does not hold when the wait is disabled', () => {
      expect(decideStatus(hireflix, unscored, { createdAt, completedSeenAt: seen, now: at(seen) })).to.deep.equal({ status: 'completed' });
    });
  });
});

describe('computeExpiresAt', () => {
  const cases: Array<[string, Record<string, unknown>, string | undefined]> = [
    ['30 days by default', {}, '2025-03-31T09:00:00.000Z'],
    ['1 day', { expiry: { after_days: 1 } }, '2025-03-02T09:00:00.000Z'],
    ['never when 0', { expiry: { after_days: 0 } }, undefined],
    ['never when null', { expiry: { after_days: null } }, undefined],
  ];
  for (const [name, raw, expected] of cases) {
    it(name, () => expect(computeExpiresAt(profileFrom(raw), createdAt)).to.equal(expected));
  }
  it('throws on a createdAt that is not a date', () => {
    expect(() => computeExpiresAt(profileFrom(), 'yesterday')).to.throw(RangeError, 'createdAt is not a date: yesterday');
  });
});
