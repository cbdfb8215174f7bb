import { expect } from 'chai';
import { keys } from '../../../src/domain/keys.js';
import { DEAD_INDEX, deadLetterKey, DUE_INDEX, outboxKey, dueWrites, type DeadLetter, type OutboxEntry } from '../../../src/domain/outbox.js';
import { purgeInterview } from '../../../src/domain/purge.js';
import type { InterviewRecord } from '../../../src/domain/types.js';
import { retentionSweep } from '../../../src/jobs/retentionSweep.js';
import type { Store } from '../../../src/store/types.js';
import { backends } from '../../support/backends.js';
import type { Backend } from '../../support/backends.js';

const DAY = 24 * 3600 * 1000;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();

function record(id: string, over: Partial<InterviewRecord> = {}): InterviewRecord {
  return {
    id,
    accountId: 'acme',
    upstream: 'vervoe',
    upstreamId: `up-${id}`,
    templateId: 't1',
    jobTitle: 'Engineer',
    callbackUrl: `https://acme.workable.com/spi/v1/interviews/${id}`,
    candidate: { firstName: 'Ada', lastName: 'Lovelace', email: `${id}@example.com` },
    createdAt: iso(T0),
    updatedAt: iso(T0),
    phase: 'invited',
    current: { status: 'declined' },
    deliveredAt: iso(T0),
    ...over,
  };
}

function entry(id: string, at: number): OutboxEntry {
  return { interviewId: id, accountId: 'acme', callbackUrl: `https://acme.workable.com/x/${id}`, payload: { status: 'declined' }, hash: 'h', enqueuedAt: iso(at), firstEnqueuedAt: iso(at), attempts: 3, nextAttemptAt: iso(at + 60_000) };
}

for (const make of backends) {
  const backend: Backend = make();
  describe(`retention sweep and purge rules (${backend.name} store)`, function () {
    this.timeout(20_000);
    let store: Store;
    beforeEach(async () => (store = await backend.open()));
    afterEach(() => backend.cleanup());

    const sweep = (now: number) => retentionSweep({ store, days: 180, now: () => new Date(now) });

    it('keeps an interview whose result is still in the outbox, and deletes it once delivered and old', async () => {
      await store.set(keys.interview('a'), record('a'));
      await store.writeAll(dueWrites(entry('a', T0)));
      const first = await sweep(T0 + 200 * DAY);
      expect(first).to.include({ skipped: false, scanned: 1, purged: 0, keptUndelivered: 1 });
      expect(await store.get(keys.interview('a'))).to.not.equal(undefined);
      expect(await store.zscore(DUE_INDEX, 'a')).to.equal(T0 + 60_000);
      // Delivered at last (outbox entry gone, deliveredAt recorded): retention counts from then.
      await store.delete(outboxKey('a'));
      await store.zrem(DUE_INDEX, 'a');
      await store.set(keys.interview('a'), record('a', { deliveredAt: iso(T0 + 199 * DAY) }));
      expect(await sweep(T0 + 200 * DAY)).to.include({ purged: 0, keptUndelivered: 0 });
      expect(await sweep(T0 + 380 * DAY)).to.include({ purged: 1 });
      expect(await store.get(keys.interview('a'))).to.equal(undefined);
    });

    it('counts from the dead letter: a result given up on late keeps its full period, then goes with the record', async () => {
      const dead: DeadLetter = { ...entry('d', T0), deadAt: iso(T0 + 100 * DAY), reason: 'HTTP 404' };
      await store.set(keys.interview('d'), record('d', { deliveredAt: undefined }));
      await store.set(deadLetterKey('d'), dead);
      await store.zadd(DEAD_INDEX, 'd', T0 + 100 * DAY);
      expect(await sweep(T0 + 200 * DAY)).to.include({ purged: 0 });
      expect(await sweep(T0 + 281 * DAY)).to.include({ purged: 1 });
      expect(await store.get(deadLetterKey('d'))).to.equal(undefined);
      expect(await store.zcard(DEAD_INDEX)).to.equal(0);
    });

    it('never deletes a pending interview, however old; an invitation that never reached the upstream goes', async () => {
      await store.set(keys.interview('p'), record('p', { current: { status: 'pending' }, deliveredAt: undefined }));
      await store.set(keys.interview('i'), record('i', { phase: 'inviting', upstreamId: null, current: { status: 'pending' }, deliveredAt: undefined }));
      expect(await sweep(T0 + 1000 * DAY)).to.include({ scanned: 2, purged: 1 });
      expect(await store.get(keys.interview('p'))).to.not.equal(undefined);
      expect(await store.get(keys.interview('i'))).to.equal(undefined);
    });

    it('deletes the upstream-id index entry only while it still points at the purged interview', async () => {
      await store.set(keys.interview('u1'), record('u1', { upstreamId: 'shared' }));
      await store.set(keys.byUpstreamId('acme', 'shared'), 'u2');
      expect((await purgeInterview(store, 'u1')).kind).to.equal('purged');
      expect(await store.get(keys.byUpstreamId('acme', 'shared'))).to.equal('u2');
      await store.set(keys.interview('u3'), record('u3', { upstreamId: 'own' }));
      await store.set(keys.byUpstreamId('acme', 'own'), 'u3');
      const purged = await purgeInterview(store, 'u3');
      expect(purged.kind === 'purged' ? purged.deleted : []).to.deep.equal(['up:acme:own', 'interview:u3']);
    });

    it('with --force, still refuses while a delivery is in flight', async () => {
      await store.set(keys.interview('f'), record('f'));
      await store.writeAll(dueWrites(entry('f', T0)));
      expect((await purgeInterview(store, 'f')).kind).to.equal('undelivered');
      expect(await store.setIfAbsent('lease:deliver:f', 'someone', 60_000)).to.equal(true);
      expect((await purgeInterview(store, 'f', { force: true })).kind).to.equal('delivering');
      await store.releaseClaim('lease:deliver:f', 'someone');
      expect((await purgeInterview(store, 'f', { force: true })).kind).to.equal('purged');
      expect(await store.zcard(DUE_INDEX)).to.equal(0);
    });

    it('one sweep at a time: a second replica skips while the lease is held', async () => {
      expect(await store.setIfAbsent('lease:retention', 'other', 60_000)).to.equal(true);
      expect(await sweep(T0)).to.deep.equal({ skipped: true, scanned: 0, purged: 0, keptUndelivered: 0, failed: 0, unreadable: 0 });
    });

    it('scanKeys lists records by exact prefix, in pages, taking wildcards literally', async () => {
      const wanted = Array.from({ length: 23 }, (_, i) => `interview:k${String(i).padStart(2, '0')}`);
      for (const k of [...wanted, 'interview_x', 'INTERVIEW:y', 'interviews:z', 'report:r', 'a%:1', 'a*:2', 'aX:3']) await store.set(k, 1);
      await store.zadd('interview:zset-is-not-a-record', 'm', 1);
      const pages: string[][] = [];
      for await (const page of store.scanKeys('interview:', 5)) pages.push(page);
      expect([...new Set(pages.flat())].sort()).to.deep.equal(wanted);
      expect(pages.length).to.be.greaterThan(1);
      const literal = async (prefix: string) => {
        const out: string[] = [];
        for await (const page of store.scanKeys(prefix)) out.push(...page);
        return out.sort();
      };
      expect(await literal('a%')).to.deep.equal(['a%:1']);
      expect(await literal('a*')).to.deep.equal(['a*:2']);
      expect(await literal('nothing:')).to.deep.equal([]);
    });
  });
}
