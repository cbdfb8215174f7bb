import { expect } from 'chai';
import { enqueue, getAttempts, outboxSize } from '../../../src/domain/outbox.js';
import type { Store } from '../../../src/store/types.js';
import { createCallbackClient } from '../../../src/workable/callbackClient.js';
import { harness, hashOf, payload, until, type Harness } from '../../support/deliveryFixture.js';
import { startReceiver, type Receiver, type Reply } from '../../support/receiver.js';
import { backends, type Backend } from '../../support/backends.js';

for (const makeBackend of backends) {
  describe(`deliverDue concurrency on ${makeBackend().name}`, () => {
    let backend: Backend;
    let store: Store;
    let receiver: Receiver;
    let h: Harness;

    beforeEach(async () => {
      backend = makeBackend();
      store = await backend.open();
      receiver = await startReceiver();
      h = harness(store);
    });
    afterEach(async () => {
      await receiver.close();
      await backend.cleanup();
    });

    it('a newer payload enqueued during the PUT is sent after it, and only then leaves the outbox', async () => {
      const older = payload('pending');
      const newer = payload('completed', '91');
      let release: (reply: Reply) => void = () => undefined;
      receiver.respond = (_req, i) => (i === 0 ? new Promise<Reply>((resolve) => { release = resolve; }) : { status: 200 });
      await h.put('iv-1', `${receiver.url}/cb/1`, older);

      const firstRun = h.run();
      await until(() => receiver.requests.length === 1);
      expect(await h.put('iv-1', `${receiver.url}/cb/1`, newer)).to.equal('replaced');
      release({ status: 200 });
      expect(await firstRun).to.deep.include({ attempted: 1, delivered: 1 });
      expect(await outboxSize(store), 'the newer payload is still pending').to.equal(1);

      expect(await h.run()).to.deep.include({ attempted: 1, delivered: 1 });
      expect(receiver.requests.map((r) => r.body)).to.deep.equal([JSON.stringify(older), JSON.stringify(newer)]);
      expect(h.delivered.map((d) => d.hash)).to.deep.equal([hashOf(older), hashOf(newer)]);
      expect((await getAttempts(store, 'iv-1')).map((a) => a.hash)).to.deep.equal([hashOf(older), hashOf(newer)]);
      expect(await outboxSize(store)).to.equal(0);
    });

    it('two replicas running at once send every entry exactly once', async () => {
      receiver.respond = () => ({ status: 200, delayMs: 20 });
      const ids = Array.from({ length: 12 }, (_, i) => `iv-${i}`);
      for (const id of ids) await h.put(id, `${receiver.url}/cb/${id}`, payload('completed', id));
      // The second replica: on Redis its own store handle (a separate connection); SQLite serves one process
      // (the .pid lock), so there the second run is a second pool on the same handle, as the delivery worker
      // and an operator's POST /ops/deliver are. Each has its own HTTP client.
      const other = backend.name === 'redis' ? await backend.open(true) : store;
      const otherClient = createCallbackClient({ timeoutMs: 2000, userAgent: 'replica-2' });
      const config = { concurrency: 3, perHostConcurrency: 3 };

      const [a, b] = await Promise.all([h.run(config), h.run(config, other, otherClient)]);

      for (const id of ids) expect(receiver.hits(`/cb/${id}`), id).to.have.length(1);
      expect(receiver.requests).to.have.length(12);
      expect(a.delivered + b.delivered).to.equal(12);
      expect(a.attempted + b.attempted).to.equal(12);
      expect(a.skipped + b.skipped).to.equal(12);
      expect(h.delivered).to.have.length(12);
      expect(await outboxSize(store)).to.equal(0);
    });

    it('keeps at most perHostConcurrency PUTs in flight per host and concurrency overall', async () => {
      const second = await startReceiver();
      let combinedMax = 0;
      const slow = (): Reply => {
        combinedMax = Math.max(combinedMax, receiver.inFlight + second.inFlight);
        return { status: 200, delayMs: 80 };
      };
      receiver.respond = slow;
      second.respond = slow;
      try {
        for (let i = 0; i < 6; i += 1) {
          await h.put(`a-${i}`, `${receiver.url}/cb/a-${i}`, payload('completed', `${i}`));
          await h.put(`b-${i}`, `${second.url}/cb/b-${i}`, payload('completed', `${i}`));
        }
        const summary = await h.run({ concurrency: 3, perHostConcurrency: 2 });
        expect(summary).to.deep.include({ attempted: 12, delivered: 12 });
        expect(receiver.maxInFlight).to.equal(2);
        expect(second.maxInFlight).to.equal(2);
        expect(combinedMax).to.equal(3);
      } finally {
        await second.close();
      }
    });

    it('takes at most batchSize entries per run', async () => {
      for (let i = 0; i < 5; i += 1) {
        await enqueue(store, { interviewId: `iv-${i}`, accountId: 'acc-1', callbackUrl: `${receiver.url}/cb/${i}`, payload: payload('pending'), hash: `h${i}` }, h.now());
      }
      expect(await h.run({ batchSize: 2 })).to.deep.include({ attempted: 2, delivered: 2 });
      expect(await outboxSize(store)).to.equal(3);
    });
  });
}
