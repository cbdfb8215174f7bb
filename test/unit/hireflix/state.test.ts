import { expect } from 'chai';
import { normaliseState } from '../../../src/upstreams/hireflix/state.js';

describe('Hireflix state normalisation', () => {
  const cases: Array<[string, unknown, string]> = [
    ['fresh invite', { status: 'pending', completed: null }, 'pending'],
    ['status completed', { status: 'completed' }, 'completed'],
    ['stage to_evaluate', { status: 'to_evaluate' }, 'completed'],
    ['status in capitals', { status: 'COMPLETED' }, 'completed'],
    ['unknown status but a completion time', { status: 'processing', completed: 1758816207000 }, 'completed'],
    ['answered flag only', { answered: true }, 'completed'],
    ['shortlisted', { status: 'shortlisted', completed: 1 }, 'shortlisted'],
    ['finalist spelling', { status: 'finalist' }, 'shortlisted'],
    ['discarded status', { status: 'discarded' }, 'discarded'],
    ['discardedAt wins over a pending status', { status: 'pending', discardedAt: 1760364046835 }, 'discarded'],
    ['not an object', null, 'pending'],
  ];
  for (const [name, raw, expected] of cases) {
    it(`${name} -> ${expected}`, () => {
      expect(normaliseState(raw)).to.equal(expected);
    });
  }
});
