/**
 * `cli mapping check` and `cli mapping preview` as real processes, against an interview the bridge created
 * and delivered the real way, on both stores: the preview reads the upstream, maps through the profile in
 * force or an edited file, writes the PDF, and changes nothing (store, outbox, Workable's inbox).
 */
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { keys } from '../../../src/domain/keys.js';
import { outboxSize } from '../../../src/domain/outbox.js';
import { call, interviewBody, startHarness, STORE_KINDS } from '../../support/harness.js';
import type { Harness } from '../../support/harness.js';
import { startReceiver } from '../../support/receiver.js';
import type { Receiver } from '../../support/receiver.js';
import { cli, ROOT } from '../../support/cli.js';
import { configDir } from '../../support/config.js';

const SHIPPED = readFileSync(join(ROOT, 'config/mappings/hireflix.yaml'), 'utf8');
/** The shipped profile with a stricter "excelled" and another summary: 4 stars (80) becomes "passed". */
const EDITED = SHIPPED.replace('excelled_from: 80', 'excelled_from: 90').replace(/^summary: .*$/m, 'summary: "Edited: {candidate.first_name} answered {answers.answered}."');

describe('cli: mapping check', function () {
  this.timeout(30_000);
  it('the shipped profiles are valid: exit 0', async () => {
    for (const name of ['hireflix', 'vervoe']) {
      const file = join(ROOT, `config/mappings/${name}.yaml`);
      const r = await cli(['mapping', 'check', file]);
      expect([r.code, r.stdout, r.stderr]).to.deep.equal([0, `ok: ${file} is a valid mapping profile\n`, '']);
    }
  });

  it('a broken profile: every problem with its key path, exit 1', async () => {
    const file = join(tmpdir(), `wvb-bad-profile-${process.pid}.yaml`);
    writeFileSync(file, SHIPPED.replace('excelled_from: 80', 'excelled_from: 180').replace('  completed: completed', '  completed: finished'));
    try {
      const r = await cli(['mapping', 'check', file]);
      expect(r.code).to.equal(1);
      expect(r.stdout).to.equal('');
      expect(r.stderr).to.equal(
        `2 problem(s) in ${file}:\n` +
          `  - ${file}: status.completed must be one of pending, completed, declined, expired, rejected\n` +
          `  - ${file}: grade.excelled_from must be a number between 0 and 100\n`,
      );
    } finally {
      rmSync(file, { force: true });
    }
  });

  it('bad YAML and a missing file: one problem each, exit 1', async () => {
    const file = join(tmpdir(), `wvb-yaml-profile-${process.pid}.yaml`);
    writeFileSync(file, 'status: [unclosed');
    try {
      const bad = await cli(['mapping', 'check', file]);
      expect(bad.code).to.equal(1);
      expect(bad.stderr).to.match(new RegExp(`^1 problem\\(s\\) in ${file}:\\n  - ${file}: not valid YAML: `));
      const missing = await cli(['mapping', 'check', '/nonexistent/profile.yaml']);
      expect([missing.code, missing.stderr]).to.deep.equal([1, '1 problem(s) in /nonexistent/profile.yaml:\n  - /nonexistent/profile.yaml: cannot be read: ENOENT\n']);
    } finally {
      rmSync(file, { force: true });
    }
  });
});

for (const kind of STORE_KINDS) {
  describe(`cli: mapping preview (${kind})`, function () {
    this.timeout(60_000);
    let h: Harness;
    let receiver: Receiver;
    let dir: string;
    let env: Record<string, string>;
    let done: string;
    let pending: string;
    const pdf = join(tmpdir(), `wvb-preview-${process.pid}-${kind}.pdf`);

    before(async () => {
      receiver = await startReceiver(() => ({ status: 200 }));
      h = await startHarness(kind, { webhooks: false });
      const acme = h.config.accounts.find((a) => a.id === 'acme')!;
      dir = configDir({
        'bridge.yaml': `server: { public_base_url: "${h.config.server.publicBaseUrl}" }\ncallback_policy: { allow_local: true }\nlogging: { level: warn }\n`,
        'accounts.yaml': `accounts:
  - id: acme
    name: ACME
    token_sha256: ["${acme.tokenSha256[0]}"]
    workable_token: { env: ACME_WORKABLE_TOKEN }
    upstream: { kind: hireflix, endpoint: "${h.acme.sandboxUrl}/me", api_key: { env: ACME_API_KEY } }
    webhooks: false
`,
      });
      writeFileSync(join(dir, 'edited.yaml'), EDITED);
      const store = h.config.store;
      env = {
        CONFIG_DIR: dir,
        ACME_WORKABLE_TOKEN: acme.workableToken,
        ACME_API_KEY: acme.upstream.apiKey,
        ...(store.kind === 'sqlite' ? { SQLITE_PATH: store.path } : { REDIS_URL: store.url, REDIS_PREFIX: store.prefix }),
      };
      // One interview completed (4 stars) and delivered, one still pending.
      const body = interviewBody('64f0c0ffee00000000000001', { callback_url: `${receiver.url}/interviews/1` });
      done = ((await call(`${h.url}/interviews`, { token: h.acme.token, body })).body as { interview_id: string }).interview_id;
      const email = (body.candidate as { email: string }).email;
      const up = (await call(`${h.acme.sandboxUrl}/_sandbox/interviews?email=${encodeURIComponent(email)}`)).body as Array<{ id: string }>;
      expect((await call(`${h.acme.sandboxUrl}/_sandbox/interviews/${up[0]!.id}/finish`, { body: { score: 4 } })).status).to.equal(200);
      const other = interviewBody('64f0c0ffee00000000000001', { callback_url: `${receiver.url}/interviews/2`, candidate: { first_name: 'Pat', last_name: 'Pending', email: `pat.${kind}@example.com` } });
      pending = ((await call(`${h.url}/interviews`, { token: h.acme.token, body: other })).body as { interview_id: string }).interview_id;
      await h.bridge.scheduler.pollNow('acme');
      expect((await h.bridge.scheduler.reconcileNow()).enqueued).to.equal(1);
      expect((await h.bridge.scheduler.deliverNow()).delivered).to.equal(1);
    });
    after(async () => {
      await h?.close();
      await receiver?.close();
      rmSync(dir, { recursive: true, force: true });
      rmSync(pdf, { force: true });
    });

    const snapshot = async () => ({
      done: JSON.stringify(await h.bridge.container.store.get(keys.interview(done))),
      pending: JSON.stringify(await h.bridge.container.store.get(keys.interview(pending))),
      outbox: await outboxSize(h.bridge.container.store),
      hits: receiver.hits('/interviews/1').length + receiver.hits('/interviews/2').length,
    });

    it('under the profile in force: the payload Workable has, the same; the PDF written where it says', async () => {
      const before = await snapshot();
      const r = await cli(['mapping', 'preview', '--interview', done, '--pdf', pdf], env);
      expect(r.stderr).to.equal('');
      expect(r.code).to.equal(0);
      const lines = r.stdout.split('\n');
      expect(lines.slice(0, 4)).to.deep.equal([
        `Preview of interview ${done} (account acme) under ${dir}/mappings/hireflix.yaml (in force): nothing delivered, nothing stored.`,
        '  upstream state:  completed',
        '  status:          completed',
        '  compared with the current payload: the same',
      ]);
      expect(r.stdout).to.include('"grade": "excelled"');
      expect(r.stdout.endsWith(`\nPDF report written to ${pdf}\n`)).to.equal(true);
      expect(readFileSync(pdf).subarray(0, 5).toString()).to.equal('%PDF-');
      expect(statSync(pdf).mode & 0o777).to.equal(0o600);
      const delivered = JSON.parse(receiver.hits('/interviews/1')[0]!.body) as unknown;
      const json = JSON.parse((await cli(['mapping', 'preview', '--interview', done, '--pdf', pdf, '--json'], env)).stdout) as { payload: unknown; sameAsCurrent: boolean; placeholders: string[] };
      expect(json.payload).to.deep.equal(delivered);
      expect([json.sameAsCurrent, json.placeholders]).to.deep.equal([true, []]);
      expect(await snapshot()).to.deep.equal(before);
    });

    it('without --pdf: the PDF goes to a fresh private folder in the temp dir, named by the interview', async () => {
      const r = await cli(['mapping', 'preview', '--interview', done], env);
      expect(r.code).to.equal(0);
      const written = /\nPDF report written to (.+)\n$/.exec(r.stdout)?.[1] ?? '';
      expect(written).to.match(new RegExp(`^${tmpdir()}/mapping-preview-[A-Za-z0-9]{6}/${done}\\.pdf$`));
      expect(readFileSync(written).subarray(0, 5).toString()).to.equal('%PDF-');
      expect(statSync(written).mode & 0o777).to.equal(0o600);
      rmSync(dirname(written), { recursive: true, force: true });
    });

    it('under an edited profile file: the new grade and summary, marked as different; still nothing changes', async () => {
      const before = await snapshot();
      const r = await cli(['mapping', 'preview', '--interview', done, '--profile', join(dir, 'edited.yaml'), '--pdf', pdf, '--json'], env);
      expect(r.stderr).to.equal('');
      expect(r.code).to.equal(0);
      const v = JSON.parse(r.stdout) as { profile: string; status: string; sameAsCurrent: boolean; pdf: string; payload: { interview: { score: string; grade: string; summary: string } } };
      expect([v.profile, v.status, v.sameAsCurrent, v.pdf]).to.deep.equal([join(dir, 'edited.yaml'), 'completed', false, pdf]);
      expect(v.payload.interview).to.include({ score: '80', grade: 'passed', summary: 'Edited: Lakita answered 3.' });
      const human = await cli(['mapping', 'preview', '--interview', done, '--profile', join(dir, 'edited.yaml'), '--pdf', pdf], env);
      expect(human.stdout).to.include('\n  compared with the current payload: different: the bridge would send this one\n');
      expect(await snapshot()).to.deep.equal(before);
    });

    it('a pending interview: {status: pending}, no PDF; unknown ids and broken profiles exit 1', async () => {
      const before = await snapshot();
      const r = await cli(['mapping', 'preview', '--interview', pending], env);
      expect(r.code).to.equal(0);
      expect(r.stdout).to.include('  status:          pending\n');
      expect(r.stdout).to.include('\nWorkable payload:\n    {\n      "status": "pending"\n    }\n');
      expect(r.stdout.endsWith('\nNo PDF report: the profile attaches one to completed results only (report.enabled).\n')).to.equal(true);

      const unknown = await cli(['mapping', 'preview', '--interview', 'AAAAAAAAAAAAAAAAAAAAAA'], env);
      expect([unknown.code, unknown.stderr]).to.deep.equal([1, 'error: no interview with id "AAAAAAAAAAAAAAAAAAAAAA"\n']);
      writeFileSync(join(dir, 'broken.yaml'), 'grade: { passed_from: -1 }\n');
      const broken = await cli(['mapping', 'preview', '--interview', done, '--profile', join(dir, 'broken.yaml')], env);
      expect([broken.code, broken.stderr]).to.deep.equal([1, `error: the profile has 1 problem(s):\n  - ${dir}/broken.yaml: grade.passed_from must be a number between 0 and 100\n`]);
      const usage = await cli(['mapping', 'preview'], env);
      expect(usage.code).to.equal(2);
      expect(usage.stderr.split('\n')[0]).to.equal('error: --interview is required');
      expect(await snapshot()).to.deep.equal(before);
    });
  });
}
