/**
 * reconcileDue keeps its workers busy across batches: when the listed hints run out while others are still in
 * progress and the listing was full, the next batch is listed at once, so one run takes every due hint (up to
 * ten listings) instead of stopping at batch_size and leaving the rest to the next run. A hint whose lease
 * another replica holds is skipped once per run, not re-listed and spun on. Both stores, the Hireflix sandbox.
 */
import { expect } from 'chai';
import { keys } from '../../src/domain/keys.js';
import type { InterviewRecord } from '../../src/domain/types.js';
import { overrideStore } from '../support/overrideStore.js';
import { STORE_KINDS, call, createThroughBridge, startHarness, type Harness } from '../support/harness.js';

for (const kind of STORE_KINDS) {
  describe(`reconcileDue across batches (${kind} store)`, function () {
    this.timeout(30_000);
    let h: Harness;
    let templateId: string;
    const limits: number[] = [];
    before(async () => {
      h = await startHarness(kind, {
        webhooks: false,
        bridgeYaml: 'reconcile: { batch_size: 2, concurrency: 2 }',
        // Every listing of the reconcile index, by the limit it asked for.
        wrapStore: (store) =>
          overrideStore(store, {
            zrangeByScore: (index, max, limit) => {
              if (index === keys.reconcileIndex) limits.push(limit);
              return store.zrangeByScore(index, max, limit);
            },
          }),
      });
      const t = await call(`${h.url}/interview-templates`, { token: h.acme.token });
      templateId = (t.body as { interview_templates: Array<{ id: string }> }).interview_templates[0]!.id;
    });
    after(async () => h?.close());

    it('one run reconciles seven due hints with batch_size 2, and skips a leased one once', async () => {
      const store = h.bridge.container.store;
      const created = [];
      for (let i = 0; i < 7; i++) created.push(await createThroughBridge(h, h.acme, templateId));
      for (const c of created) await call(`${h.acme.sandboxUrl}/_sandbox/interviews/${c.upstreamId}/finish`, { body: { score: 4 } });
      // Another replica holds the lease of the last one.
      const held = created.at(-1)!.id;
      expect(await store.setIfAbsent(keys.lease.reconcile(held), 'another-replica', 60_000)).to.equal(true);
      for (const [i, c] of created.entries()) await store.zadd(keys.reconcileIndex, c.id, i);

      limits.length = 0;
      const summary = await h.bridge.scheduler.reconcileNow();
      expect(summary).to.deep.equal({ reconciled: 6, enqueued: 6, failed: 0, skipped: 1 });
      // A listing asks for a batch beyond the hints still listed (in progress, or the skipped one), never more.
      expect(limits.length).to.be.within(4, 6);
      expect(Math.max(...limits), `limits ${limits.join(',')}`).to.be.at.most(2 + 2 + 1);
      for (const c of created.slice(0, 6)) {
        expect((await store.get<InterviewRecord>(keys.interview(c.id)))!.current.status, c.id).to.equal('completed');
        expect(await store.zscore(keys.reconcileIndex, c.id)).to.equal(undefined);
      }
      expect(await store.zscore(keys.reconcileIndex, held), 'the leased hint stays for a later run').to.equal(6);
      expect((await store.get<InterviewRecord>(keys.interview(held)))!.current.status).to.equal('pending');

      await store.releaseClaim(keys.lease.reconcile(held), 'another-replica');
      expect(await h.bridge.scheduler.reconcileNow()).to.deep.include({ reconciled: 1, skipped: 0 });
    });
  });
}
