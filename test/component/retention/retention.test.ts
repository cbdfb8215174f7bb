import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { expect } from 'chai';
import { maskEmail } from '../../../src/cli/mask.js';
import { keys } from '../../../src/domain/keys.js';
import { runCli } from '../../../src/cli/run.js';
import { startReceiver } from '../../support/receiver.js';
import type { Receiver } from '../../support/receiver.js';
import { configDir } from '../../support/config.js';
import { STORE_KINDS, call, eventually, interviewBody, sandboxWebhooksAnswered, startHarness } from '../../support/harness.js';
import type { Harness } from '../../support/harness.js';
import { dumpStore, mentioning } from '../../support/storeDump.js';

const DAY = 24 * 3600 * 1000;

interface Finished {
  id: string;
  email: string;
  callbackUrl: string;
  upstreamId: string;
  reportUrl: string;
  reportId: string;
}

for (const kind of STORE_KINDS) {
  describe(`candidate data retention and purge (${kind} store)`, function () {
    this.timeout(60_000);
    let h: Harness;
    let receiver: Receiver;
    let offsetMs = 0;
    let templateIds: string[];

    before(async () => {
      receiver = await startReceiver(() => ({ status: 200 }));
      h = await startHarness(kind, {
        scheduler: true,
        now: () => new Date(Date.now() + offsetMs),
        // The jobs that would act on their own are driven by hand here.
        bridgeYaml: 'delivery: { base_delay_ms: 20, max_delay_ms: 100, interval_ms: 50 }\npoller: { cron: "0 0 1 1 *" }\nexpiry: { cron: "0 0 1 1 *" }\nretention: { days: 180, cron: "0 0 1 1 *" }',
      });
      const t = await call(`${h.url}/interview-templates`, { token: h.acme.token });
      templateIds = (t.body as { interview_templates: Array<{ id: string }> }).interview_templates.map((x) => x.id);
    });
    beforeEach(() => (offsetMs = 0));
    after(async () => {
      if (configFolder) rmSync(configFolder, { recursive: true, force: true });
      await h.close();
      await receiver.close();
    });

    async function create(email = `cand.${randomUUID().slice(0, 8)}@example.com`, callbackUrl = `${receiver.url}/interviews/${randomUUID()}`, template = 0) {
      const body = interviewBody(templateIds[template]!, { callback_url: callbackUrl, candidate: { first_name: 'Lakita', last_name: 'Marrero', email } });
      const res = await call(`${h.url}/interviews`, { token: h.acme.token, body });
      expect(res.status, res.text).to.equal(201);
      const id = (res.body as { interview_id: string }).interview_id;
      const list = (await call(`${h.acme.sandboxUrl}/_sandbox/interviews?externalId=${id}`)).body as Array<{ id: string }>;
      return { id, email, callbackUrl, upstreamId: list[0]!.id };
    }

    /** An interview the candidate finished, whose completed result (with a report) Workable accepted. */
    async function finished(email?: string, template = 0): Promise<Finished> {
      const iv = await create(email, undefined, template);
      const path = new URL(iv.callbackUrl).pathname;
      await call(`${h.acme.sandboxUrl}/_sandbox/interviews/${iv.upstreamId}/finish`, { body: { score: 4 } });
      const put = await eventually(() => receiver.hits(path)[0], 'the completed PUT');
      const reportUrl = (JSON.parse(put.body) as { attachments: Array<{ url: string }> }).attachments[0]!.url;
      // Accepted and recorded: the outbox is empty again.
      await eventually(async () => (await interviewView(iv.id)).includes('In the outbox: nothing pending'), 'the delivery to be recorded');
      return { ...iv, reportUrl, reportId: /\/reports\/([A-Za-z0-9_-]{32})\.pdf$/.exec(reportUrl)![1]! };
    }

    let configFolder: string | undefined;
    const cliEnv = (): Record<string, string> => {
      configFolder ??= configDir();
      return h.config.store.kind === 'sqlite'
        ? { CONFIG_DIR: configFolder, SQLITE_PATH: h.config.store.path }
        : { CONFIG_DIR: configFolder, REDIS_URL: h.config.store.url, REDIS_PREFIX: h.config.store.prefix };
    };

    async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
      let out = '';
      let err = '';
      const code = await runCli(args, { out: (t) => void (out += `${t}\n`), err: (t) => void (err += `${t}\n`), env: cliEnv() });
      return { code, out, err };
    }

    async function interviewView(id: string): Promise<string> {
      return (await cli(['interview', 'show', id])).out;
    }

    /** Store lines (keys, values, index members) that still mention the interview. */
    const traces = async (iv: Finished | { id: string; email: string }): Promise<string[]> =>
      mentioning(await dumpStore(h.config), [iv.id, iv.email, ...('reportId' in iv ? [iv.reportId] : [])]);

    /**
     * Nothing of the interview is left. A worker that picked it up just before the purge may still hold its
     * lock and lease (claims released as soon as it sees the record gone), so the store gets a moment to settle.
     */
    async function expectGone(iv: Finished | { id: string; email: string }): Promise<void> {
      const deadline = Date.now() + 10_000;
      let left = await traces(iv);
      while (left.length > 0 && left.every((l) => /^claim (lease|lock):/.test(l) || /:claim:(lease|lock):/.test(l)) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        left = await traces(iv);
      }
      expect(left).to.deep.equal([]);
    }

    const reportStatus = async (url: string) => {
      const res = await call(url);
      return { status: res.status, body: res.headers.get('content-type')?.startsWith('application/json') ? res.body : res.headers.get('content-type') };
    };

    it('a finished interview past retention.days is deleted, key by key; a younger one and a pending one stay', async () => {
      const old = await finished();
      const pendingOld = await create();
      // Its creation webhook's hint is reconciled now, at today's clock: a reconcile after the jumps below would
      // rightly find it past its deadline and expire it, which is not what this test is about.
      await eventually(() => sandboxWebhooksAnswered(h.acme), 'the creation webhook answered');
      await eventually(async () => (await h.bridge.container.store.zscore(keys.reconcileIndex, pendingOld.id)) === undefined, 'its hint reconciled');
      expect(await traces(old), 'the test sees the interview in the store before').to.have.length.above(0);
      expect(await reportStatus(old.reportUrl)).to.deep.equal({ status: 200, body: 'application/pdf' });
      // The profile and reports.retention_days say 365 days; retention.days (180) caps the report's own expiry.
      const reportLine = mentioning(await dumpStore(h.config), [`report:${old.reportId}`])[0]!;
      const expires = Number(/"expires":(\d+)/.exec(reportLine)![1]);
      expect(expires - Date.now()).to.be.within(179 * DAY, 180 * DAY);

      offsetMs = 100 * DAY;
      const young = await finished();
      offsetMs = 181 * DAY;
      const summary = await h.bridge.scheduler.retentionNow();
      expect(summary).to.include({ skipped: false, keptUndelivered: 0, failed: 0 });
      expect(summary.purged).to.be.at.least(1);

      await expectGone(old);
      expect(await reportStatus(old.reportUrl)).to.deep.equal({ status: 404, body: { status: 404, message: 'Report not found' } });
      const gone = await call(`${h.url}/interviews/${old.id}`, { token: h.acme.token });
      expect([gone.status, gone.body]).to.deep.equal([404, { status: 404, message: 'Interview not found' }]);

      expect(await reportStatus(young.reportUrl)).to.deep.equal({ status: 200, body: 'application/pdf' });
      expect((await call(`${h.url}/interviews/${young.id}`, { token: h.acme.token })).body).to.include({ status: 'completed' });
      // Still waiting for the candidate: not finished, so not retention's to delete.
      expect((await call(`${h.url}/interviews/${pendingOld.id}`, { token: h.acme.token })).body).to.deep.equal({ status: 'pending' });

      // Once the young one is past retention too, it goes.
      // (Reconciles until 181 days may have touched it: count from there.)
      offsetMs = 2 * 181 * DAY + DAY;
      await h.bridge.scheduler.retentionNow();
      await expectGone(young);
      expect((await reportStatus(young.reportUrl)).status).to.equal(404);
    });

    it('a repeat of a purged request recreates the interview under the same id, from the upstream invitation', async () => {
      const old = await finished();
      offsetMs = 181 * DAY;
      await h.bridge.scheduler.retentionNow();
      await expectGone(old);
      const path = new URL(old.callbackUrl).pathname;
      const again = await create(old.email, old.callbackUrl);
      expect(again.id).to.equal(old.id);
      expect(again.upstreamId).to.equal(old.upstreamId);
      // The upstream still has the finished interview. Nothing says it changed (no webhook, no poll lists
      // it), but the expiry sweep reads the upstream at the new deadline: completed, sent again with a new report.
      offsetMs = (181 + 31) * DAY;
      await h.bridge.scheduler.expireNow();
      await h.bridge.scheduler.reconcileNow();
      await h.bridge.scheduler.deliverNow();
      await eventually(() => receiver.hits(path).length === 2, 'the second completed PUT');
      const second = JSON.parse(receiver.hits(path)[1]!.body) as { status: string; attachments: Array<{ url: string }> };
      expect(second.status).to.equal('completed');
      expect(second.attachments[0]!.url).to.not.equal(old.reportUrl);
    });

    it('cli purge --email deletes every interview of that candidate (any case), and nobody else\'s', async () => {
      const email = `Erase.Me.${randomUUID().slice(0, 8)}@Example.com`;
      const a = await finished(email);
      // Another position: one candidate is invited once per position upstream.
      const b = await finished(email, 1);
      const other = await finished();
      const r = await cli(['purge', '--email', email.toLowerCase()]);
      expect(r.err).to.equal('');
      expect(r.code).to.equal(0);
      expect(r.out).to.match(new RegExp(`purged ${a.id} \\(account acme, completed\\): \\d record\\(s\\) deleted`));
      expect(r.out).to.include(`purged ${b.id} (account acme, completed)`);
      expect(r.out).to.include('The upstream keeps its own copy; delete the candidate there too: hireflix ');
      await expectGone(a);
      await expectGone(b);
      expect((await reportStatus(a.reportUrl)).status).to.equal(404);
      expect(await reportStatus(other.reportUrl)).to.deep.equal({ status: 200, body: 'application/pdf' });

      const none = await cli(['purge', '--email', email]);
      expect([none.code, none.err]).to.deep.equal([1, `error: no interview for "${maskEmail(email)}"\n`]);
      expect(none.err).to.not.include(email);
    });

    it('cli purge --interview deletes one; a pending one is kept unless --force', async () => {
      const done = await finished();
      const r = await cli(['purge', '--interview', done.id]);
      expect([r.code, r.err]).to.deep.equal([0, '']);
      await expectGone(done);
      expect((await reportStatus(done.reportUrl)).status).to.equal(404);

      const pending = await create();
      const kept = await cli(['purge', '--interview', pending.id]);
      expect(kept.code).to.equal(1);
      expect(kept.err).to.equal(`kept "${pending.id}": still pending upstream: a result may yet come; --force purges it anyway (Workable then never gets one)\n`);
      expect(await traces(pending)).to.have.length.above(0);
      const forced = await cli(['purge', '--interview', pending.id, '--force']);
      expect([forced.code, forced.err]).to.deep.equal([0, '']);
      await expectGone(pending);

      const missing = await cli(['purge', '--interview', pending.id]);
      expect([missing.code, missing.err]).to.deep.equal([1, `error: no interview "${pending.id}"\n`]);
    });

    it('cli purge needs exactly one of --email and --interview', async () => {
      for (const args of [['purge'], ['purge', '--email', 'a@b.c', '--interview', 'x']]) {
        const r = await cli(args);
        expect(r.code).to.equal(2);
        expect(r.err).to.match(/^error: give either --email or --interview\n\nUsage: cli purge --email/);
      }
      const bad = await cli(['purge', '--email', 'not-an-address']);
      expect([bad.code, bad.err.split('\n')[0]]).to.deep.equal([2, 'error: --email must be an email address']);
    });
  });
}
