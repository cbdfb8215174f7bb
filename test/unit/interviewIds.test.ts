import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { InterviewIds } from '../../src/domain/interviewIds.js';
import { keys } from '../../src/domain/keys.js';
import { createStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';

/** The first derivation, as ids were issued before they stopped starting with "-". */
const firstDerivation = (key: Buffer, account: string, url: string): string =>
  createHmac('sha256', key).update(`${account}\n${url}`, 'utf8').digest().subarray(0, 16).toString('base64url');

describe('interview ids: never a leading "-", old ids kept', function () {
  let dir: string;
  let store: Store;
  let key: Buffer;
  const urls = Array.from({ length: 2000 }, (_, i) => `https://acme.workable.com/spi/v1/interviews/${i}`);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wvb-ids-'));
    store = await createStore({ kind: 'sqlite', path: join(dir, 'bridge.sqlite') });
    await new InterviewIds(store).idFor('acme', urls[0]!);
    key = Buffer.from((await store.getClaim('meta:interview-id-key'))!, 'base64url');
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('issues no id that starts with "-", even where the first derivation does, and the same id for the same request', async () => {
    const ids = new InterviewIds(store);
    const dashed = urls.filter((u) => firstDerivation(key, 'acme', u).startsWith('-'));
    // About one in 32: with 2,000 requests some first derivations start with "-" (the case under test).
    expect(dashed.length).to.be.greaterThan(10);
    const issued = await Promise.all(urls.map((u) => ids.idFor('acme', u)));
    expect(issued.filter((i) => i.startsWith('-'))).to.deep.equal([]);
    for (const i of issued) expect(i).to.match(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    expect(new Set(issued).size).to.equal(urls.length);
    // Ids that did not start with "-" are exactly what they always were.
    urls.forEach((u, n) => {
      const first = firstDerivation(key, 'acme', u);
      if (!first.startsWith('-')) expect(issued[n]).to.equal(first);
    });
    // Another replica (its own InterviewIds on the same store) computes the same ids.
    expect(await Promise.all(dashed.map((u) => new InterviewIds(store).idFor('acme', u)))).to.deep.equal(dashed.map((u) => issued[urls.indexOf(u)]));
  });

  it('a request whose interview was issued under a "-" id before keeps that id', async () => {
    const url = urls.find((u) => firstDerivation(key, 'acme', u).startsWith('-'))!;
    const old = firstDerivation(key, 'acme', url);
    const fresh = await new InterviewIds(store).idFor('acme', url);
    expect(fresh).to.not.equal(old);
    await store.set(keys.interview(old), { id: old, accountId: 'acme', callbackUrl: url, phase: 'invited', candidate: { firstName: 'A', lastName: 'B', email: 'a@b.c' }, current: { status: 'pending' } });
    expect(await new InterviewIds(store).idFor('acme', url)).to.equal(old);
    // Another account with the same callback_url is a different request: not that interview.
    expect(await new InterviewIds(store).idFor('globex', url)).to.not.equal(old);
  });
});
