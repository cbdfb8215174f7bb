/**
 * One candidate, several Workable interviews (issue 11, point 6): the same candidate sent the same template
 * twice, with two callback_urls, resolves upstream to one interview; both Workable interviews follow it, so
 * both callback_urls receive `completed`, and GET /interviews/:id of each shows it. Hireflix and Vervoe
 * sandboxes, both stores, over real HTTP.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { cli } from '../support/cli.js';
import { configDir } from '../support/config.js';
import { keys } from '../../src/domain/keys.js';
import { expect } from 'chai';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { startVervoeBridge } from '../support/vervoeBridge.js';
import { STORE_KINDS, call, eventually, interviewBody, startHarness, type Harness, type StoreKind } from '../support/harness.js';

const MAPPING = readFileSync(new URL('../../config/mappings/hireflix.yaml', import.meta.url), 'utf8');
const bodies = (r: Receiver, path: string) => r.hits(path).map((x) => JSON.parse(x.body) as { status: string; interview?: { score?: string } });

const FAST = 'delivery: { base_delay_ms: 20, max_delay_ms: 100, interval_ms: 50 }\npoller: { cron: "0 0 1 1 *" }';

/** A bridge with its scheduler on, a receiver standing in for Workable, and the first template's id. */
function useBridge(kind: StoreKind, mappingYaml?: string): { h: Harness; receiver: Receiver; templateId: string } {
  const ctx = {} as { h: Harness; receiver: Receiver; templateId: string };
  before(async () => {
    ctx.receiver = await startReceiver();
    ctx.h = await startHarness(kind, { scheduler: true, bridgeYaml: FAST, ...(mappingYaml ? { mappingYaml } : {}) });
    const t = await call(`${ctx.h.url}/interview-templates`, { token: ctx.h.acme.token });
    ctx.templateId = (t.body as { interview_templates: Array<{ id: string }> }).interview_templates[0]!.id;
  });
  after(async () => {
    await ctx.h?.close();
    await ctx.receiver?.close();
  });
  return ctx;
}

for (const kind of STORE_KINDS) {
  describe(`same candidate, two Workable interviews, Hireflix (${kind} store)`, function () {
    this.timeout(30000);
    const ctx = useBridge(kind);
    const create = async (email: string) => {
      const path = `/interviews/${randomUUID()}`;
      const res = await call(`${ctx.h.url}/interviews`, { token: ctx.h.acme.token, body: interviewBody(ctx.templateId, { callback_url: `${ctx.receiver.url}${path}`, candidate: { first_name: 'Ada', last_name: 'Lovelace', email } }) });
      expect(res.status).to.equal(201);
      return { id: (res.body as { interview_id: string }).interview_id, path };
    };
    const upstreamIdOf = async (email: string) => {
      const list = (await call(`${ctx.h.acme.sandboxUrl}/_sandbox/interviews?email=${encodeURIComponent(email)}`)).body as Array<{ id: string }>;
      expect(list).to.have.length(1);
      return list[0]!.id;
    };

    it('both callback_urls receive completed with the score when the candidate finishes (webhook)', async () => {
      const email = `ada.${randomUUID().slice(0, 8)}@example.com`;
      const a = await create(email);
      const b = await create(email);
      expect(a.id).to.not.equal(b.id);
      const up = await upstreamIdOf(email);
      await call(`${ctx.h.acme.sandboxUrl}/_sandbox/interviews/${up}/finish`, { body: { score: 4 } });
      for (const iv of [a, b]) {
        await eventually(() => bodies(ctx.receiver, iv.path).some((x) => x.status === 'completed'), `completed at ${iv.path}`);
        expect(bodies(ctx.receiver, iv.path).find((x) => x.status === 'completed')!.interview!.score).to.equal('80');
        const got = await call(`${ctx.h.url}/interviews/${iv.id}`, { token: ctx.h.acme.token });
        expect(got.status).to.equal(200);
        expect((got.body as { status: string }).status).to.equal('completed');
      }
      // The operator sees the pair from either side.
      const cfg = ctx.h.config.store;
      const dir = configDir();
      try {
        const env: Record<string, string> = cfg.kind === 'sqlite' ? { CONFIG_DIR: dir, SQLITE_PATH: cfg.path } : { CONFIG_DIR: dir, REDIS_URL: cfg.url, REDIS_PREFIX: cfg.prefix };
        for (const [self, other] of [[a, b], [b, a]] as const) {
          const shown = await cli(['interview', 'show', '--', self.id], env);
          expect(shown.code, shown.stderr).to.equal(0);
          expect(shown.stdout).to.include(`  also follows:  ${other.id} (the same candidate sent this template again: each gets its own result)\n`);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('a re-send after the first interview completed gets completed too', async () => {
      const email = `ada.${randomUUID().slice(0, 8)}@example.com`;
      const a = await create(email);
      const up = await upstreamIdOf(email);
      await call(`${ctx.h.acme.sandboxUrl}/_sandbox/interviews/${up}/finish`, { body: { score: 5 } });
      await eventually(() => bodies(ctx.receiver, a.path).some((x) => x.status === 'completed'), 'first completed');
      const b = await create(email);
      await eventually(() => bodies(ctx.receiver, b.path).some((x) => x.status === 'completed'), 'the re-sent one completed');
      expect(bodies(ctx.receiver, b.path).find((x) => x.status === 'completed')!.interview!.score).to.equal('100');
    });

    it('a poll reaches both when the webhook is lost', async () => {
      const email = `ada.${randomUUID().slice(0, 8)}@example.com`;
      const a = await create(email);
      const b = await create(email);
      const up = await upstreamIdOf(email);
      // b resolved to the existing upstream interview, so its create marked it for an immediate reconcile:
      // let that one finish first (it finds nothing new), so only the poll can bring the result to b.
      const store = ctx.h.bridge.container.store;
      await eventually(async () => (await store.zscore(keys.reconcileIndex, b.id)) === undefined && (await store.get(`lease:reconcile:${b.id}`)) === undefined, 'the re-send reconcile of b settled');
      await call(`${ctx.h.acme.sandboxUrl}/_sandbox/webhooks`, { body: { enabled: false } });
      try {
        await call(`${ctx.h.acme.sandboxUrl}/_sandbox/interviews/${up}/finish`, { body: { score: 3 } });
        // No webhook: nothing may arrive until the poll.
        await new Promise((r) => setTimeout(r, 300));
        expect(bodies(ctx.receiver, a.path).concat(bodies(ctx.receiver, b.path)).filter((x) => x.status === 'completed')).to.have.length(0);
        const poll = await call(`${ctx.h.url}/ops/poll`, { method: 'POST' });
        expect(poll.status).to.equal(200);
      } finally {
        await call(`${ctx.h.acme.sandboxUrl}/_sandbox/webhooks`, { body: { enabled: true } });
      }
      for (const iv of [a, b]) {
        await eventually(() => bodies(ctx.receiver, iv.path).some((x) => x.status === 'completed'), `completed at ${iv.path}`);
        expect(bodies(ctx.receiver, iv.path).find((x) => x.status === 'completed')!.interview!.score).to.equal('60');
      }
    });
  });

  describe(`same candidate, two Workable interviews, expiry and archiving (${kind} store)`, function () {
    this.timeout(30000);
    const ctx = useBridge(kind, MAPPING.replace('archive_upstream: false', 'archive_upstream: true'));

    it('each expires on its own; the upstream interview is archived only when no follower still waits on it', async () => {
      const email = `ada.${randomUUID().slice(0, 8)}@example.com`;
      const ivs = [];
      for (let i = 0; i < 2; i++) {
        const path = `/interviews/${randomUUID()}`;
        const res = await call(`${ctx.h.url}/interviews`, { token: ctx.h.acme.token, body: interviewBody(ctx.templateId, { callback_url: `${ctx.receiver.url}${path}`, candidate: { first_name: 'Ada', last_name: 'Lovelace', email } }) });
        expect(res.status).to.equal(201);
        ivs.push({ id: (res.body as { interview_id: string }).interview_id, path });
      }
      const [a, b] = ivs as [{ id: string; path: string }, { id: string; path: string }];
      const list = (await call(`${ctx.h.acme.sandboxUrl}/_sandbox/interviews?email=${encodeURIComponent(email)}`)).body as Array<{ id: string }>;
      expect(list).to.have.length(1);
      const upstreamState = async () => ((await call(`${ctx.h.acme.sandboxUrl}/_sandbox/interviews/${list[0]!.id}`)).body as { state: string }).state;

      expect((await call(`${ctx.h.url}/ops/interviews/${a.id}/expire`, { method: 'POST' })).status).to.equal(200);
      await eventually(() => bodies(ctx.receiver, a.path).some((x) => x.status === 'expired'), 'a expired');
      // b still waits on the upstream interview: it stays open there, and b stays pending.
      expect(await upstreamState()).to.not.equal('discarded');
      expect(((await call(`${ctx.h.url}/interviews/${b.id}`, { token: ctx.h.acme.token })).body as { status: string }).status).to.equal('pending');
      expect(bodies(ctx.receiver, b.path)).to.have.length(0);

      expect((await call(`${ctx.h.url}/ops/interviews/${b.id}/expire`, { method: 'POST' })).status).to.equal(200);
      await eventually(() => bodies(ctx.receiver, b.path).some((x) => x.status === 'expired'), 'b expired');
      await eventually(async () => (await upstreamState()) === 'discarded', 'archived upstream once the last follower expired');
      // The archive's own webhook changes neither: both stay expired, and each got exactly one PUT.
      await new Promise((r) => setTimeout(r, 300));
      expect(bodies(ctx.receiver, a.path).map((x) => x.status)).to.deep.equal(['expired']);
      expect(bodies(ctx.receiver, b.path).map((x) => x.status)).to.deep.equal(['expired']);
    });
  });

  describe(`same candidate, two Workable interviews, Vervoe (${kind} store)`, function () {
    this.timeout(30000);
    it('both callback_urls receive completed when the candidate completes', async () => {
      const receiver = await startReceiver();
      const v = await startVervoeBridge(kind, { bridgeYaml: 'delivery: { base_delay_ms: 20, max_delay_ms: 100, interval_ms: 50 }' });
      try {
        const t = await call(`${v.url}/interview-templates`, { token: v.token });
        const templateId = (t.body as { interview_templates: Array<{ id: string }> }).interview_templates[0]!.id;
        const email = `ada.${randomUUID().slice(0, 8)}@example.com`;
        const ivs = [];
        for (let i = 0; i < 2; i++) {
          const path = `/interviews/${randomUUID()}`;
          const res = await call(`${v.url}/interviews`, { token: v.token, body: interviewBody(templateId, { callback_url: `${receiver.url}${path}`, candidate: { first_name: 'Ada', last_name: 'Lovelace', email } }) });
          expect(res.status).to.equal(201);
          ivs.push({ id: (res.body as { interview_id: string }).interview_id, path });
        }
        const list = (await call(`${v.sandboxUrl}/_sandbox/candidates?email=${encodeURIComponent(email)}`)).body as Array<{ uuid: string }>;
        expect(list).to.have.length(1);
        await call(`${v.sandboxUrl}/_sandbox/candidates/${list[0]!.uuid}/complete`, { body: { score: 70 } });
        for (const iv of ivs) {
          await eventually(() => bodies(receiver, iv.path).some((x) => x.status === 'completed'), `completed at ${iv.path}`);
          const got = await call(`${v.url}/interviews/${iv.id}`, { token: v.token });
          expect((got.body as { status: string }).status).to.equal('completed');
        }
      } finally {
        await v.close();
        await receiver.close();
      }
    });
  });
}
