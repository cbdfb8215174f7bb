/**
 * `cli doctor` in process (runCli with a captured Io) against real sandboxes on ephemeral ports: the
 * zero-config start passes; a wrong key (401, and a GraphQL error inside a 200), a schema that lacks a
 * field the adapter uses, and a missing webhook each fail with exit 1 and are named; --register-webhooks
 * creates the webhook the sandbox then delivers to.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../../src/cli/context.js';
import type { CheckResult } from '../../../src/cli/doctor/checks.js';
import { runCli } from '../../../src/cli/run.js';
import { startBridge, type RunningBridge } from '../../../src/runtime.js';
import { createHireflixSandbox, type HireflixSandbox } from '../../../src/sandbox/hireflix/index.js';
import { createVervoeSandbox } from '../../../src/sandbox/vervoe/index.js';
import { HIREFLIX_SDL } from '../../../src/sandbox/hireflix/schema.js';
import { createStore } from '../../../src/store/index.js';
import { HIREFLIX_WEBHOOK_EVENTS } from '../../../src/upstreams/hireflix/webhookApi.js';
import { call, eventually, freePort } from '../../support/harness.js';
import { deleteRedisPrefix, REDIS_URL } from '../../support/redis.js';
import { readRedisSafety } from '../../../src/store/safety.js';
import { ROOT } from '../../support/cli.js';
import { configDir } from '../../support/config.js';
import { readFileSync } from 'node:fs';

interface Outcome {
  code: number;
  out: string;
  err: string;
}

async function doctor(argv: string[], env: Record<string, string>): Promise<Outcome> {
  let out = '';
  let err = '';
  const code = await runCli(['doctor', ...argv], { out: (t) => (out += t.endsWith('\n') ? t : `${t}\n`), err: (t) => (err += t), env });
  return { code, out, err };
}

interface Report {
  ok: boolean;
  mode: string;
  checks: CheckResult[];
}

async function doctorJson(argv: string[], env: Record<string, string>): Promise<{ code: number; report: Report }> {
  const r = await doctor([...argv, '--json'], env);
  return { code: r.code, report: JSON.parse(r.out) as Report };
}

const byCheck = (report: Report, check: string, account: string | null = 'acme'): CheckResult | undefined =>
  report.checks.find((c) => c.check === check && c.account === account);

const PUBLIC = 'https://bridge.example.com';
const HOOK_URL = `${PUBLIC}/webhooks/hireflix/acme`;

/** A configured-mode folder with one Hireflix account on `endpoint`, and an existing SQLite store. */
async function configured(endpoint: string, extra: { bridgeYaml?: string; webhooks?: boolean } = {}) {
  const data = mkdtempSync(join(tmpdir(), 'wvb-doctor-'));
  const sqlite = join(data, 'bridge.sqlite');
  const store = await createStore({ kind: 'sqlite', path: sqlite });
  await store.close();
  const dir = configDir({
    'bridge.yaml': `server: { public_base_url: "${PUBLIC}" }\nlogging: { level: warn }\n${extra.bridgeYaml ?? ''}`,
    'accounts.yaml': `accounts:
  - id: acme
    name: ACME
    token_sha256: ["${'a'.repeat(64)}"]
    workable_token: { env: ACME_WORKABLE_TOKEN }
    upstream: { kind: hireflix, endpoint: "${endpoint}", api_key: { env: ACME_API_KEY }, webhook_secret: { env: ACME_WEBHOOK_SECRET }, timeout_ms: 3000 }
    webhooks: ${extra.webhooks ?? true}
    mapping: hireflix
    default_country: US
`,
  });
  return { dir, data, sqlite };
}

describe('cli: doctor', function () {
  this.timeout(30_000);
  const cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  async function sandbox(opts: Parameters<typeof createHireflixSandbox>[0] = {}): Promise<HireflixSandbox> {
    const sb = createHireflixSandbox({ apiKey: 'sandbox-key-acme', webhookSecret: 'whsec-acme-0123456789', ...opts });
    await sb.listen(0, '127.0.0.1');
    cleanup.push(() => sb.close());
    return sb;
  }

  async function setup(sb: HireflixSandbox, env: Record<string, string> = {}, extra: Parameters<typeof configured>[1] = {}) {
    const c = await configured(sb.endpoint(), extra);
    cleanup.push(() => {
      rmSync(c.dir, { recursive: true, force: true });
      rmSync(c.data, { recursive: true, force: true });
    });
    return {
      CONFIG_DIR: c.dir,
      SQLITE_PATH: c.sqlite,
      ACME_WORKABLE_TOKEN: 'wk-callback-token-0001',
      ACME_API_KEY: 'sandbox-key-acme',
      ACME_WEBHOOK_SECRET: 'whsec-acme-0123456789',
      ...env,
    };
  }

  it('exits 0 against the zero-config start (sandbox mode, webhook registered at start-up)', async () => {
    const data = mkdtempSync(join(tmpdir(), 'wvb-doctor-zero-'));
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, 'sandbox-credentials.json'), JSON.stringify({ inboundToken: 'in-token-0123456789', workableToken: 'wk-token-0123456789', apiKey: 'key-0123456789', webhookSecret: 'secret-0123456789' }));
    const dir = configDir();
    const env = { CONFIG_DIR: dir, SQLITE_PATH: join(data, 'bridge.sqlite'), PORT: String(await freePort()), SANDBOX_PORT: String(await freePort()), LOG_LEVEL: 'warn' };
    const bridge: RunningBridge = await startBridge(loadConfig(env), { scheduler: false });
    cleanup.push(async () => {
      await bridge.shutdown();
      rmSync(dir, { recursive: true, force: true });
      rmSync(data, { recursive: true, force: true });
    });

    const human = await doctor([], env);
    expect(human.code, human.out + human.err).to.equal(0);
    expect(human.out).to.match(/^Go-live doctor \(sandbox mode, public_base_url http:\/\/127\.0\.0\.1:\d+\)\n/);
    expect(human.out).to.include('All checks passed: the bridge is ready for Workable.');

    const { code, report } = await doctorJson([], env);
    expect(code).to.equal(0);
    expect(report.ok).to.equal(true);
    expect(report.mode).to.equal('sandbox');
    expect(report.checks.map((c) => [c.check, c.account, c.status])).to.deep.equal([
      ['public_base_url', null, 'skip'],
      ['store', null, 'pass'],
      ['credentials', 'demo', 'pass'],
      ['schema', 'demo', 'pass'],
      ['webhook', 'demo', 'pass'],
      ['webhook_secret', 'demo', 'pass'],
      ['callback_token', 'demo', 'pass'],
    ]);
    expect(byCheck(report, 'webhook', 'demo')!.message).to.equal(`webhook registered for http://127.0.0.1:${env.PORT}/webhooks/hireflix/demo (id wh_sandbox)`);
    // Secrets are shown by their last four characters at most.
    expect(JSON.stringify(report)).to.not.include('secret-0123456789').and.not.include('wk-token-0123456789');
  });

  it('a wrong key the upstream refuses with 401: exit 1, named, and the other upstream checks skipped', async () => {
    const sb = await sandbox();
    const env = await setup(sb, { ACME_API_KEY: 'wrong-key' });
    const human = await doctor([], env);
    expect(human.code).to.equal(1);
    expect(human.out).to.match(/FAIL {2}acme {7}credentials {7}hireflix refused the API key: Hireflix refused the API key while listing positions \(HTTP 401\)\n/);
    expect(human.out).to.include("fix: put the account's current hireflix API key in the env var or file that accounts.yaml names under upstream.api_key, then apply it: a secret file is re-read on SIGHUP, an environment variable needs a restart");
    expect(human.out).to.include('1 problem(s) found: fix them before pointing Workable at the bridge.');
    const { code, report } = await doctorJson([], env);
    expect(code).to.equal(1);
    expect(report.ok).to.equal(false);
    expect(byCheck(report, 'credentials')!.status).to.equal('fail');
    expect(byCheck(report, 'webhook')).to.deep.equal({ check: 'webhook', account: 'acme', status: 'skip', message: 'not checked: the credentials check failed' });
    expect(byCheck(report, 'schema')).to.equal(undefined);
  });

  it('a wrong key reported as a GraphQL error inside a 200 is a bad key too', async () => {
    const server: Server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ data: null, errors: [{ message: 'Invalid API key' }] }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
    const c = await configured(`http://127.0.0.1:${(server.address() as AddressInfo).port}/me`);
    cleanup.push(() => rmSync(c.dir, { recursive: true, force: true }));
    const env = { CONFIG_DIR: c.dir, SQLITE_PATH: c.sqlite, ACME_WORKABLE_TOKEN: 'wk-callback-token-0001', ACME_API_KEY: 'k', ACME_WEBHOOK_SECRET: 's' };
    const { code, report } = await doctorJson([], env);
    expect(code).to.equal(1);
    expect(byCheck(report, 'credentials')).to.include({ status: 'fail', message: 'hireflix refused the API key: Hireflix refused the API key while listing positions (Invalid API key)' });
  });

  it('a live schema lacking a field the adapter uses: exit 1, each mismatch named by document', async () => {
    const sdl = HIREFLIX_SDL.replace(/\n {2}discardedAt: Float\n/, '\n');
    expect(sdl).to.not.equal(HIREFLIX_SDL);
    const sb = await sandbox({ sdl });
    sb.state.webhooks.configure({ url: HOOK_URL });
    const env = await setup(sb);
    const { code, report } = await doctorJson([], env);
    expect(code).to.equal(1);
    const schema = byCheck(report, 'schema')!;
    expect(schema.status).to.equal('fail');
    expect(schema.problems).to.include('GetInterview: Cannot query field "discardedAt" on type "InterviewType".');
    expect(schema.problems).to.include('ArchiveInterview: Cannot query field "discardedAt" on type "InterviewType".');
    expect(schema.message).to.equal(`${schema.problems!.length} mismatch(es) between the adapter's documents and the live hireflix schema`);
    expect(byCheck(report, 'webhook')!.status).to.equal('pass');
    const human = await doctor([], env);
    expect(human.out).to.include('- GetInterview: Cannot query field "discardedAt" on type "InterviewType".');
  });

  it('either interviewList shape passes the schema check (the adapter falls back between them); neither fails it', async () => {
    for (const [interviewListShape, introspection] of [['arguments', true], ['arguments', false], ['input', true]] as const) {
      const sb = await sandbox({ interviewListShape, introspection });
      sb.state.webhooks.configure({ url: HOOK_URL });
      const r = await doctorJson([], await setup(sb));
      expect(byCheck(r.report, 'schema')!.status, `${interviewListShape}, introspection ${introspection}`).to.equal('pass');
      expect(r.code).to.equal(0);
    }
    const sb = await sandbox({ sdl: HIREFLIX_SDL.replace(/interviewList\(input: InterviewListInput!\)/, 'interviewList(page: Int)') });
    sb.state.webhooks.configure({ url: HOOK_URL });
    const r = await doctorJson([], await setup(sb));
    expect(r.code).to.equal(1);
    const problems = byCheck(r.report, 'schema')!.problems!;
    expect(problems).to.include('ChangedInterviews: Unknown argument "input" on field "PositionType.interviewList".');
    expect(problems).to.include('ChangedInterviewsArgs: Unknown argument "pagination" on field "PositionType.interviewList".');
  });

  it('introspection refused: each read query runs once instead, and a missing field is still named', async () => {
    const ok = await sandbox({ introspection: false });
    ok.state.webhooks.configure({ url: HOOK_URL });
    const good = await doctorJson([], await setup(ok));
    expect(good.code).to.equal(0);
    expect(byCheck(good.report, 'schema')!.message).to.match(/^introspection is refused, so each of the \d+ read queries ran once with harmless arguments \(mutations were not checked\)$/);
    expect(ok.state.stats.byOperation.GetInterview).to.equal(1);
    expect(ok.state.stats.byOperation.ArchiveInterview).to.equal(undefined);

    const bad = await sandbox({ introspection: false, sdl: HIREFLIX_SDL.replace(/\n {2}discardedAt: Float\n/, '\n') });
    bad.state.webhooks.configure({ url: HOOK_URL });
    const r = await doctorJson([], await setup(bad));
    expect(r.code).to.equal(1);
    expect(byCheck(r.report, 'schema')!.problems).to.deep.equal(['GetInterview: Cannot query field "discardedAt" on type "InterviewType".']);
  });

  it('no webhook registered: exit 1 with the fix; --register-webhooks creates it, and the sandbox then delivers to it', async () => {
    const sb = await sandbox();
    const env = await setup(sb);
    const before = await doctorJson([], env);
    expect(before.code).to.equal(1);
    expect(byCheck(before.report, 'webhook')).to.deep.equal({
      check: 'webhook',
      account: 'acme',
      status: 'fail',
      message: `no webhook registered for ${HOOK_URL} (the account has none)`,
      fix: "run: npm run cli -- doctor --account acme --register-webhooks (or add the webhook in hireflix's settings)",
    });
    expect(before.report.checks.filter((c) => c.status === 'fail').map((c) => c.check)).to.deep.equal(['webhook']);

    const reg = await doctor(['--register-webhooks'], env);
    expect(reg.code, reg.out).to.equal(0);
    expect(reg.out).to.match(new RegExp(`ok {4}acme {7}webhook {11}webhook created for ${HOOK_URL.replace(/\./g, '\\.')} \\(id wh_1, events interview\\.create,`));
    const hooks = sb.state.webhooks.list();
    expect(hooks).to.deep.equal([{ id: 'wh_1', url: HOOK_URL, events: [...HIREFLIX_WEBHOOK_EVENTS], active: true, external: 'workable-video-bridge', owner: 'sandbox' }]);

    // Idempotent: a second registration changes nothing; the plain check passes.
    const again = await doctorJson(['--register-webhooks'], env);
    expect(byCheck(again.report, 'webhook')!.message).to.match(/^webhook unchanged for /);
    expect(sb.state.webhooks.list()).to.have.length(1);
    const after = await doctorJson([], env);
    expect([after.code, byCheck(after.report, 'webhook')!.status]).to.deep.equal([0, 'pass']);

    // The registered webhook is live: an invitation's event goes to it.
    const receiver = createServer((req, res) => {
      req.resume();
      res.end('ok');
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise<void>((r) => receiver.close(() => r())));
    const local = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/hireflix/acme`;
    sb.state.webhooks.update('wh_1', { url: local });
    const position = sb.state.store.positions().find((p) => p.archived === null)!;
    sb.state.store.invite({ positionId: position.id, externalId: 'x1', candidate: { email: 'doc@example.com', firstName: 'D', lastName: 'Oc' } });
    const delivered = await eventually(() => sb.state.webhooks.deliveries().find((d) => d.url === local && d.status === 200), 'a delivery to the registered webhook');
    expect(delivered.event).to.equal('interview.create');
  });

  it('an inactive webhook or one missing events is re-enabled by --register-webhooks', async () => {
    const sb = await sandbox();
    const env = await setup(sb);
    const hook = sb.state.webhooks.create({ url: HOOK_URL, events: ['interview.finish'] });
    sb.state.webhooks.update(hook.id, { active: false });
    const { code, report } = await doctorJson([], env);
    expect(code).to.equal(1);
    expect(byCheck(report, 'webhook')!.message).to.equal(
      `the webhook for ${HOOK_URL} (id ${hook.id}) is inactive, missing events interview.create, interview.status-change, interview.delete, interview.score-updated`,
    );
    const reg = await doctorJson(['--register-webhooks'], env);
    expect(reg.code).to.equal(0);
    expect(byCheck(reg.report, 'webhook')!.message).to.match(/^webhook updated for /);
    expect(sb.state.webhooks.list()[0]).to.include({ id: hook.id, active: true });
    expect(sb.state.webhooks.list()[0]!.events).to.have.members([...HIREFLIX_WEBHOOK_EVENTS]);
  });

  it('a configured webhook secret that is not the upstream signing key: exit 1, both masked', async () => {
    const sb = await sandbox();
    sb.state.webhooks.configure({ url: HOOK_URL });
    const env = await setup(sb, { ACME_WEBHOOK_SECRET: 'not-the-right-secret-zzzz' });
    const human = await doctor([], env);
    expect(human.code).to.equal(1);
    expect(human.out).to.include('the configured webhook secret (…zzzz) is not the key hireflix signs with (…6789): every webhook will be refused');
    expect(human.out).to.include("fix: copy the key from hireflix (Profile → Webhooks → Reveal key) into the env var or file that accounts.yaml names under this account's upstream.webhook_secret");
    expect(human.out).to.not.include('whsec-acme-0123456789').and.not.include('not-the-right-secret-zzzz');
  });

  it('configured mode: an http or localhost public_base_url fails; webhooks: false skips the webhook check', async () => {
    const sb = await sandbox();
    for (const [base, why] of [
      ['http://bridge.example.com', 'is not https'],
      ['https://localhost:3000', 'names a local host that Workable and the upstream cannot reach'],
    ] as const) {
      const env = await setup(sb, { PUBLIC_BASE_URL: base }, { webhooks: false });
      const { code, report } = await doctorJson([], env);
      expect(code).to.equal(1);
      expect(byCheck(report, 'public_base_url', null)).to.include({ status: 'fail', message: `public_base_url ${base} ${why}` });
      expect(byCheck(report, 'webhook')).to.include({ status: 'skip', message: 'webhooks: false, the poller alone notices changes' });
    }
    // Not set at all: the local default is named as a default, not as a chosen http address.
    const env = await setup(sb, {}, { webhooks: false });
    writeFileSync(join(env.CONFIG_DIR, 'bridge.yaml'), 'logging: { level: warn }\n');
    const { code, report } = await doctorJson([], env);
    expect(code).to.equal(1);
    expect(byCheck(report, 'public_base_url', null)).to.deep.equal({
      check: 'public_base_url',
      account: null,
      status: 'fail',
      message: 'public_base_url is not set: report links and webhook URLs use http://localhost:3000, which Workable and the upstream cannot reach',
      fix: 'set server.public_base_url in config/bridge.yaml (or PUBLIC_BASE_URL) to the public https address of the bridge, e.g. https://bridge.example.com',
    });
  });

  it('Redis: reads maxmemory-policy (noeviction passes); a missing SQLite file fails', async () => {
    const sb = await sandbox();
    sb.state.webhooks.configure({ url: HOOK_URL });
    const prefix = `test-doctor-${process.pid}-${Date.now()}`;
    cleanup.push(() => deleteRedisPrefix(REDIS_URL, prefix));
    const env = await setup(sb, { REDIS_URL, REDIS_PREFIX: prefix });
    const { code, report } = await doctorJson([], env);
    expect(code, JSON.stringify(report)).to.equal(0);
    expect(byCheck(report, 'store', null)).to.include({ status: 'pass', message: `the redis (prefix ${prefix}) store answers` });
    expect(byCheck(report, 'store_eviction', null)).to.include({ status: 'pass', message: 'Redis maxmemory-policy is noeviction' });
    // Persistence is a warning (a managed Redis may replicate instead), read the way the bridge reads it at start-up.
    const safety = await readRedisSafety(REDIS_URL);
    const persists = safety.appendonly === 'yes' || (safety.save !== 'unknown' && safety.save.trim() !== '');
    expect(byCheck(report, 'store_persistence', null)).to.include(persists
      ? { status: 'pass' }
      : { status: 'warn', message: 'Redis persistence is off (appendonly no, no save points): a Redis restart loses every pending result and interview' });

    const missing = await doctorJson([], { ...(await setup(sb)), SQLITE_PATH: '/nonexistent/bridge.sqlite' });
    expect(missing.code).to.equal(1);
    expect(byCheck(missing.report, 'store', null)).to.include({ status: 'fail', message: 'no SQLite store at /nonexistent/bridge.sqlite' });
  });

  it('Vervoe: credentials checked; webhooks cannot be listed over its API, so doctor says where to set them', async () => {
    const vs = createVervoeSandbox({ apiKey: 'vk-0123456789', secretKey: 'vs-0123456789' });
    await vs.listen(0, '127.0.0.1');
    cleanup.push(() => vs.close());
    const c = await configured('http://unused.invalid/me');
    cleanup.push(() => {
      rmSync(c.dir, { recursive: true, force: true });
      rmSync(c.data, { recursive: true, force: true });
    });
    writeFileSync(join(c.dir, 'mappings/vervoe.yaml'), readFileSync(join(ROOT, 'config/mappings/vervoe.yaml'), 'utf8'));
    writeFileSync(
      join(c.dir, 'accounts.yaml'),
      `accounts:
  - id: initech
    name: Initech
    token_sha256: ["${'a'.repeat(64)}"]
    workable_token: { env: ACME_WORKABLE_TOKEN }
    upstream: { kind: vervoe, base_url: "${vs.apiBase()}", api_key: { env: VK }, secret_key: { env: VS }, webhook_secret: { env: VW } }
    mapping: vervoe
    default_country: US
`,
    );
    const env = { CONFIG_DIR: c.dir, SQLITE_PATH: c.sqlite, ACME_WORKABLE_TOKEN: 'wk-callback-token-0001', VK: 'vk-0123456789', VS: 'vs-0123456789', VW: 'vervoe-whsec-abcd' };
    const { code, report } = await doctorJson([], env);
    expect(code, JSON.stringify(report)).to.equal(0);
    expect(report.checks.filter((x) => x.account === 'initech').map((x) => [x.check, x.status])).to.deep.equal([
      ['credentials', 'pass'],
      ['webhook', 'skip'],
      ['webhook_secret', 'pass'],
      ['callback_token', 'pass'],
    ]);
    expect(byCheck(report, 'webhook', 'initech')!.message).to.equal(
      "vervoe's API cannot list or create webhooks: set https://bridge.example.com/webhooks/vervoe/initech in Vervoe's dashboard (API webhook settings)",
    );
    const reg = await doctorJson(['--register-webhooks'], env);
    expect(byCheck(reg.report, 'webhook', 'initech')).to.include({ status: 'warn', fix: "open Vervoe's dashboard (API webhook settings) and set the URL by hand" });
    const wrong = await doctorJson([], { ...env, VS: 'wrong' });
    expect(wrong.code).to.equal(1);
    expect(byCheck(wrong.report, 'credentials', 'initech')!.message).to.match(/^vervoe refused the API key: /);
  });

  it('usage: an unknown account exits 1, an unknown option 2', async () => {
    const sb = await sandbox();
    const env = await setup(sb);
    const r = await doctor(['--account', 'nosuch'], env);
    expect([r.code, r.err]).to.deep.equal([1, 'error: no account "nosuch" (configured: acme)']);
    const u = await doctor(['--bogus'], env);
    expect(u.code).to.equal(2);
    expect(u.err).to.match(/^error: Unknown option '--bogus'/);
  });

  it('the sandbox webhook API answers over GraphQL as the adapter expects', async () => {
    const sb = await sandbox();
    const post = (query: string, variables: Record<string, unknown> = {}) =>
      call(`${sb.endpoint()}`, { body: { query, variables }, headers: { 'x-api-key': 'sandbox-key-acme' } });
    const created = await post('mutation { createWebhook(url: "https://x.example/h", events: ["interview.finish"]) { id url events active external } }');
    expect(created.status).to.equal(200);
    expect(created.body).to.deep.equal({ data: { createWebhook: { id: 'wh_1', url: 'https://x.example/h', events: ['interview.finish'], active: true, external: null } } });
    const secret = await post('{ webhookSecretKey { value } }');
    expect(secret.body).to.deep.equal({ data: { webhookSecretKey: { value: 'whsec-acme-0123456789' } } });
    const unknown = await post('mutation { updateWebhook(id: "nope", active: false) { id } }');
    expect(unknown.body).to.deep.equal({ data: { updateWebhook: null } });
  });
});
