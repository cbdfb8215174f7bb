import { rmSync } from 'node:fs';
import { expect } from 'chai';
import { call, interviewBody, startHarness } from '../../support/harness.js';
import type { Harness } from '../../support/harness.js';
import { startReceiver } from '../../support/receiver.js';
import type { Receiver } from '../../support/receiver.js';
import { cli } from '../../support/cli.js';
import { configDir } from '../../support/config.js';

describe('cli: poll', function () {
  this.timeout(40_000);
  let h: Harness;
  let receiver: Receiver;
  let dir: string;
  let env: Record<string, string>;

  before(async () => {
    receiver = await startReceiver(() => ({ status: 200 }));
    // No webhooks: only a poll can notice that the candidate finished.
    h = await startHarness('sqlite', { webhooks: false });
    const acme = h.config.accounts.find((a) => a.id === 'acme')!;
    dir = configDir({
      'bridge.yaml': 'callback_policy: { allow_local: true }\nlogging: { level: warn }\n',
      'accounts.yaml': `accounts:
  - id: acme
    name: ACME
    token_sha256: ["${acme.tokenSha256[0]}"]
    workable_token: { env: ACME_WORKABLE_TOKEN }
    upstream: { kind: hireflix, endpoint: "${h.acme.sandboxUrl}/me", api_key: { env: ACME_API_KEY } }
    webhooks: false
    mapping: hireflix
    default_country: US
`,
    });
    env = {
      CONFIG_DIR: dir,
      SQLITE_PATH: (h.config.store as { path: string }).path,
      ACME_WORKABLE_TOKEN: acme.workableToken,
      ACME_API_KEY: acme.upstream.apiKey,
    };
  });
  after(async () => {
    await h?.close();
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('polls the upstream, reconciles what changed and delivers it, as the scheduler would', async () => {
    const body = interviewBody('64f0c0ffee00000000000001', { callback_url: `${receiver.url}/interviews/42` });
    const created = await call(`${h.url}/interviews`, { token: h.acme.token, body });
    expect(created.status).to.equal(201);
    const email = (body.candidate as { email: string }).email;
    const up = (await call(`${h.acme.sandboxUrl}/_sandbox/interviews?email=${encodeURIComponent(email)}`)).body as Array<{ id: string }>;
    expect((await call(`${h.acme.sandboxUrl}/_sandbox/interviews/${up[0]!.id}/finish`, { body: { score: 3 } })).status).to.equal(200);

    const r = await cli(['poll', '--account', 'acme'], env);
    expect(r.code, r.stderr).to.equal(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).to.have.length(3);
    expect(lines[0]).to.match(/^poll acme: 1 changed upstream since \S+Z, 1 known to the bridge \(\d+ ms\)$/);
    expect(lines[1]).to.equal('reconcile: 1 reconciled, 1 queued for Workable, 0 failed, 0 skipped');
    expect(lines[2]).to.equal('deliver: 1 attempted, 1 delivered, 0 to retry, 0 dead, 0 skipped');
    expect(receiver.hits('/interviews/42')).to.have.length(1);
    const put = JSON.parse(receiver.hits('/interviews/42')[0]!.body) as { status: string; interview: { score: string } };
    expect([put.status, put.interview.score]).to.deep.equal(['completed', '60']);
    expect(receiver.hits('/interviews/42')[0]!.headers.authorization).to.equal(`Bearer ${env.ACME_WORKABLE_TOKEN}`);
  });

  it('an unreachable upstream: the poll says FAILED with the reason, and exits 1', async () => {
    const down = configDir({
      'bridge.yaml': 'logging: { level: silent }\n',
      'accounts.yaml': `accounts:
  - id: acme
    name: ACME
    token_sha256: ["${'a'.repeat(64)}"]
    workable_token: { env: ACME_WORKABLE_TOKEN }
    upstream: { kind: hireflix, endpoint: "http://127.0.0.1:9/me", api_key: { env: ACME_API_KEY }, timeout_ms: 2000 }
    webhooks: false
`,
    });
    try {
      const r = await cli(['poll'], { ...env, CONFIG_DIR: down });
      expect(r.code).to.equal(1);
      expect(r.stdout.split('\n')[0]).to.equal('poll acme: FAILED: Hireflix could not be reached while listing positions (ECONNREFUSED)');
    } finally {
      rmSync(down, { recursive: true, force: true });
    }
  });

  it('an unknown account exits 1', async () => {
    const r = await cli(['poll', '--account', 'nosuch'], env);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.equal('error: no account "nosuch" (configured: acme)\n');
  });
});
