/**
 * Store schema (issue 13): interview records written by bridges before compact records (store schema
 * version 1: the full record in keyv's `{"value":…}` wrapper) still load, are served and followed to their
 * result, and are rewritten in version 2 on their next write. Both stores, the real app over HTTP, the
 * Hireflix sandbox; the old records are seeded as raw text beside the bridge (Redis SET, a second SQLite
 * connection), exactly as today's main wrote them.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { keys } from '../../../src/domain/keys.js';
import type { InterviewRecord } from '../../../src/domain/types.js';
import { useRawBridge } from '../../support/rawStore.js';
import { STORE_KINDS, call, eventually, interviewBody, sandboxWebhooksAnswered } from '../../support/harness.js';

/** The record as today's main built it: every field, in draftRecord's order, with a legacy `preferences`. */
function versionOne(r: InterviewRecord): Record<string, unknown> {
  return {
    id: r.id,
    accountId: r.accountId,
    upstream: r.upstream,
    upstreamId: r.upstreamId,
    templateId: r.templateId,
    jobId: r.jobId,
    jobTitle: r.jobTitle,
    callbackUrl: r.callbackUrl,
    candidate: r.candidate,
    preferences: { key: 'value' },
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    phase: r.phase,
    current: r.current,
    templateName: r.templateName,
    expiresAt: r.expiresAt,
    candidateUrl: r.candidateUrl,
  };
}

for (const kind of STORE_KINDS) {
  describe(`records written before compact records load and migrate (${kind} store)`, function () {
    this.timeout(30000);
    const ctx = useRawBridge(kind);

    const create = async () => {
      const path = `/interviews/${randomUUID()}`;
      const email = `old.${randomUUID().slice(0, 8)}@example.com`;
      const res = await call(`${ctx.h.url}/interviews`, { token: ctx.h.acme.token, body: interviewBody(ctx.templateId, { callback_url: `${ctx.receiver.url}${path}`, candidate: { first_name: 'Grace', last_name: 'Hopper', email, phone: '+1 785 991 6256' } }) });
      expect(res.status, res.text).to.equal(201);
      // The invitation's own webhook is reconciled before a test rewrites the record under the bridge.
      await eventually(() => sandboxWebhooksAnswered(ctx.h.acme), 'sandbox webhooks answered');
      await eventually(async () => (await ctx.h.bridge.container.store.zcard(keys.reconcileIndex)) === 0, 'nothing left to reconcile');
      return { id: (res.body as { interview_id: string }).interview_id, path, email };
    };

    it('writes new interviews in version 2, smaller than the full record, and reads them back whole', async () => {
      const { id } = await create();
      const text = await ctx.raw.get(keys.interview(id));
      const stored = JSON.parse(text!) as { value: Record<string, unknown> };
      expect(stored.value).to.include({ v: 2, a: 'acme' });
      expect(stored.value, 'the id is the key, not a field').to.not.have.property('id');
      const record = (await ctx.h.bridge.container.store.get<InterviewRecord>(keys.interview(id)))!;
      expect(record).to.include({ id, accountId: 'acme', upstream: 'hireflix', phase: 'invited' });
      expect(record.current).to.deep.equal({ status: 'pending' });
      expect(text!.length).to.be.lessThan(JSON.stringify({ value: versionOne(record) }).length * 0.75);
    });

    it('serves a version 1 record, follows it to its result, and rewrites it in version 2', async () => {
      const { id, path, email } = await create();
      const store = ctx.h.bridge.container.store;
      const built = (await store.get<InterviewRecord>(keys.interview(id)))!;
      const old = versionOne(built);
      await ctx.raw.set(keys.interview(id), JSON.stringify({ value: old }));
      expect(JSON.parse((await ctx.raw.get(keys.interview(id)))!)).to.deep.equal({ value: old });

      // Read through every path: the Store API (alone and in a batch with a version 2 record), and Workable's GET.
      expect(await store.get(keys.interview(id))).to.deep.equal(old);
      const other = await create();
      const [a, b] = await store.getMany<InterviewRecord>([keys.interview(id), keys.interview(other.id)]);
      expect(a).to.deep.equal(old);
      expect(b).to.include({ id: other.id, accountId: 'acme' });
      const got = await call(`${ctx.h.url}/interviews/${id}`, { token: ctx.h.acme.token });
      expect(got.status).to.equal(200);
      expect(got.body).to.deep.equal({ status: 'pending' });

      // The candidate finishes: the old record is reconciled, its result delivered, and the record rewritten.
      const [up] = (await call(`${ctx.h.acme.sandboxUrl}/_sandbox/interviews?email=${encodeURIComponent(email)}`)).body as Array<{ id: string }>;
      await call(`${ctx.h.acme.sandboxUrl}/_sandbox/interviews/${up!.id}/finish`, { body: { score: 4 } });
      await eventually(() => ctx.receiver.hits(path).some((x) => (JSON.parse(x.body) as { status: string }).status === 'completed'), 'completed delivered');
      await eventually(async () => (await store.get<InterviewRecord>(keys.interview(id)))?.deliveredHash !== undefined, 'delivery recorded');
      const after = JSON.parse((await ctx.raw.get(keys.interview(id)))!) as { value: Record<string, unknown> };
      expect(after.value).to.include({ v: 2 });
      const migrated = (await store.get<InterviewRecord>(keys.interview(id)))!;
      expect(migrated).to.include({ id, accountId: 'acme', upstreamId: built.upstreamId, createdAt: built.createdAt, callbackUrl: built.callbackUrl });
      expect(migrated.candidate).to.deep.equal(built.candidate);
      expect(migrated.preferences, 'a legacy field survives the rewrite').to.deep.equal({ key: 'value' });
      expect(migrated.current.status).to.equal('completed');
      const again = await call(`${ctx.h.url}/interviews/${id}`, { token: ctx.h.acme.token });
      expect((again.body as { status: string }).status).to.equal('completed');
    });

    it('answers 503 with the contract body for a record from a newer schema, and changes nothing', async () => {
      const { id } = await create();
      const newer = JSON.stringify({ value: { v: 3, a: 'acme' } });
      await ctx.raw.set(keys.interview(id), newer);
      const got = await call(`${ctx.h.url}/interviews/${id}`, { token: ctx.h.acme.token });
      expect(got.status).to.equal(503);
      expect(got.body).to.deep.equal({ status: 503, message: 'Service temporarily unavailable: the store holds a record a newer bridge version wrote' });
      const line = ctx.h.logs.find((l) => JSON.stringify(l).includes(`record interview:${id} is in store schema version 3`));
      expect(line, 'the log names the record and its version').to.not.equal(undefined);
      expect(await ctx.raw.get(keys.interview(id))).to.equal(newer);
    });
  });
}
