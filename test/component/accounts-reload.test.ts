/**
 * accounts.yaml reloaded while running: the real bridge on a real configuration folder (a temp CONFIG_DIR,
 * the file rewritten as an operator would), real sandboxes and a real Workable stand-in, on both stores.
 * A valid change is in force without a restart (new account, rotated token, moved upstream, a secret file
 * re-read on SIGHUP's reload); an invalid one is logged with file and key and changes nothing; a removed
 * account's token is refused and it is not polled, but the result already in its outbox is delivered.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { readConfigSources } from '../../src/config/files.js';
import { parseConfig, sha256Hex } from '../../src/config/load.js';
import { outboxSize } from '../../src/domain/outbox.js';
import { startBridge } from '../../src/runtime.js';
import type { RunningBridge } from '../../src/runtime.js';
import { createHireflixSandbox } from '../../src/sandbox/hireflix/index.js';
import type { HireflixSandbox } from '../../src/sandbox/hireflix/index.js';
import { startReceiver } from '../support/receiver.js';
import type { Receiver } from '../support/receiver.js';
import { deleteRedisPrefix, REDIS_URL } from '../support/redis.js';
import { call, eventually, freePort, interviewBody, STORE_KINDS } from '../support/harness.js';

const REJECTED = 'accounts file rejected; the accounts in force stay in force';
const MAPPING = readFileSync(new URL('../../config/mappings/hireflix.yaml', import.meta.url), 'utf8');

interface Upstream {
  sandbox: HireflixSandbox;
  url: string;
  key: string;
}

async function upstream(positions: string[]): Promise<Upstream> {
  const key = `key-${randomUUID()}`;
  const sandbox = createHireflixSandbox({ apiKey: key, webhookSecret: 'whsec-0123456789abcdef', positions: positions.map((name) => ({ name })) });
  return { sandbox, url: await sandbox.listen(0, '127.0.0.1'), key };
}

const account = (id: string, tokens: string[], endpoint: string, apiKeyEnv: string, workableToken: string): string => `
  - id: ${id}
    name: ${id}
    token_sha256: [${tokens.map(sha256Hex).join(', ')}]
    workable_token: ${workableToken}
    upstream: { kind: hireflix, endpoint: "${endpoint}/me", api_key: { env: ${apiKeyEnv} }, timeout_ms: 2000 }
    webhooks: false
`;

for (const kind of STORE_KINDS) {
  describe(`accounts.yaml reloaded without a restart (${kind})`, function () {
    this.timeout(60_000);
    let dir: string;
    let bridge: RunningBridge;
    let acmeA: Upstream;
    let acmeB: Upstream;
    let globexUp: Upstream;
    let receiver: Receiver;
    const logs: Array<Record<string, unknown>> = [];
    const raw: string[] = [];
    const prefix = `test-reload-${process.pid}-${randomUUID().slice(0, 8)}`;
    const tok = { acme: `tok-acme-${randomBytes(12).toString('base64url')}`, acme2: `tok-acme2-${randomBytes(12).toString('base64url')}`, globex: `tok-globex-${randomBytes(12).toString('base64url')}` };
    const globexCallbackToken = `wk-globex-${randomUUID()}`;
    let env: Record<string, string>;
    let file: string;
    let tokenFile: string;

    const count = (msg: string): number => logs.filter((l) => l.msg === msg).length;
    /** Rewrites accounts.yaml and waits until the watcher has dealt with it (`msg` logged once more). */
    async function rewrite(text: string, msg: 'accounts reloaded' | typeof REJECTED): Promise<Record<string, unknown>> {
      const before = count(msg);
      writeFileSync(file, text);
      await eventually(() => count(msg) > before, msg);
      return logs.filter((l) => l.msg === msg).at(-1)!;
    }
    const templates = async (token: string) => call(`${bridge.url}/interview-templates`, { token });
    const names = (body: unknown): string[] => (body as { interview_templates: Array<{ name: string }> }).interview_templates.map((t) => t.name).sort();

    before(async () => {
      [acmeA, acmeB, globexUp] = await Promise.all([upstream(['Acme A']), upstream(['Acme B']), upstream(['Globex Analyst'])]);
      receiver = await startReceiver(() => ({ status: 200 }));
      dir = mkdtempSync(join(tmpdir(), 'wvb-reload-'));
      mkdirSync(join(dir, 'mappings'));
      writeFileSync(join(dir, 'mappings/hireflix.yaml'), MAPPING);
      const port = await freePort();
      writeFileSync(join(dir, 'bridge.yaml'), `server: { host: 127.0.0.1, port: ${port}, public_base_url: "http://127.0.0.1:${port}" }\ncallback_policy: { allow_local: true }\nlogging: { level: debug, pretty: false }\n`);
      tokenFile = join(dir, 'acme-workable-token');
      writeFileSync(tokenFile, 'wk-acme-from-file-0001\n');
      file = join(dir, 'accounts.yaml');
      writeFileSync(file, `accounts:${account('acme', [tok.acme], acmeA.url, 'ACME_A_KEY', `{ file: ${tokenFile} }`)}`);
      env = {
        ACME_A_KEY: acmeA.key,
        ACME_B_KEY: acmeB.key,
        GLOBEX_KEY: globexUp.key,
        GLOBEX_WK: globexCallbackToken,
        ...(kind === 'redis' ? { REDIS_URL, REDIS_PREFIX: prefix } : { SQLITE_PATH: join(dir, 'bridge.sqlite') }),
      };
      const parsed = parseConfig({ ...readConfigSources(dir, env, { inboundToken: 'x', workableToken: 'x', apiKey: 'x', webhookSecret: 'x' }), stdoutIsTTY: false });
      if (!parsed.config) throw new Error(parsed.problems.join('\n'));
      const sink = new Writable({
        write(chunk: Buffer, _enc, cb) {
          for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
            raw.push(line);
            logs.push(JSON.parse(line) as Record<string, unknown>);
          }
          cb();
        },
      });
      bridge = await startBridge(parsed.config, { configDir: dir, watchAccounts: true, env, scheduler: false, logDestination: sink });
    });
    after(async () => {
      await bridge?.shutdown();
      for (const u of [acmeA, acmeB, globexUp]) await u?.sandbox.close();
      await receiver?.close();
      if (kind === 'redis') await deleteRedisPrefix(REDIS_URL, prefix);
      rmSync(dir, { recursive: true, force: true });
    });

    it('a new account is served as soon as the file is saved', async () => {
      expect((await templates(tok.globex)).status).to.equal(401);
      const log = await rewrite(
        `accounts:${account('acme', [tok.acme], acmeA.url, 'ACME_A_KEY', `{ file: ${tokenFile} }`)}${account('globex', [tok.globex], globexUp.url, 'GLOBEX_KEY', '{ env: GLOBEX_WK }')}`,
        'accounts reloaded',
      );
      expect(log).to.deep.include({ file, accounts: ['acme', 'globex'], added: ['globex'], removed: [], changed: [] });
      const res = await templates(tok.globex);
      expect([res.status, names(res.body)]).to.deep.equal([200, ['Globex Analyst']]);
      expect(names((await templates(tok.acme)).body)).to.deep.equal(['Acme A']);
    });

    it('an invalid file is logged with file and key, and the accounts in force stay in force', async () => {
      const log = await rewrite(
        `accounts:${account('acme', [tok.acme], acmeA.url, 'ACME_A_KEY', `{ file: ${tokenFile} }`)}${account('globex', [tok.globex], globexUp.url, 'NO_SUCH_VAR', 'wk-written-in-yaml')}`,
        REJECTED,
      );
      expect(log.problems).to.deep.equal([
        `${file}: accounts.1.workable_token: must be {env: VARIABLE} or {file: /path}, naming where the secret is; secrets are never written in YAML`,
      ]);
      expect(logs.filter((l) => l.msg === 'accounts file problem').at(-1)).to.deep.include({ file, problem: (log.problems as string[])[0] });
      // Not YAML at all: one problem, the same outcome.
      const broken = await rewrite('accounts:\n  - id: acme\n   name: [', REJECTED);
      expect((broken.problems as string[]).map((p) => p.split(': not valid YAML')[0])).to.deep.equal([file]);
      expect((await templates(tok.globex)).status).to.equal(200);
      expect((await templates(tok.acme)).status).to.equal(200);
    });

    it('a rotated token and a moved upstream take effect: the new token and credentials are used, the old token is refused', async () => {
      const log = await rewrite(
        `accounts:${account('acme', [tok.acme2], acmeB.url, 'ACME_B_KEY', `{ file: ${tokenFile} }`)}${account('globex', [tok.globex], globexUp.url, 'GLOBEX_KEY', '{ env: GLOBEX_WK }')}`,
        'accounts reloaded',
      );
      expect(log).to.deep.include({ added: [], removed: [], changed: ['acme'] });
      expect((await templates(tok.acme)).body).to.deep.equal({ status: 401, message: 'Invalid Token' });
      const res = await templates(tok.acme2);
      // Not the cached list of the old upstream: the new endpoint with the new key.
      expect([res.status, names(res.body)]).to.deep.equal([200, ['Acme B']]);
    });

    it('a secret file changed in place is read again on reload (SIGHUP), and its value is scrubbed from logs', async () => {
      const newToken = `wk-acme-rotated-${randomUUID()}`;
      writeFileSync(tokenFile, `${newToken}\n`);
      expect(await bridge.reloadAccounts()).to.equal(true);
      expect(bridge.container.accountById('acme')?.workableToken).to.equal(newToken);
      bridge.logger.info({ note: `quoting ${newToken}` }, 'a line that quotes the new secret');
      await eventually(() => raw.some((l) => l.includes('a line that quotes')), 'the line');
      expect(raw.join('\n')).to.not.include(newToken);
    });

    it('a removed account: its token is refused, it is not polled, its webhooks are unknown, but its pending result is delivered', async () => {
      const body = interviewBody('x', { callback_url: `${receiver.url}/interviews/globex-1` });
      const tpl = (await templates(tok.globex)).body as { interview_templates: Array<{ id: string }> };
      body.interview_template_id = tpl.interview_templates[0]!.id;
      const created = await call(`${bridge.url}/interviews`, { token: tok.globex, body });
      expect(created.status).to.equal(201);
      const email = (body.candidate as { email: string }).email;
      const up = (await call(`${globexUp.url}/_sandbox/interviews?email=${encodeURIComponent(email)}`)).body as Array<{ id: string }>;
      expect((await call(`${globexUp.url}/_sandbox/interviews/${up[0]!.id}/finish`, { body: { score: 4 } })).status).to.equal(200);
      await bridge.scheduler.pollNow('globex');
      expect((await bridge.scheduler.reconcileNow()).enqueued).to.equal(1);
      expect(await outboxSize(bridge.container.store)).to.equal(1);

      const log = await rewrite(`accounts:${account('acme', [tok.acme2], acmeB.url, 'ACME_B_KEY', `{ file: ${tokenFile} }`)}`, 'accounts reloaded');
      expect(log).to.deep.include({ accounts: ['acme'], added: [], removed: ['globex'], changed: [] });
      expect((await templates(tok.globex)).body).to.deep.equal({ status: 401, message: 'Invalid Token' });
      expect((await bridge.scheduler.pollNow()).map((p) => p.accountId)).to.deep.equal(['acme']);
      const hook = await call(`${bridge.url}/webhooks/hireflix/globex`, { body: {} });
      expect(hook.status).to.equal(404);

      const delivered = await bridge.scheduler.deliverNow();
      expect([delivered.delivered, delivered.dead]).to.deep.equal([1, 0]);
      const put = receiver.hits('/interviews/globex-1');
      expect(put).to.have.length(1);
      expect(put[0]!.headers.authorization).to.equal(`Bearer ${globexCallbackToken}`);
      expect((JSON.parse(put[0]!.body) as { status: string }).status).to.equal('completed');
      expect(await outboxSize(bridge.container.store)).to.equal(0);
    });
  });
}
