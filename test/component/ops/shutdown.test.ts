/**
 * Graceful shutdown of the real process: `node --import tsx src/server.ts` in a child, configured through a
 * temporary CONFIG_DIR whose one account uses a slow Hireflix sandbox started here, so a POST /interviews
 * is still in flight when SIGTERM arrives.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { sha256Hex } from '../../../src/config/load.js';
import { createHireflixSandbox } from '../../../src/sandbox/hireflix/index.js';
import { call, freePort, interviewBody } from '../../support/harness.js';
import { startReceiver } from '../../support/receiver.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const TEMPLATE = '64f0c0ffee00000000000001';

interface Child {
  url: string;
  proc: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  token: string;
  stats: () => Promise<number>;
  sandboxUrl: string;
  close(): Promise<void>;
}

async function startChild(opts: { latencyMs: number; shutdownTimeoutMs: number }): Promise<Child> {
  const apiKey = randomBytes(16).toString('hex');
  const sandbox = createHireflixSandbox({ apiKey, latencyMs: opts.latencyMs });
  const sandboxUrl = await sandbox.listen(0, '127.0.0.1');
  const dir = mkdtempSync(join(tmpdir(), 'wvb-shutdown-'));
  mkdirSync(join(dir, 'mappings'));
  writeFileSync(join(dir, 'mappings', 'hireflix.yaml'), readFileSync(join(ROOT, 'config/mappings/hireflix.yaml')));
  const port = await freePort();
  const token = randomBytes(18).toString('base64url');
  writeFileSync(join(dir, 'bridge.yaml'), `
server: { host: 127.0.0.1, port: ${port}, public_base_url: "http://127.0.0.1:${port}", shutdown_timeout_ms: ${opts.shutdownTimeoutMs} }
store: { kind: sqlite, sqlite_path: "${join(dir, 'bridge.sqlite')}" }
poller: { cron: "0 0 1 1 *" }
expiry: { cron: "0 0 1 1 *" }
callback_policy: { allowed_hosts: ["*.workable.com"], allow_local: true }
logging: { level: info, pretty: false }
`);
  writeFileSync(join(dir, 'accounts.yaml'), `accounts:
  - id: acme
    name: Acme
    token_sha256: [${sha256Hex(token)}]
    workable_token: { env: ACME_WORKABLE_TOKEN }
    upstream: { kind: hireflix, endpoint: "${sandboxUrl}/me", api_key: { env: ACME_API_KEY }, timeout_ms: 10000 }
    mapping: hireflix
    default_country: US
    webhooks: false
`);
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, CONFIG_DIR: dir, ACME_WORKABLE_TOKEN: 'wk-shutdown-test', ACME_API_KEY: apiKey };
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20000;
  for (;;) {
    const ready = await call(`${url}/readyz`).catch(() => undefined);
    if (ready?.status === 200) break;
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`bridge did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    proc,
    output: () => out,
    exited,
    token,
    sandboxUrl,
    stats: async () => ((await call(`${sandboxUrl}/_sandbox/stats`)).body as { graphqlRequests: number }).graphqlRequests,
    async close() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until the slow request has reached the upstream, i.e. it is truly in flight in the bridge. */
async function untilUpstreamCalled(child: Child): Promise<void> {
  const deadline = Date.now() + 10000;
  while ((await child.stats()) === 0) {
    if (Date.now() > deadline) throw new Error(`the request never reached the upstream:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('graceful shutdown of the process (SIGTERM)', function () {
  this.timeout(40000);
  let child: Child | undefined;
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && child) console.error(child.output());
    await child?.close();
    child = undefined;
  });

  it('finishes the request in flight, answers 503 meanwhile, and exits 0', async () => {
    child = await startChild({ latencyMs: 600, shutdownTimeoutMs: 10000 });
    const c = child;
    const inFlight = call(`${c.url}/interviews`, { token: c.token, body: interviewBody(TEMPLATE) });
    await untilUpstreamCalled(c);
    c.proc.kill('SIGTERM');
    // Readiness fails at once, so a load balancer stops sending; late requests get an explicit 503.
    let ready = await call(`${c.url}/readyz`);
    for (let i = 0; ready.status === 200 && i < 50; i += 1) ready = await call(`${c.url}/readyz`);
    expect(ready.status).to.equal(503);
    expect(ready.body).to.deep.equal({ status: 503, message: 'Not ready: shutting down' });
    const late = await call(`${c.url}/interviews`, { token: c.token, body: interviewBody(TEMPLATE) });
    expect(late.status).to.equal(503);
    expect(late.body).to.deep.equal({ status: 503, message: 'Service shutting down: retry shortly' });
    expect(late.headers.get('connection')).to.equal('close');
    const answered = await inFlight;
    expect(answered.status).to.equal(201);
    expect(answered.body).to.have.property('interview_id').that.matches(/^[A-Za-z0-9_-]{22}$/);
    expect(await c.exited).to.equal(0);
    expect(c.output()).to.contain('"msg":"shutdown complete"');
    await call(`${c.url}/healthz`).then(
      () => expect.fail('the port should be closed after exit'),
      (err: NodeJS.ErrnoException) => expect(err.code).to.equal('ECONNREFUSED'),
    );
  });

  it('exits non-zero when the work outlasts shutdown_timeout_ms', async () => {
    child = await startChild({ latencyMs: 4000, shutdownTimeoutMs: 300 });
    const c = child;
    const inFlight = call(`${c.url}/interviews`, { token: c.token, body: interviewBody(TEMPLATE) }).catch((err: NodeJS.ErrnoException) => err.code);
    await untilUpstreamCalled(c);
    const signalled = Date.now();
    c.proc.kill('SIGTERM');
    expect(await c.exited).to.equal(1);
    // It gave up at the deadline instead of waiting for the 4 s upstream answer.
    expect(Date.now() - signalled).to.be.lessThan(2500);
    expect(c.output()).to.contain('"msg":"shutdown deadline passed; forcing exit"');
    expect(await inFlight).to.equal('ECONNRESET');
  });

  it('lets a delivery in flight to Workable finish before exiting 0', async () => {
    const receiver = await startReceiver(() => ({ status: 200, delayMs: 800 }));
    try {
      child = await startChild({ latencyMs: 0, shutdownTimeoutMs: 10000 });
      const c = child;
      const created = await call(`${c.url}/interviews`, { token: c.token, body: interviewBody(TEMPLATE, { callback_url: `${receiver.url}/interviews/held` }) });
      expect(created.status).to.equal(201);
      const id = (created.body as { interview_id: string }).interview_id;
      const upstreamId = ((await call(`${c.sandboxUrl}/_sandbox/interviews?externalId=${id}`)).body as Array<{ id: string }>)[0]!.id;
      await call(`${c.sandboxUrl}/_sandbox/interviews/${upstreamId}/finish`, { body: { score: 5 } });
      // No webhooks for this account: a manual poll (loopback, no OPS_TOKEN) notices the change.
      expect((await call(`${c.url}/ops/poll`, { method: 'POST' })).status).to.equal(200);
      const deadline = Date.now() + 10000;
      while (receiver.inFlight === 0) {
        if (Date.now() > deadline) throw new Error('no delivery reached the receiver');
        await new Promise((r) => setTimeout(r, 10));
      }
      // The PUT is being held by Workable right now.
      c.proc.kill('SIGTERM');
      expect(await c.exited).to.equal(0);
      expect(receiver.inFlight).to.equal(0);
      expect(receiver.hits('/interviews/held')).to.have.length(1);
      expect(c.output()).to.contain('"msg":"result delivered to Workable"');
    } finally {
      await receiver.close();
    }
  });
});
