/** Redis's request-path calls: claim-and-read in one script (past a guard claim), writes-and-release in one MULTI/EXEC. */
import { expect } from 'chai';
import { createStore, type RedisStore } from '../../../src/store/index.js';
import { deleteRedisPrefix, REDIS_URL, sleep, uniquePrefix } from '../../support/redis.js';

async function expectRejection(p: Promise<unknown>, type: new (...a: never[]) => Error): Promise<void> {
  const outcome = await p.then(() => undefined, (e: unknown) => e);
  expect(outcome).to.be.instanceOf(type);
}

describe('RedisStore claimAndRead and writeAllAndRelease', () => {
  const prefix = uniquePrefix('rt');
  let store: RedisStore;
  before(async () => {
    store = await createStore({ kind: 'redis', url: REDIS_URL, prefix });
  });
  after(async () => {
    await store.close();
    await deleteRedisPrefix(REDIS_URL, prefix);
  });

  it('claims and reads the record in one call; a held claim is not taken and reads nothing', async () => {
    await store.set('rec:1', { phase: 'invited', n: 1 });
    expect(await store.claimAndRead('lock:a', 'me', 5000, ['rec:1'])).to.deep.equal({ claimed: true, values: [{ phase: 'invited', n: 1 }] });
    expect(await store.getClaim('lock:a')).to.equal('me');
    expect(await store.claimAndRead('lock:a', 'you', 5000, ['rec:1'])).to.deep.equal({ claimed: false });
    expect(await store.claimAndRead('lock:b', 'me', 5000, ['rec:missing'])).to.deep.equal({ claimed: true, values: [undefined] });
  });

  it('reads several records in order, each absent one as undefined', async () => {
    await store.set('rec:m1', 'one');
    await store.set('rec:m3', { three: 3 });
    expect(await store.claimAndRead('lock:m', 'me', 5000, ['rec:m1', 'rec:m2', 'rec:m3'])).to.deep.equal({ claimed: true, values: ['one', undefined, { three: 3 }] });
    await expectRejection(store.claimAndRead('lock:n', 'me', 5000, []), TypeError);
  });

  it('with a guard: takes the claim and reads only while the guard claim is free', async () => {
    await store.set('rec:g', { g: 1 });
    expect(await store.setIfAbsent('lock:guard', 'holder', 5000)).to.equal(true);
    expect(await store.claimAndRead('lease:g1', 'me', 5000, ['rec:g'], 'lock:guard')).to.deep.equal({ claimed: true, guarded: true });
    expect(await store.getClaim('lease:g1'), 'the claim is taken even when guarded').to.equal('me');
    expect(await store.claimAndRead('lease:g1', 'you', 5000, ['rec:g'], 'lock:guard')).to.deep.equal({ claimed: false });
    await store.releaseClaim('lock:guard', 'holder');
    expect(await store.claimAndRead('lease:g2', 'me', 5000, ['rec:g'], 'lock:guard')).to.deep.equal({ claimed: true, values: [{ g: 1 }] });
  });

  it('a record past its TTL reads as absent, as get() says; the claim expires after its own TTL', async () => {
    await store.set('rec:short', { x: 1 }, 30);
    await sleep(60);
    expect(await store.claimAndRead('lock:c', 'me', 40, ['rec:short'])).to.deep.equal({ claimed: true, values: [undefined] });
    await sleep(80);
    expect(await store.claimAndRead('lock:c', 'other', 1000, ['rec:short'])).to.deep.equal({ claimed: true, values: [undefined] });
  });

  it('applies the writes and releases the claim together, but never a claim someone else holds', async () => {
    expect((await store.claimAndRead('lock:d', 'me', 5000, ['rec:d'])).claimed).to.equal(true);
    await store.writeAllAndRelease([{ op: 'set', key: 'rec:d', value: { done: true } }, { op: 'zadd', index: 'idx', member: 'd', score: 7 }], 'lock:d', 'me');
    expect(await store.get('rec:d')).to.deep.equal({ done: true });
    expect(await store.zscore('idx', 'd')).to.equal(7);
    expect(await store.getClaim('lock:d')).to.equal(undefined);
    expect((await store.claimAndRead('lock:e', 'owner', 5000, ['rec:e'])).claimed).to.equal(true);
    await store.writeAllAndRelease([{ op: 'set', key: 'rec:e', value: 1 }], 'lock:e', 'not-the-owner');
    expect(await store.get('rec:e')).to.equal(1);
    expect(await store.getClaim('lock:e')).to.equal('owner');
  });
});
