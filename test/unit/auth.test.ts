import { createHash } from 'node:crypto';
import { expect } from 'chai';
import type { AccountConfig } from '../../src/config/types.js';
import { bearerToken, findAccountByToken } from '../../src/http/auth.js';

const hash = (s: string) => createHash('sha256').update(s).digest('hex');
const account = (id: string, ...tokens: string[]) => ({ id, tokenSha256: tokens.map(hash) }) as unknown as AccountConfig;

describe('bearer authentication', () => {
  const headers: Array<[string | undefined, string | undefined]> = [
    [undefined, undefined],
    ['', undefined],
    ['Bearer', undefined],
    ['Bearer    ', undefined],
    ['Basic abc', undefined],
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['BEARER   abc  ', 'abc'],
    ['Bearerabc', undefined],
  ];
  for (const [header, token] of headers) {
    it(`reads ${JSON.stringify(header)} as ${JSON.stringify(token)}`, () => expect(bearerToken(header)).to.equal(token));
  }

  it('finds the account by any of its token hashes (rotation) and nothing for an unknown token', () => {
    const accounts = [account('a', 'old-a', 'new-a'), account('b', 'tok-b')];
    expect(findAccountByToken(accounts, 'old-a')?.id).to.equal('a');
    expect(findAccountByToken(accounts, 'new-a')?.id).to.equal('a');
    expect(findAccountByToken(accounts, 'tok-b')?.id).to.equal('b');
    expect(findAccountByToken(accounts, 'tok-c')).to.equal(undefined);
    expect(findAccountByToken(accounts, '')).to.equal(undefined);
  });
});
