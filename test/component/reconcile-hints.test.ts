/**
 * A change hint (webhook or poll) that lands while the interview is being reconciled must survive the end of
 * that run: the run read the upstream before the change, so only a later run sees it. The run takes its hint
 * out of the index with one compare-and-remove (Store.zremIfScore); here the new hint lands at the last
 * possible moment, just before that call, as a webhook would on a busy machine.
 */
import { expect } from 'chai';
import { keys } from '../../src/domain/keys.js';
import { markForReconcile } from '../../src/domain/hints.js';
import type { Store } from '../../src/store/types.js';
import { STORE_KINDS, call, createThroughBridge, startHarness, type Harness } from '../support/harness.js';
import { overrideStore } from '../support/overrideStore.js';

const TEMPLATE = '64f0c0ffee00000000000001';

for (const kind of STORE_KINDS) {
  describe(`reconcile hints (${kind} store)`, () => {
    let h: Harness;
    let beforeRemove: (() => Promise<void>) | undefined;
    before(async () => {
      const wrapStore = (store: Store): Store =>
        overrideStore(store, {
          zremIfScore: async (index, member, score) => {
            const hook = beforeRemove;
            beforeRemove = undefined;
            await hook?.();
            return store.zremIfScore(index, member, score);
          },
        });
      h = await startHarness(kind, { webhooks: false, wrapStore });
    });
    after(async () => h.close());

    it('a hint that lands while its interview is reconciled stays for the next run', async () => {
      const { id, upstreamId } = await createThroughBridge(h, h.acme, TEMPLATE);
      await call(`${h.acme.sandboxUrl}/_sandbox/interviews/${upstreamId}/finish`, { body: { score: 4 } });
      await h.bridge.scheduler.pollNow('acme');
      const store = h.bridge.container.store;
      const first = await store.zscore(keys.reconcileIndex, id);
      expect(first, 'the poll marked it').to.be.a('number');

      // The score changes upstream and its webhook marks the interview again, just before the run ends.
      beforeRemove = async () => {
        await call(`${h.acme.sandboxUrl}/_sandbox/interviews/${upstreamId}/score`, { body: { score: 2 } });
        await markForReconcile({ store }, id, new Date(first! + 1));
      };
      expect((await h.bridge.scheduler.reconcileNow()).enqueued).to.equal(1);
      expect(beforeRemove, 'the hook ran').to.equal(undefined);
      expect(await store.zscore(keys.reconcileIndex, id), 'the newer hint is kept').to.equal(first! + 1);

      // The next run reads the new score, queues it, and takes the hint out.
      const second = await h.bridge.scheduler.reconcileNow();
      expect(second).to.deep.include({ reconciled: 1, enqueued: 1 });
      expect(await store.zscore(keys.reconcileIndex, id)).to.equal(undefined);
    });
  });
}
