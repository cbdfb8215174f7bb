import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { sha256Hex } from '../../src/config/load.js';
import { createHireflixSandbox } from '../../src/sandbox/hireflix/index.js';
import { startReceiver } from '../support/receiver.js';
import { call, freePort, interviewBody } from '../support/harness.js';

const ROOT = new URL('../..', import.meta.url).pathname;

async function waitReady(url: string, child: ChildProcess, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`bridge exited with ${child.exitCode}`);
    try {
      if ((await call(`${url}/readyz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('bridge did not become ready');
}

describe('crash safety: SIGKILL between knowing the result and Workable having it', function () {
  this.timeout(90000);

  it('delivers the result after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wvb-crash-'));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const token = `tok-${randomUUID()}`;
    const sandbox = createHireflixSandbox({ webhookUrl: `${url}/webhooks/hireflix/acme` });
    const sandboxUrl = await sandbox.listen(0, '127.0.0.1');
    // Workable holds the first PUT open (the bridge is killed while it waits), then accepts.
    let hold = true;
    const receiver = await startReceiver(() => (hold ? { status: 200, delayMs: 60_000 } : { status: 200 }));
    mkdirSync(join(dir, 'config', 'mappings'), { recursive: true });
    copyFileSync(join(ROOT, 'config/mappings/hireflix.yaml'), join(dir, 'config/mappings/hireflix.yaml'));
    writeFileSync(
      join(dir, 'config/bridge.yaml'),
      `server: { host: 127.0.0.1, port: ${port}, public_base_url: "${url}" }
callback_policy: { allow_local: true }
delivery: { timeout_ms: 30000, base_delay_ms: 50, max_delay_ms: 200, interval_ms: 100 }
logging: { level: info, pretty: false }
`,
    );
    writeFileSync(
      join(dir, 'config/accounts.yaml'),
      `accounts:
  - id: acme
    name: ACME
    token_sha256: ["${sha256Hex(token)}"]
    workable_token: { env: ACME_WK }
    upstream: { kind: hireflix, endpoint: "${sandboxUrl}/me", api_key: { env: ACME_KEY }, webhook_secret: { env: ACME_WH }, timeout_ms: 3000 }
`,
    );
    const env = { ...process.env, CONFIG_DIR: join(dir, 'config'), SQLITE_PATH: join(dir, 'data/bridge.sqlite'), ACME_WK: 'wk-token', ACME_KEY: sandbox.apiKey, ACME_WH: sandbox.webhookSecret, LOG_PRETTY: '0' };
    const start = () => spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
    let bridge = start();
    try {
      await waitReady(url, bridge);
      const t = await call(`${url}/interview-templates`, { token });
      const templateId = (t.body as { interview_templates: Array<{ id: string }> }).interview_templates[0]!.id;
      const path = `/interviews/${randomUUID()}`;
      const created = await call(`${url}/interviews`, { token, body: interviewBody(templateId, { callback_url: `${receiver.url}${path}` }) });
      const id = (created.body as { interview_id: string }).interview_id;
      const [upstream] = (await call(`${sandboxUrl}/_sandbox/interviews?externalId=${id}`)).body as Array<{ id: string }>;
      await call(`${sandboxUrl}/_sandbox/interviews/${upstream!.id}/finish`, { body: { score: 4.5 } });

      // The PUT is in flight: the bridge knows the result, Workable does not have it yet.
      for (let i = 0; receiver.hits(path).length === 0; i++) {
        if (i > 200) throw new Error('no PUT arrived');
        await new Promise((r) => setTimeout(r, 50));
      }
      bridge.kill('SIGKILL');
      await new Promise((r) => bridge.once('exit', r));
      hold = false;

      bridge = start();
      await waitReady(url, bridge);
      for (let i = 0; receiver.hits(path).length < 2; i++) {
        if (i > 300) throw new Error('the result did not arrive after the restart');
        await new Promise((r) => setTimeout(r, 50));
      }
      const bodies = receiver.hits(path).map((r) => JSON.parse(r.body) as { status: string; interview: { score: string } });
      // Two arrivals: the one in flight at the kill (never answered) and the redelivery after the restart.
      expect(bodies).to.have.length(2);
      expect(bodies[1]!.status).to.equal('completed');
      expect(bodies[1]!.interview.score).to.equal('90');
      expect(bodies[1]).to.deep.equal(bodies[0]);
      const got = await call(`${url}/interviews/${id}`, { token });
      expect(got.body).to.deep.equal(bodies[1]);
    } finally {
      bridge.kill('SIGKILL');
      await receiver.close();
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
