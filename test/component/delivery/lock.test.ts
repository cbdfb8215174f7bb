import { expect } from 'chai';
import { LockBusyError, withLease, withLock } from '../../../src/domain/lock.js';
import { StoreUnavailableError, type Store } from '../../../src/store/types.js';
import { backends, type Backend } from '../../support/backends.js';
import { overrideStore } from '../../support/overrideStore.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

for (const makeBackend of backends) {
  describe(`withLock and withLease on ${makeBackend().name}`, () => {
    let backend: Backend;
    let store: Store;

    beforeEach(async () => {
      backend = makeBackend();
      store = await backend.open();
    });
    afterEach(async () => {
      await backend.cleanup();
    });

    it('lets one holder at a time in, also across two store handles (two processes)', async () => {
      const other = await backend.open(true);
      let inside = 0;
      let maxInside = 0;
      const order: number[] = [];
      const critical = (s: Store, n: number): Promise<number> =>
        withLock(s, 'iv-1', async () => {
          inside += 1;
          maxInside = Math.max(maxInside, inside);
          await sleep(30);
          order.push(n);
          inside -= 1;
          return n;
        });
      const results = await Promise.all([critical(store, 1), critical(other, 2), critical(store, 3), critical(other, 4)]);
      expect(results).to.deep.equal([1, 2, 3, 4]);
      expect(maxInside).to.equal(1);
      expect([...order].sort()).to.deep.equal([1, 2, 3, 4]);
      expect(await store.getClaim('lock:iv-1')).to.equal(undefined);
    });

    it('throws LockBusyError after waitMs while someone else holds it, without running fn', async () => {
      await store.setIfAbsent('lock:iv-2', 'someone-else', 5000);
      let ran = false;
      const started = Date.now();
      let caught: unknown;
      await withLock(store, 'iv-2', async () => { ran = true; }, { waitMs: 150 }).catch((err: unknown) => { caught = err; });
      expect(caught).to.be.instanceOf(LockBusyError);
      expect((caught as LockBusyError).lockName).to.equal('iv-2');
      expect(Date.now() - started).to.be.within(140, 1000);
      expect(ran).to.equal(false);
      expect(await store.getClaim('lock:iv-2')).to.equal('someone-else');
    });

    it('releases the lock when fn throws, and rethrows its error', async () => {
      let caught: unknown;
      await withLock(store, 'iv-3', async () => { throw new Error('inner'); }).catch((err: unknown) => { caught = err; });
      expect((caught as Error).message).to.equal('inner');
      expect(await store.getClaim('lock:iv-3')).to.equal(undefined);
    });

    it('takes over a lock whose holder died once its TTL expires', async () => {
      await store.setIfAbsent('lock:iv-4', 'crashed', 100);
      expect(await withLock(store, 'iv-4', async () => 'mine', { waitMs: 2000 })).to.equal('mine');
    });

    it('a holder whose lock expired does not release the next holder\'s lock', async () => {
      const slow = withLock(store, 'iv-5', () => sleep(200), { ttlMs: 50 });
      await sleep(80);
      let heldDuringRelease: string | undefined;
      await withLock(store, 'iv-5', async () => {
        await slow; // the first holder finishes (and "releases") while we hold the lock
        heldDuringRelease = await store.getClaim('lock:iv-5');
      });
      expect(heldDuringRelease).to.be.a('string');
      expect(await store.getClaim('lock:iv-5')).to.equal(undefined);
    });

    it('a release the store refuses: ignored by default, the caller\'s error with mustRelease', async () => {
      const refusing = overrideStore(store, { releaseClaim: () => Promise.reject(new StoreUnavailableError(store.kind, new Error('injected'))) });
      expect(await withLock(refusing, 'iv-6', async () => 'done', { ttlMs: 60_000 })).to.equal('done');
      let caught: unknown;
      let ran = false;
      try {
        await withLock(refusing, 'iv-7', async () => {
          ran = true;
          return 'done';
        }, { ttlMs: 60_000, mustRelease: true });
      } catch (err) {
        caught = err;
      }
      expect(ran).to.equal(true);
      expect(caught).to.be.instanceOf(StoreUnavailableError);
      // fn's own error still wins over a failed release.
      caught = undefined;
      try {
        await withLock(refusing, 'iv-8', async () => {
          throw new Error('fn failed');
        }, { mustRelease: true });
      } catch (err) {
        caught = err;
      }
      expect((caught as Error).message).to.equal('fn failed');
      expect(await store.getClaim('lock:iv-7'), 'the unreleased lock stays until its TTL').to.be.a('string');
    });

    it('withLease runs fn when the lease is free and releases it after; does nothing (never waits) while another holds it', async () => {
      const other = await backend.open(true);
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      const first = withLease(store, 'lease:job', 60_000, async () => {
        await held;
        return 'first';
      });
      await sleep(20);
      let ranSecond = false;
      const second = await withLease(other, 'lease:job', 60_000, async () => {
        ranSecond = true;
        return 'second';
      });
      expect(second).to.deep.equal({ ran: false });
      expect(ranSecond).to.equal(false);
      release();
      expect(await first).to.deep.equal({ ran: true, value: 'first' });
      expect(await store.getClaim('lease:job'), 'released').to.equal(undefined);
      expect(await withLease(other, 'lease:job', 60_000, async () => 'third')).to.deep.equal({ ran: true, value: 'third' });
    });

    it("withLease: fn's error propagates and the lease is released all the same", async () => {
      let caught: unknown;
      try {
        await withLease(store, 'lease:boom', 60_000, async () => {
          throw new Error('job failed');
        });
      } catch (err) {
        caught = err;
      }
      expect((caught as Error).message).to.equal('job failed');
      expect(await store.getClaim('lease:boom')).to.equal(undefined);
    });

    it('withLease: a lease whose release failed (store down) is released by the next withLease of it in the same process, not left to its TTL', async () => {
      const other = await backend.open(true);
      let failures = 1;
      const flaky = overrideStore(store, {
        releaseClaim: (key, value) => (failures-- > 0 ? Promise.reject(new StoreUnavailableError(store.kind)) : store.releaseClaim(key, value)),
      });
      expect(await withLease(flaky, 'lease:poll:acme', 300_000, async () => 'polled')).to.deep.equal({ ran: true, value: 'polled' });
      expect(await store.getClaim('lease:poll:acme'), 'still held: the release failed').to.be.a('string');
      expect(await withLease(other, 'lease:poll:acme', 300_000, async () => 'elsewhere'), 'another process cannot take it').to.deep.equal({ ran: false });
      expect(await withLease(flaky, 'lease:poll:acme', 300_000, async () => 'polled again')).to.deep.equal({ ran: true, value: 'polled again' });
      expect(await store.getClaim('lease:poll:acme'), 'and released after').to.equal(undefined);
      expect(await withLease(other, 'lease:poll:acme', 300_000, async () => 'elsewhere')).to.deep.equal({ ran: true, value: 'elsewhere' });
    });
  });
}
