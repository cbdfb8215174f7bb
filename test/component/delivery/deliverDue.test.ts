import { expect } from 'chai';
import {
  deadLetterCount, getAttempts, listDeadLetters, listDue, outboxSize, redeliver, type OutboxEntry,
} from '../../../src/domain/outbox.js';
import type { Store } from '../../../src/store/types.js';
import { StoreUnavailableError } from '../../../src/store/types.js';
import { DAY, T0, TOKEN, harness, hashOf, payload, type Harness } from '../../support/deliveryFixture.js';
import { startReceiver, type Receiver } from '../../support/receiver.js';
import { backends, type Backend } from '../../support/backends.js';
import { overrideStore } from '../../support/overrideStore.js';

for (const makeBackend of backends) {
  describe(`deliverDue on ${makeBackend().name}`, () => {
    let backend: Backend;
    let store: Store;
    let receiver: Receiver;
    let h: Harness;
    const result = payload('completed', '87');

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

    it('503, 503, 200: retries with backoff, Workable gets it once, three attempts recorded', async () => {
      const statuses = [503, 503, 200];
      receiver.respond = (_req, i) => ({ status: statuses[i] ?? 500 });
      expect(await h.put('iv-1', `${receiver.url}/interviews/1`, result)).to.equal('queued');

      expect(await h.run()).to.deep.equal({ attempted: 1, delivered: 0, retried: 1, dead: 0, skipped: 0 });
      const [pending] = await listDue(store, new Date(T0 + DAY), 10);
      expect(pending).to.include({ attempts: 1, lastStatus: 503, lastError: 'HTTP 503 (Service Unavailable)' });
      // First retry: full jitter within baseDelayMs.
      expect(Date.parse(pending?.nextAttemptAt ?? '')).to.be.within(T0, T0 + 1000);
      expect(await h.run(), 'not due again yet').to.deep.include({ attempted: 0 });

      h.clock += 60_001;
      expect(await h.run()).to.deep.include({ attempted: 1, retried: 1 });
      h.clock += 60_001;
      expect(await h.run()).to.deep.equal({ attempted: 1, delivered: 1, retried: 0, dead: 0, skipped: 0 });

      expect(receiver.requests.map((r) => r.path)).to.deep.equal(['/interviews/1', '/interviews/1', '/interviews/1']);
      expect(receiver.requests.every((r) => r.body === JSON.stringify(result) && r.headers['authorization'] === `Bearer ${TOKEN}`)).to.equal(true);
      const attempts = await getAttempts(store, 'iv-1');
      expect(attempts.map((a) => a.status)).to.deep.equal([503, 503, 200]);
      expect(attempts.map((a) => a.outcome)).to.deep.equal(['retry', 'retry', 'delivered']);
      expect(attempts.every((a) => a.hash === hashOf(result))).to.equal(true);
      expect(h.delivered).to.deep.equal([{ interviewId: 'iv-1', hash: hashOf(result), at: new Date(h.clock).toISOString() }]);
      expect(await outboxSize(store)).to.equal(0);
      expect(await h.run()).to.deep.include({ attempted: 0 });
    });

    it('409 counts as delivered and is not retried', async () => {
      receiver.respond = () => ({ status: 409, body: '{"status":409,"message":"Entity is already updated"}' });
      await h.put('iv-2', `${receiver.url}/cb/2`, result);
      expect(await h.run()).to.deep.equal({ attempted: 1, delivered: 1, retried: 0, dead: 0, skipped: 0 });
      h.clock += DAY;
      expect(await h.run()).to.deep.include({ attempted: 0 });
      expect(receiver.requests).to.have.length(1);
      expect(h.delivered.map((d) => d.hash)).to.deep.equal([hashOf(result)]);
      expect((await getAttempts(store, 'iv-2')).map((a) => a.outcome)).to.deep.equal(['conflict']);
      expect(await outboxSize(store)).to.equal(0);
    });

    it('401 becomes a dead letter, is not retried, and redeliver() sends it once Workable accepts', async () => {
      receiver.respond = () => ({ status: 401, body: '{"status":401,"message":"Invalid Token"}' });
      await h.put('iv-3', `${receiver.url}/cb/3`, result);
      expect(await h.run()).to.deep.equal({ attempted: 1, delivered: 0, retried: 0, dead: 1, skipped: 0 });
      h.clock += DAY;
      expect(await h.run()).to.deep.include({ attempted: 0 });
      expect(receiver.requests).to.have.length(1);
      expect(await outboxSize(store)).to.equal(0);
      expect(await deadLetterCount(store)).to.equal(1);
      const [letter] = await listDeadLetters(store, 10);
      expect(letter).to.include({
        interviewId: 'iv-3', status: 401, attempts: 1, reason: 'HTTP 401 (Unauthorized)', // no longer a snippet of the answer
        deadAt: new Date(T0).toISOString(), hash: hashOf(result),
      });

      receiver.respond = () => ({ status: 200 });
      expect(await redeliver(store, 'iv-3', h.now())).to.equal(true);
      expect(await deadLetterCount(store)).to.equal(0);
      expect(await h.run()).to.deep.include({ attempted: 1, delivered: 1 });
      expect(receiver.requests).to.have.length(2);
      expect(await outboxSize(store)).to.equal(0);
      expect(await redeliver(store, 'iv-3', h.now())).to.equal(false);
      expect(h.logs.map(([level, msg]) => `${level} ${msg}`)).to.deep.equal([
        'error delivery dead-lettered', 'info result delivered to Workable',
      ]);
      expect(h.logs.some(([, , fields]) => fields.includes(TOKEN))).to.equal(false);
      expect((await getAttempts(store, 'iv-3')).map((a) => a.status)).to.deep.equal([401, 200]);
    });

    it('429 with Retry-After: 120 waits at least 120 s', async () => {
      receiver.respond = () => ({ status: 429, headers: { 'Retry-After': '120' } });
      await h.put('iv-4', `${receiver.url}/cb/4`, result);
      expect(await h.run()).to.deep.include({ attempted: 1, retried: 1 });
      const [entry] = await listDue(store, new Date(T0 + DAY), 10);
      // Jitter on attempt 1 is below baseDelayMs (1 s), so the server's 120 s wins exactly.
      expect(Date.parse(entry?.nextAttemptAt ?? '')).to.equal(T0 + 120_000);
      expect(await store.zscore('outbox:due', 'iv-4')).to.equal(T0 + 120_000);
      h.clock = T0 + 119_999;
      expect(await h.run()).to.deep.include({ attempted: 0 });
      h.clock = T0 + 120_000;
      expect(await h.run()).to.deep.include({ attempted: 1 });
    });

    it('dead-letters a result still failing once the horizon has passed', async () => {
      receiver.respond = () => ({ status: 503 });
      await h.put('iv-5', `${receiver.url}/cb/5`, result);
      expect(await h.run()).to.deep.include({ retried: 1 });
      h.clock = T0 + 3 * DAY;
      expect(await h.run()).to.deep.equal({ attempted: 1, delivered: 0, retried: 0, dead: 1, skipped: 0 });
      const [letter] = await listDeadLetters(store, 10);
      expect(letter).to.include({ reason: 'gave up after 2 attempts over 3 days', status: 503, attempts: 2 });
      expect(await outboxSize(store)).to.equal(0);
    });

    it('dead-letters an entry whose account has no Workable token, without calling anyone', async () => {
      await h.put('iv-6', `${receiver.url}/cb/6`, result, 'acc-unknown');
      expect(await h.run()).to.deep.equal({ attempted: 0, delivered: 0, retried: 0, dead: 1, skipped: 0 });
      expect(receiver.requests).to.have.length(0);
      const [letter] = await listDeadLetters(store, 10);
      expect(letter?.reason).to.equal('no Workable token configured for account');
    });

    it('re-sends after a crashed replica\'s lease expires (at-least-once)', async () => {
      await h.put('iv-7', `${receiver.url}/cb/7`, result);
      // A replica that claimed the entry and died: its lease blocks others only until it expires.
      expect(await store.setIfAbsent('lease:deliver:iv-7', 'dead-replica', 150)).to.equal(true);
      expect(await h.run()).to.deep.include({ attempted: 0, skipped: 1 });
      await new Promise((r) => setTimeout(r, 200));
      expect(await h.run()).to.deep.include({ attempted: 1, delivered: 1 });
      expect(receiver.requests).to.have.length(1);
    });

    it('drops a due-index member whose entry is gone', async () => {
      await store.zadd('outbox:due', 'ghost', T0 - 1);
      expect(await h.run()).to.deep.include({ skipped: 1 });
      expect(await outboxSize(store)).to.equal(0);
    });

    it('keeps going past an entry whose delivery throws', async () => {
      await h.put('iv-8', `${receiver.url}/cb/8`, result);
      await h.put('iv-9', `${receiver.url}/cb/9`, result);
      const flaky = {
        put: async (url: string, token: string, body: typeof result) => {
          if (url.endsWith('/8')) throw new Error('boom');
          return h.client.put(url, token, body);
        },
      };
      expect(await h.run({}, store, flaky)).to.deep.include({ delivered: 1, skipped: 1 });
      expect(receiver.requests.map((r) => r.path)).to.deep.equal(['/cb/9']);
      const left: OutboxEntry[] = await listDue(store, h.now(), 10);
      expect(left.map((e) => e.interviewId)).to.deep.equal(['iv-8']);
    });

    it('rejects the run when the store is unavailable', async () => {
      await h.put('iv-10', `${receiver.url}/cb/10`, result);
      // The backend drops: every record read fails as the real store reports an outage (the index listing works).
      const fail = () => Promise.reject(new StoreUnavailableError(store.kind));
      const down = overrideStore(store, { get: fail, getMany: fail, ...(store.claimAndRead ? { claimAndRead: fail } : {}) });
      let caught: unknown;
      await h.run({}, down).catch((err: unknown) => { caught = err; });
      expect(caught).to.be.instanceOf(StoreUnavailableError);
      expect(receiver.requests).to.have.length(0);
    });
  });
}
