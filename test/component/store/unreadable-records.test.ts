/**
 * A record that no bridge version writes (text that is not JSON, a version 2 record of the wrong shape, or a
 * version from a newer bridge) is an error of that record only: its own requests answer 503 with the contract
 * body, and nothing is sent for it; a poll, the retention sweep, a purge by e-mail and delivery of other
 * results go on, and an operator's forced purge deletes it by key. Both stores, the real app, the sandbox.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { expect } from 'chai';
import { keys } from '../../../src/domain/keys.js';
import { resultHash } from '../../../src/domain/mapping/index.js';
import { enqueue } from '../../../src/domain/outbox.js';
import type { InterviewRecord } from '../../../src/domain/types.js';
import { cli } from '../../support/cli.js';
import { configDir } from '../../support/config.js';
import { useRawBridge } from '../../support/rawStore.js';
import { STORE_KINDS, call, eventually, interviewBody, sandboxWebhooksAnswered } from '../../support/harness.js';

for (const kind of STORE_KINDS) {
  describe(`records no bridge writes are errors of that record only (${kind} store)`, function () {
    this.timeout(30000);
    const ctx = useRawBridge(kind);

    const create = async (email = `u.${randomUUID().slice(0, 8)}@example.com`) => {
      const path = `/cb/${randomUUID()}`;
      const body = interviewBody(ctx.templateId, { callback_url: `${ctx.receiver.url}${path}`, candidate: { first_name: 'Ada', last_name: 'Byron', email } });
      const res = await call(`${ctx.h.url}/interviews`, { token: ctx.h.acme.token, body });
      expect(res.status, res.text).to.equal(201);
      await eventually(() => sandboxWebhooksAnswered(ctx.h.acme), 'sandbox webhooks answered');
      await eventually(async () => (await ctx.h.bridge.container.store.zcard(keys.reconcileIndex)) === 0, 'nothing left to reconcile');
      const id = (res.body as { interview_id: string }).interview_id;
      const [up] = (await call(`${ctx.h.acme.sandboxUrl}/_sandbox/interviews?email=${encodeURIComponent(email)}`)).body as Array<{ id: string }>;
      return { id, path, email, upstreamId: up!.id, body };
    };
    const spoiled = (p: Record<string, unknown>) => JSON.stringify({ value: { ...p } });

    it('answers 503 {status, message} for text that is not JSON and for a version 2 record of the wrong shape, never 500', async () => {
      for (const text of ['{"value":', spoiled({ v: 2, a: 'acme', u: 'hireflix', t: 'x', jt: 'x', c: 'https://x', p: 'Alice', ca: 1, ua: 1 }), spoiled({ v: 2, a: 'acme', u: 'hireflix', t: 'x', jt: 'x', c: 'https://x', p: ['A', 'B', 'c@d.e'], ca: 1e20, ua: 1 }), spoiled({ v: '2' }), '{}', 'null', '{"value":{}}', '{"value":[1,2]}', JSON.stringify({ v: 2, a: 'acme' })]) {
        const { id, body } = await create();
        await ctx.raw.set(keys.interview(id), text);
        const got = await call(`${ctx.h.url}/interviews/${id}`, { token: ctx.h.acme.token });
        expect(got.status, text).to.equal(503);
        // Workable repeating the request must not overwrite it (nor invite again).
        const again = await call(`${ctx.h.url}/interviews`, { token: ctx.h.acme.token, body });
        expect(again.status, text).to.equal(503);
        expect(again.body).to.deep.equal({ status: 503, message: 'Service temporarily unavailable: a stored record cannot be read' });
        expect(got.body).to.deep.equal({ status: 503, message: 'Service temporarily unavailable: a stored record cannot be read' });
        expect(ctx.h.logs.some((l) => JSON.stringify(l).includes(`record interview:${id} cannot be read`)), 'the log names the record').to.equal(true);
        expect(await ctx.raw.get(keys.interview(id)), 'left as it was').to.equal(text);
      }
    });

    it('sends nothing for an interview whose record cannot be read, and keeps delivering the others', async () => {
      const store = ctx.h.bridge.container.store;
      const bad = await create();
      const good = await create();
      await ctx.raw.set(keys.interview(bad.id), '{"value":{"v":9}}');
      // A result for it is in the outbox (queued before its record was spoiled).
      const payload = { status: 'completed' as const };
      await enqueue(store, { interviewId: bad.id, accountId: 'acme', callbackUrl: `${ctx.receiver.url}${bad.path}`, payload, hash: resultHash(payload) }, new Date());
      await call(`${ctx.h.acme.sandboxUrl}/_sandbox/interviews/${good.upstreamId}/finish`, { body: { score: 4 } });
      await eventually(() => ctx.receiver.hits(good.path).some((x) => (JSON.parse(x.body) as { status: string }).status === 'completed'), 'the other result delivered');
      for (let i = 0; i < 5; i++) await ctx.h.bridge.scheduler.deliverNow();
      expect(ctx.receiver.hits(bad.path), 'no PUT the settle could not record').to.have.length(0);
      expect(await store.get(keys.outbox(bad.id)), 'its result stays queued').to.not.equal(undefined);
      // No lock or lease of it is left behind by the refused reads (the worker retries it every 50 ms, so
      // each is held only for a moment at a time; a claim left to its TTL would stay 10 s or more).
      await eventually(async () => (await store.getClaim(`lock:interview:${bad.id}`)) === undefined && (await store.getClaim(keys.lease.deliver(bad.id))) === undefined, 'no claim of it held');
      expect(ctx.h.logs.some((l) => l.msg === 'delivery failed' && JSON.stringify(l).includes(`interview:${bad.id} is in store schema version 9`))).to.equal(true);
    });

    it('a poll, the retention sweep and a purge by e-mail go on past an unreadable record; a forced purge deletes it by key', async () => {
      const store = ctx.h.bridge.container.store;
      const email = `shared.${randomUUID().slice(0, 8)}@example.com`;
      const bad = await create(email);
      const good = await create();
      // A report of it (as reconcile stores one), to be found by its interview id when the record cannot be read.
      await store.set(keys.report('rep-of-bad'), { interviewId: bad.id, accountId: 'acme', createdAt: new Date().toISOString(), input: {} });
      await ctx.raw.set(keys.interview(bad.id), '{"value":');
      // The poll lists both changes; the unreadable one is skipped, the other marked and reconciled.
      await call(`${ctx.h.acme.sandboxUrl}/_sandbox/interviews/${bad.upstreamId}/start`, { body: {} });
      await call(`${ctx.h.acme.sandboxUrl}/_sandbox/interviews/${good.upstreamId}/finish`, { body: { score: 3 } });
      const [poll] = await ctx.h.bridge.scheduler.pollNow('acme');
      expect(poll).to.include({ skipped: false });
      expect((poll as { known: number }).known, 'the readable change is known').to.be.at.least(1);
      await eventually(async () => (await store.get<InterviewRecord>(keys.interview(good.id)))?.current.status === 'completed', 'the other reconciled');

      const swept = await ctx.h.bridge.scheduler.retentionNow();
      expect(swept.unreadable).to.be.at.least(1);

      const cfg = ctx.h.config.store;
      const dir = configDir();
      try {
        const env: Record<string, string> = cfg.kind === 'sqlite' ? { CONFIG_DIR: dir, SQLITE_PATH: cfg.path } : { CONFIG_DIR: dir, REDIS_URL: cfg.url, REDIS_PREFIX: cfg.prefix };
        const byEmail = await cli(['purge', '--email', email, '--json'], env);
        expect(byEmail.code, byEmail.stderr).to.equal(1);
        const rows = JSON.parse(byEmail.stdout) as Array<{ interviewId: string; outcome: string }>;
        expect(rows).to.deep.include({ interviewId: bad.id, outcome: 'unreadable' });
        const kept = await cli(['purge', '--interview', bad.id], env);
        expect(kept.code).to.equal(1);
        expect(kept.stderr).to.include('its record cannot be read');
        const forced = await cli(['purge', '--interview', bad.id, '--force'], env);
        expect(forced.code, forced.stderr).to.equal(0);
        expect(forced.stdout).to.include(`purged ${bad.id} by key`);
        expect(await ctx.raw.get(keys.interview(bad.id))).to.equal(undefined);
        expect(await store.get(keys.report('rep-of-bad')), 'its report is deleted too').to.equal(undefined);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
