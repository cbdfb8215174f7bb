/**
 * Redis restarted under load (a private redis-server on a free port, never the shared one): while it is
 * down /readyz says 503, requests that need the store get 503 with the contract body and Retry-After
 * (no hang, no 500, no stack trace), and afterwards the replicas heal by themselves: results of interviews
 * finished during the outage (their webhooks were refused) still reach Workable through the poller.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { call, interviewBody } from '../support/harness.js';
import { freePort } from '../support/http.js';
import { startCluster, type Cluster } from './cluster.js';
import { reportFigures, sleep, tally, waitFor } from './util.js';
import { createInterviews, finishAll, missing, startWorkable, type Workable } from './workload.js';

const STORE_DOWN = { status: 503, message: 'Service temporarily unavailable: the bridge cannot reach its store' };

/** A redis-server with an fsync-always append-only file, so a restart keeps the data (as production would). */
async function startRedis(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--daemonize', 'no'], { stdio: 'ignore' });
  await waitFor('redis to listen', () => new Promise<boolean>((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  }), 10_000);
  return child;
}

async function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

describe('fault: Redis restarted under load', function () {
  this.timeout(600_000);
  let redis: ChildProcess | undefined;
  let cluster: Cluster | undefined;
  let workable: Workable | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'wvb-redis-'));

  after(async () => {
    await cluster?.close();
    await workable?.close();
    if (redis) await stopRedis(redis);
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 with the contract body while Redis is down, and resumes by itself', async () => {
    const port = await freePort();
    redis = await startRedis(port, dir);
    workable = await startWorkable();
    cluster = await startCluster({ replicas: 2, redisUrl: `redis://127.0.0.1:${port}` });
    const c = cluster;
    const { created } = await createInterviews(c, workable.receiver.url, 40);
    const [early, late] = [created.slice(0, 20), created.slice(20)];
    finishAll(c, early);
    const w = workable;
    await waitFor('results before the outage', () => early.every((x) => w.accepted.has(x.path)), 60_000);

    // Load: reads and creates round-robin, each bounded; every answer is recorded.
    const answers: Array<{ status: number; ms: number; text: string; retryAfter: string | null; phase: string }> = [];
    let phase = 'before';
    let loading = true;
    const load = (async () => {
      for (let i = 0; loading; i++) {
        const started = Date.now();
        const res = i % 3 === 0
          ? await c.request('/interviews', { body: interviewBody(c.templateId, { callback_url: `${w.receiver.url}/interviews/load-${i}-${Date.now()}` }) })
          : await c.request(`/interviews/${created[i % created.length]!.id}`);
        answers.push({ status: res.status, ms: Date.now() - started, text: res.text, retryAfter: res.headers.get('retry-after'), phase });
        await sleep(20);
      }
    })();
    await sleep(1500);

    phase = 'outage';
    await stopRedis(redis);
    const downAt = Date.now();
    finishAll(c, late); // their webhooks meet a store that is down: only the poller can notice them later
    await sleep(1500);
    const ready = await Promise.all(c.replicas.map((r) => c.request('/readyz').then((x) => ({ status: x.status, body: x.body, replica: r.index }))));
    await sleep(4000);

    phase = 'after';
    redis = await startRedis(port, dir);
    const upAt = Date.now();
    const readyAgainMs = await waitFor('every replica ready again', async () => {
      const all = await Promise.all(c.replicas.map((r) => fetchStatus(`${r.url}/readyz`)));
      return all.every((s) => s === 200);
    }, 30_000);
    await sleep(1500);
    loading = false;
    await load;
    const drainMs = await waitFor('results of interviews finished during the outage', () => missing(w, created) === 0, 90_000, () => `${missing(w, created)} missing`);

    const outage = answers.filter((a) => a.phase === 'outage');
    const errors = answers.filter((a) => a.status >= 400);
    reportFigures('Redis restarted under load', {
      requests: answers.length,
      byPhase: { before: tally(answers.filter((a) => a.phase === 'before').map((a) => a.status)), outage: tally(outage.map((a) => a.status)), after: tally(answers.filter((a) => a.phase === 'after').map((a) => a.status)) },
      maxLatencyMs: Math.max(...answers.map((a) => a.ms)),
      maxLatencyDuringOutageMs: Math.max(...outage.map((a) => a.ms)),
      readyzDuringOutage: tally(ready.map((r) => r.status)),
      outageMs: upAt - downAt,
      readyAgainAfterRestartMs: readyAgainMs,
      resultsOfOutageInterviewsDeliveredAfterMs: readyAgainMs + drainMs,
      delivered: w.accepted.size,
    });
    for (const r of ready) expect(r.body).to.deep.equal({ status: 503, message: 'Not ready: the redis store does not answer' });
    expect(outage.filter((a) => a.status === 503).length).to.be.greaterThan(0);
    expect(answers.filter((a) => a.status >= 500 && a.status !== 503)).to.deep.equal([]);
    for (const e of errors) {
      expect(JSON.parse(e.text)).to.deep.equal(STORE_DOWN);
      expect(e.retryAfter).to.equal('5');
    }
    expect(Math.max(...answers.map((a) => a.ms))).to.be.below(5000);
    expect(answers.filter((a) => a.phase === 'after').slice(-10).every((a) => a.status < 400)).to.equal(true);
    expect(missing(w, created)).to.equal(0);
  });
});

async function fetchStatus(url: string): Promise<number> {
  try {
    return (await call(url)).status;
  } catch {
    return 0;
  }
}
