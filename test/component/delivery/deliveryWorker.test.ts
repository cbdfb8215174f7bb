import { expect } from 'chai';
import { outboxSize } from '../../../src/domain/outbox.js';
import { startDeliveryWorker, type DeliverDueConfig, type DeliveryWorker } from '../../../src/jobs/deliverDue.js';
import { StoreUnavailableError, type Store } from '../../../src/store/types.js';
import { createCallbackClient, type CallbackClient } from '../../../src/workable/callbackClient.js';
import { baseConfig, harness, payload, TOKEN, type Harness } from '../../support/deliveryFixture.js';
import { startReceiver, type Receiver, type Reply } from '../../support/receiver.js';
import { backends, type Backend } from '../../support/backends.js';
import { overrideStore } from '../../support/overrideStore.js';

/**
 * The scheduler's delivery worker with one receiver that never answers (until the test releases it) and one
 * that does. Assertions are on counts and on what happened before the release, not on durations: the
 * client's timeout is a minute, so only a worker without a batch barrier can finish the fast host's work
 * while the slow PUT is still open.
 */
for (const makeBackend of backends) {
  describe(`delivery worker on ${makeBackend().name}`, () => {
    let backend: Backend;
    let store: Store;
    let fast: Receiver;
    let slow: Receiver;
    let h: Harness;
    let client: CallbackClient;
    const workers: DeliveryWorker[] = [];
    /** Outcomes in the order entries settled (after their outbox move). */
    let settled: string[] = [];
    const releases: Array<() => void> = [];

    /** The slow host's requests wait here until the test lets them go (at the end of every test). */
    const hang = (): Promise<Reply> => new Promise<Reply>((resolve) => releases.push(() => resolve({ status: 200 })));

    let errors: unknown[] = [];
    const start = (overrides: Partial<DeliverDueConfig> = {}, on: Store = store, intervalMs = 60_000): DeliveryWorker => {
      const worker = startDeliveryWorker(
        {
          store: on,
          client,
          tokenFor: (accountId) => (accountId === 'acc-1' ? TOKEN : undefined),
          onDelivered: async (interviewId, hash, at) => {
            h.delivered.push({ interviewId, hash, at: at.toISOString() });
          },
          onSettled: (outcome) => settled.push(outcome),
          config: { ...baseConfig, leaseMs: 120_000, ...overrides },
        },
        h.now,
        intervalMs,
        (err) => errors.push(err),
      );
      workers.push(worker);
      return worker;
    };

    beforeEach(async () => {
      backend = makeBackend();
      store = await backend.open();
      fast = await startReceiver(() => ({ status: 200 }));
      slow = await startReceiver(hang);
      h = harness(store);
      settled = [];
      errors = [];
      client = createCallbackClient({ timeoutMs: 60_000, userAgent: 'bridge-test' });
    });
    afterEach(async () => {
      for (const release of releases.splice(0)) release();
      for (const w of workers.splice(0)) await w.stop();
      await fast.close();
      await slow.close();
      await backend.cleanup();
    });

    it('delivers work enqueued after a hanging PUT to other hosts while that PUT is still open', async () => {
      await h.put('slow-1', `${slow.url}/cb/slow-1`, payload('completed', '1'));
      await h.put('fast-1', `${fast.url}/cb/fast-1`, payload('completed', '1'));
      const worker = start();
      await waitFor(() => slow.requests.length === 1 && fast.requests.length === 1);

      for (let i = 2; i <= 6; i += 1) await h.put(`fast-${i}`, `${fast.url}/cb/fast-${i}`, payload('completed', `${i}`));
      worker.kick();
      await waitFor(() => settled.length === 6);

      expect(slow.inFlight, 'the slow PUT is still open').to.equal(1);
      expect(releases).to.have.length(1);
      expect(h.delivered.map((d) => d.interviewId).sort()).to.deep.equal(['fast-1', 'fast-2', 'fast-3', 'fast-4', 'fast-5', 'fast-6']);
      expect(await outboxSize(store), 'only the slow entry is left').to.equal(1);

      releases.splice(0).forEach((release) => release());
      await waitFor(() => settled.length === 7);
      expect(await outboxSize(store)).to.equal(0);
    });

    it('claims new work as slots free up, within the overall and per-host limits', async () => {
      // The slow entries fell due first, so they lead the due index.
      h.clock -= 1000;
      for (let i = 1; i <= 3; i += 1) await h.put(`slow-${i}`, `${slow.url}/cb/slow-${i}`, payload('completed', `${i}`));
      h.clock += 1000;
      for (let i = 1; i <= 8; i += 1) await h.put(`fast-${i}`, `${fast.url}/cb/fast-${i}`, payload('completed', `${i}`));
      fast.respond = () => ({ status: 200, delayMs: 10 });
      // batch_size 2: the first listing holds only slow entries; the worker must look past a full host.
      start({ concurrency: 3, perHostConcurrency: 2, batchSize: 2 });

      await waitFor(() => settled.length === 8);
      expect(slow.requests, 'the slow host never gets more than its two slots').to.have.length(2);
      expect(slow.maxInFlight).to.equal(2);
      expect(fast.maxInFlight, 'one overall slot is left for the fast host').to.equal(1);
      expect(fast.requests).to.have.length(8);

      slow.respond = () => ({ status: 200 });
      releases.splice(0).forEach((release) => release());
      await waitFor(() => settled.length === 11);
      expect(settled.every((o) => o === 'delivered')).to.equal(true);
      expect(slow.requests.map((r) => r.path).sort()).to.deep.equal(['/cb/slow-1', '/cb/slow-2', '/cb/slow-3']);
    });

    it('a store outage is reported and pauses the worker; the next interval picks the work up again', async () => {
      let down = true;
      const flaky = overrideStore(store, {
        zrangeByScore: (index, maxScore, limit) => (down ? Promise.reject(new StoreUnavailableError(store.kind)) : store.zrangeByScore(index, maxScore, limit)),
      });
      await h.put('fast-1', `${fast.url}/cb/fast-1`, payload('completed', '1'));
      start({}, flaky, 20);
      await waitFor(() => errors.length >= 1);
      expect(errors[0]).to.be.instanceOf(StoreUnavailableError);
      expect(fast.requests).to.have.length(0);
      down = false;
      await waitFor(() => settled.length === 1);
      expect(settled).to.deep.equal(['delivered']);
      expect(fast.requests).to.have.length(1);
    });

    it('a second replica does not send an entry whose PUT is still open on the first', async () => {
      await h.put('slow-1', `${slow.url}/cb/slow-1`, payload('completed', '1'));
      start();
      await waitFor(() => slow.requests.length === 1);
      // On Redis a separate connection; SQLite serves one process (the .pid lock), so there a second pool on
      // the same handle stands for it.
      const other = backend.name === 'redis' ? await backend.open(true) : store;
      const second = start({}, other, 5);
      await h.put('fast-1', `${fast.url}/cb/fast-1`, payload('completed', '1'));
      second.kick();
      // The second replica ran many times meanwhile (every 5 ms) and delivered the new entry.
      await waitFor(() => settled.length === 1);
      expect(slow.requests, 'sent once, by the first replica').to.have.length(1);

      releases.splice(0).forEach((release) => release());
      await waitFor(() => settled.length === 2);
      expect(slow.requests).to.have.length(1);
      expect(await outboxSize(store)).to.equal(0);
    });
  });
}

/** Resolves once cond() holds; a generous ceiling (not a measured duration) fails the test instead of hanging. */
async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i += 1) await new Promise((r) => setTimeout(r, 10));
  if (!cond()) throw new Error('condition not reached');
}
