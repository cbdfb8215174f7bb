/** Redis's request-path calls: claim-and-read in one script, writes-and-release in one MULTI/EXEC. */
import { expect } from 'chai';
import { createStore, type RedisStore } from '../../../src/store/index.js';
import { deleteRedisPrefix, REDIS_URL, sleep, uniquePrefix } from '../../support/redis.js';

describe('RedisStore claimAndGet and writeAllAndRelease', () => {
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
    expect(await store.claimAndGet('lock:a', 'me', 5000, 'rec:1')).to.deep.equal({ claimed: true, value: { phase: 'invited', n: 1 } });
    expect(await store.getClaim('lock:a')).to.equal('me');
    expect(await store.claimAndGet('lock:a', 'you', 5000, 'rec:1')).to.deep.equal({ claimed: false });
    expect(await store.claimAndGet('lock:b', 'me', 5000, 'rec:missing')).to.deep.equal({ claimed: true });
  });

  it('a record past its TTL reads as absent, as get() says; the claim expires after its own TTL', async () => {
    await store.set('rec:short', { x: 1 }, 30);
    await sleep(60);
    expect(await store.claimAndGet('lock:c', 'me', 40, 'rec:short')).to.deep.equal({ claimed: true });
    await sleep(80);
    expect(await store.claimAndGet('lock:c', 'other', 1000, 'rec:short')).to.deep.equal({ claimed: true });
  });

  it('applies the writes and releases the claim together, but never a claim someone else holds', async () => {
    expect((await store.claimAndGet('lock:d', 'me', 5000, 'rec:d')).claimed).to.equal(true);
    await store.writeAllAndRelease([{ op: 'set', key: 'rec:d', value: { done: true } }, { op: 'zadd', index: 'idx', member: 'd', score: 7 }], 'lock:d', 'me');
    expect(await store.get('rec:d')).to.deep.equal({ done: true });
    expect(await store.zscore('idx', 'd')).to.equal(7);
    expect(await store.getClaim('lock:d')).to.equal(undefined);
    expect((await store.claimAndGet('lock:e', 'owner', 5000, 'rec:e')).claimed).to.equal(true);
    await store.writeAllAndRelease([{ op: 'set', key: 'rec:e', value: 1 }], 'lock:e', 'not-the-owner');
    expect(await store.get('rec:e')).to.equal(1);
    expect(await store.getClaim('lock:e')).to.equal('owner');
  });
});
