import { createHash } from 'node:crypto';
import { expect } from 'chai';
import type { AccountConfig } from '../../src/config/types.js';
import { bearerToken, findAccountByToken, TokenVerifier, VERIFIED_TOKEN_CACHE_SIZE, verifierFor } from '../../src/http/auth.js';

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

  it('the verified-token cache holds only tokens that verified, stays bounded, and answers as the scan does', () => {
    const accounts = [account('a', 'tok-a'), account('b', 'tok-b')];
    const v = new TokenVerifier(accounts);
    expect(v.find('nope')).to.equal(undefined);
    expect(v.find('nope')).to.equal(undefined);
    expect(v.cached).to.equal(0);
    expect(v.find('tok-a')?.id).to.equal('a');
    expect(v.find('tok-a')?.id).to.equal('a');
    expect(v.cached).to.equal(1);
    // Many distinct valid tokens: the cache never grows past its bound, and every one still verifies.
    const many = Array.from({ length: VERIFIED_TOKEN_CACHE_SIZE + 50 }, (_, i) => `t-${i}`);
    const big = new TokenVerifier([account('m', ...many)]);
    for (const t of many) expect(big.find(t)?.id).to.equal('m');
    expect(big.cached).to.equal(VERIFIED_TOKEN_CACHE_SIZE);
    expect(big.find(many[0]!)?.id).to.equal('m');
  });

  it('a reload (a new account list) forgets every remembered token: a removed token stops working', () => {
    const before = [account('a', 'old-a', 'new-a')];
    expect(verifierFor(before).find('old-a')?.id).to.equal('a');
    expect(verifierFor(before).cached).to.equal(1);
    const after = [account('a', 'new-a')];
    expect(verifierFor(after).find('old-a')).to.equal(undefined);
    expect(verifierFor(after).find('new-a')?.id).to.equal('a');
    expect(verifierFor(before)).to.not.equal(verifierFor(after));
  });
});
