import { expect } from 'chai';
import {
  ATTEMPT_LOG_SIZE, deadLetterCount, enqueueLocked, getAttempts, listDeadLetters, listDue, outboxSize, attemptLogWrite, redeliver,
} from '../../../src/domain/outbox.js';
import { withLock } from '../../../src/domain/lock.js';
import type { Store } from '../../../src/store/types.js';
import { T0, harness, hashOf, payload, type Harness } from '../../support/deliveryFixture.js';
import { startReceiver, type Receiver } from '../../support/receiver.js';
import { backends, type Backend } from '../../support/backends.js';

for (const makeBackend of backends) {
  describe(`outbox on ${makeBackend().name}`, () => {
    let backend: Backend;
    let store: Store;
    let receiver: Receiver;
    let h: Harness;
    const first = payload('pending');
    const second = payload('completed', '70');

    beforeEach(async () => {
      backend = makeBackend();
      store = await backend.open();
      receiver = await startReceiver(() => ({ status: 503 }));
      h = harness(store);
    });
    afterEach(async () => {
      await receiver.close();
      await backend.cleanup();
    });

    it('enqueue creates an entry due now, and the newest payload replaces a pending one, due now', async () => {
      const url = `${receiver.url}/cb/1`;
      expect(await h.put('iv-1', url, first)).to.equal('queued');
      expect(await h.run()).to.deep.include({ retried: 1 });
      h.clock += 10;
      expect(await h.put('iv-1', url, second)).to.equal('replaced');
      const due = await listDue(store, h.now(), 10);
      expect(due).to.have.length(1);
      expect(due[0]).to.deep.include({
        interviewId: 'iv-1', hash: hashOf(second), attempts: 1,
        firstEnqueuedAt: new Date(T0).toISOString(), enqueuedAt: new Date(T0 + 10).toISOString(),
        nextAttemptAt: new Date(T0 + 10).toISOString(),
      });
      expect(due[0]?.payload).to.deep.equal(second);
      expect(await outboxSize(store)).to.equal(1);
    });

    it('re-enqueueing the pending payload changes nothing, so its backoff holds', async () => {
      const url = `${receiver.url}/cb/2`;
      await h.put('iv-2', url, first);
      await h.run();
      const [before] = await listDue(store, new Date(T0 + 60_000), 10);
      h.clock += 1;
      expect(await h.put('iv-2', url, first)).to.equal('unchanged');
      const [after] = await listDue(store, new Date(T0 + 60_000), 10);
      expect(after).to.deep.equal(before);
    });

    it('a dead letter stays dead for the same payload and is revived by a newer one', async () => {
      receiver.respond = () => ({ status: 422 });
      const url = `${receiver.url}/cb/3`;
      await h.put('iv-3', url, first);
      expect(await h.run()).to.deep.include({ dead: 1 });
      expect(await h.put('iv-3', url, first)).to.equal('unchanged');
      expect(await deadLetterCount(store)).to.equal(1);
      expect(await outboxSize(store)).to.equal(0);

      h.clock += 5000;
      expect(await h.put('iv-3', url, second)).to.equal('revived');
      expect(await deadLetterCount(store)).to.equal(0);
      expect(await listDeadLetters(store, 10)).to.deep.equal([]);
      const [entry] = await listDue(store, h.now(), 10);
      expect(entry).to.deep.include({ hash: hashOf(second), attempts: 0, firstEnqueuedAt: new Date(T0 + 5000).toISOString() });
    });

    it('redeliver restarts attempts and horizon, and returns false without a dead letter', async () => {
      receiver.respond = () => ({ status: 404 });
      await h.put('iv-4', `${receiver.url}/cb/4`, first);
      await h.run();
      expect(await redeliver(store, 'nope', h.now())).to.equal(false);
      h.clock += 1000;
      expect(await redeliver(store, 'iv-4', h.now())).to.equal(true);
      const [entry] = await listDue(store, h.now(), 10);
      expect(entry).to.deep.include({ attempts: 0, firstEnqueuedAt: new Date(T0 + 1000).toISOString(), hash: hashOf(first) });
      expect(entry).not.to.have.property('reason');
    });

    it('lists dead letters oldest first, up to the limit', async () => {
      receiver.respond = () => ({ status: 400 });
      for (const id of ['x', 'y', 'z']) {
        await h.put(id, `${receiver.url}/cb/${id}`, first);
        await h.run();
        h.clock += 1000;
      }
      expect((await listDeadLetters(store, 2)).map((d) => d.interviewId)).to.deep.equal(['x', 'y']);
      expect(await deadLetterCount(store)).to.equal(3);
    });

    it('enqueueLocked works inside the interview lock that enqueue itself would wait for', async () => {
      const e = { interviewId: 'iv-6', accountId: 'acc-1', callbackUrl: `${receiver.url}/cb/6`, payload: first, hash: hashOf(first) };
      const done = await withLock(store, 'interview:iv-6', () => enqueueLocked(store, e, h.now()), { waitMs: 500 });
      expect(done).to.equal('queued');
      expect((await listDue(store, h.now(), 10)).map((x) => x.interviewId)).to.deep.equal(['iv-6']);
    });

    it(`keeps the last ${ATTEMPT_LOG_SIZE} attempts`, async () => {
      const log = Array.from({ length: ATTEMPT_LOG_SIZE + 5 }, (_, i) => ({
        at: new Date(T0 + i).toISOString(), outcome: 'retry' as const, status: 503, durationMs: i, hash: 'h',
      }));
      await withLock(store, 'interview:iv-5', async () => {
        for (const a of log) await store.writeAll([attemptLogWrite('iv-5', await getAttempts(store, 'iv-5'), a)]);
      });
      const kept = await getAttempts(store, 'iv-5');
      expect(kept).to.have.length(ATTEMPT_LOG_SIZE);
      expect(kept[0]?.durationMs).to.equal(5);
      expect(kept.at(-1)?.durationMs).to.equal(ATTEMPT_LOG_SIZE + 4);
      expect(await getAttempts(store, 'unknown')).to.deep.equal([]);
    });
  });
}
