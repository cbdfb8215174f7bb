/**
 * What Workable has is recorded in the same critical section that takes the entry out of the outbox. The
 * interview lock is held by someone else (a reconcile on another replica, say) from the moment Workable has
 * the PUT until just after the 5 s a lock waits: before this change the delivered hash was skipped (logged
 * only), the settle that followed removed the entry, and the record named no delivered payload although
 * Workable had it. Now nothing is settled while the lock is busy, the entry stays, and the next run sends the
 * same body again and records it. Real bridge, real store, real HTTP.
 */
import { expect } from 'chai';
import { keys } from '../../../src/domain/keys.js';
import { resultHash } from '../../../src/domain/mapping/result.js';
import { outboxKey } from '../../../src/domain/outbox.js';
import type { InterviewRecord } from '../../../src/domain/types.js';
import type { Store } from '../../../src/store/types.js';
import { STORE_KINDS, call, interviewBody, startHarness } from '../../support/harness.js';
import { startReceiver } from '../../support/receiver.js';
import { claimsHeldElsewhere } from '../../support/overrideStore.js';

const TEMPLATE = '64f0c0ffee00000000000001';
/** Longer than withLock's default wait (5 s), so the settle after the PUT gives up on the busy lock. */
const BUSY_MS = 5400;

for (const kind of STORE_KINDS) {
  describe(`delivered hash under a busy interview lock (${kind} store)`, function () {
    this.timeout(40_000);

    it('the entry leaves the outbox only with the delivered hash on the record; a busy lock means a resend, not a stale record', async () => {
      let busyUntil = 0;
      let puts = 0;
      const receiver = await startReceiver(() => {
        puts += 1;
        // Someone takes the interview lock just as Workable accepts the first PUT.
        if (puts === 1) busyUntil = Date.now() + BUSY_MS;
        return { status: 200 };
      });
      const wrapStore = (store: Store): Store =>
        claimsHeldElsewhere(store, (key) => key.startsWith('lock:interview:') && Date.now() < busyUntil);
      const h = await startHarness(kind, { webhooks: false, wrapStore });
      try {
        const body = interviewBody(TEMPLATE, { callback_url: `${receiver.url}/interviews/4242` });
        const created = await call(`${h.url}/interviews`, { token: h.acme.token, body });
        expect(created.status).to.equal(201);
        const id = (created.body as { interview_id: string }).interview_id;
        const email = (body.candidate as { email: string }).email;
        const up = ((await call(`${h.acme.sandboxUrl}/_sandbox/interviews?email=${encodeURIComponent(email)}`)).body as Array<{ id: string }>)[0]!.id;
        expect((await call(`${h.acme.sandboxUrl}/_sandbox/interviews/${up}/finish`, { body: { score: 4 } })).status).to.equal(200);
        await h.bridge.scheduler.pollNow('acme');
        expect((await h.bridge.scheduler.reconcileNow()).enqueued).to.equal(1);

        const store = h.bridge.container.store;
        const state = async () => ({
          record: (await store.get<InterviewRecord>(keys.interview(id)))!,
          inOutbox: (await store.get(outboxKey(id))) !== undefined,
        });

        // First run: Workable gets the PUT, then the lock is busy past the settle's wait.
        const firstRun = await h.bridge.scheduler.deliverNow();
        expect(puts).to.equal(1);
        expect(firstRun.delivered, 'not settled while the lock was busy').to.equal(0);
        let s = await state();
        expect(s.inOutbox, 'the entry stays, to be sent again').to.equal(true);
        expect(s.record.deliveredHash).to.equal(undefined);

        // Once the lock is free, the next run sends the same body again and records it with the entry's removal.
        while (Date.now() < busyUntil) await new Promise((r) => setTimeout(r, 50));
        const second = await h.bridge.scheduler.deliverNow();
        expect(second.delivered).to.equal(1);
        s = await state();
        expect(s.inOutbox).to.equal(false);
        expect(s.record.deliveredHash).to.equal(resultHash(s.record.current));
        expect(puts).to.equal(2);
        expect(receiver.requests[1]!.body).to.equal(receiver.requests[0]!.body);
        // And nothing is queued again: Workable has the current payload.
        await h.bridge.scheduler.pollNow('acme');
        expect((await h.bridge.scheduler.reconcileNow()).enqueued).to.equal(0);
      } finally {
        await h.close();
        await receiver.close();
      }
    });
  });
}
