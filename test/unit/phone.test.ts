import { expect } from 'chai';
import { normalisePhone } from '../../src/domain/phone.js';

describe('phone normalisation', () => {
  const table: Array<[string | undefined, string, { phone?: string; note?: string }]> = [
    ['(785)991-6256', 'US', { phone: '+17859916256' }],
    ['785 991 6256', 'US', { phone: '+17859916256' }],
    ['+32 491 50 50 50', 'US', { phone: '+32491505050' }],
    ['0491 50 50 50', 'BE', { phone: '+32491505050' }],
    ['020 7946 0958', 'GB', { phone: '+442079460958' }],
    [undefined, 'US', {}],
    ['   ', 'US', {}],
    ['12', 'US', { note: 'the phone number is not valid for default country US; the invitation was sent without it' }],
    ['call me maybe', 'US', { note: 'the phone number is not valid for default country US; the invitation was sent without it' }],
  ];
  for (const [raw, country, expected] of table) {
    it(`${JSON.stringify(raw)} in ${country} → ${JSON.stringify(expected)}`, () => expect(normalisePhone(raw, country)).to.deep.equal(expected));
  }
});
