import { rmSync } from 'node:fs';
import { expect } from 'chai';
import { deadLetterCount, deadLetterKey, outboxSize } from '../../../src/domain/outbox.js';
import type { DeadLetter } from '../../../src/domain/outbox.js';
import { call, interviewBody, startHarness } from '../../support/harness.js';
import type { Harness, StoreKind } from '../../support/harness.js';
import { startReceiver } from '../../support/receiver.js';
import type { Receiver } from '../../support/receiver.js';
import { cli } from '../../support/cli.js';
import { configDir } from '../../support/config.js';

const TEMPLATE = '64f0c0ffee00000000000001';

/**
 * A result that became a dead letter the real way: an interview created over HTTP, finished in the
 * sandbox, polled, reconciled, then delivered twice to a "Workable" answering 503 and then 422.
 */
async function deadLetterScenario(kind: StoreKind): Promise<{ h: Harness; receiver: Receiver; id: string; email: string; upstreamId: string; env: Record<string, string> }> {
  const receiver = await startReceiver((_req, i) => ({ status: i === 0 ? 503 : 422, body: '{"error":"no"}' }));
  // Retries due at once, so the second delivery run makes the second attempt.
  const h = await startHarness(kind, { webhooks: false, bridgeYaml: 'delivery: { base_delay_ms: 1, max_delay_ms: 1 }' });
  const body = interviewBody(TEMPLATE, { callback_url: `${receiver.url}/interviews/8823119` });
  const email = (body.candidate as { email: string }).email;
  const created = await call(`${h.url}/interviews`, { token: h.acme.token, body });
  expect(created.status).to.equal(201);
  const id = (created.body as { interview_id: string }).interview_id;
  const listed = await call(`${h.acme.sandboxUrl}/_sandbox/interviews?email=${encodeURIComponent(email)}`);
  const upstreamId = (listed.body as Array<{ id: string }>)[0]!.id;
  expect((await call(`${h.acme.sandboxUrl}/_sandbox/interviews/${upstreamId}/finish`, { body: { score: 4 } })).status).to.equal(200);
  await h.bridge.scheduler.pollNow('acme');
  expect((await h.bridge.scheduler.reconcileNow()).enqueued).to.equal(1);
  expect((await h.bridge.scheduler.deliverNow()).retried).to.equal(1);
  await new Promise((r) => setTimeout(r, 20));
  expect((await h.bridge.scheduler.deliverNow()).dead).to.equal(1);
  const cfg = h.config.store;
  const dir = configDir();
  const env: Record<string, string> =
    cfg.kind === 'sqlite' ? { CONFIG_DIR: dir, SQLITE_PATH: cfg.path } : { CONFIG_DIR: dir, REDIS_URL: cfg.url, REDIS_PREFIX: cfg.prefix };
  return { h, receiver, id, email, upstreamId, env };
}

describe('cli: interview show and dead letters (SQLite)', function () {
  this.timeout(40_000);
  let s: Awaited<ReturnType<typeof deadLetterScenario>>;
  before(async () => {
    s = await deadLetterScenario('sqlite');
  });
  after(async () => {
    await s?.h.close();
    await s?.receiver.close();
    if (s) rmSync(s.env.CONFIG_DIR!, { recursive: true, force: true });
  });

  it('interview show: record, payload, dead letter and every attempt, contacts masked', async () => {
    const r = await cli(['interview', 'show', s.id], s.env);
    expect(r.stderr).to.equal('');
    expect(r.code).to.equal(0);
    const out = r.stdout;
    expect(out).to.include(`Interview ${s.id}\n  account:       acme\n  upstream:      hireflix ${s.upstreamId}\n`);
    expect(out).to.include('  candidate:     Lakita Marrero <l***@example.com> ***6256\n');
    expect(out).to.include(`  callback_url:  ${s.receiver.url}/interviews/8823119\n  phase:         invited\n  status:        completed\n`);
    expect(out).to.include('Last delivered: nothing delivered yet\nIn the outbox: nothing pending\n');
    expect(out).to.match(/Dead letter: since \S+, status 422, 2 attempt\(s\), sha256 [0-9a-f]{64}\n {2}reason: /);
    expect(out).to.include(`  redeliver with: cli deadletters redeliver ${s.id}\n`);
    expect(out).to.include('Delivery attempts (2):\n');
    expect(out).to.match(/\n {4}\S+Z {2}503 {5}retry {4}\d+ms/);
    expect(out).to.match(/\n {4}\S+Z {2}422 {5}dead {5}\d+ms/);
    expect(out).to.include('"score": "80"');
    expect(out).to.not.include(s.email);
    expect(out).to.not.include('9916256');
  });

  it('interview show --json: the same, as data', async () => {
    const r = await cli(['interview', 'show', s.id, '--json'], s.env);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.not.include(s.email);
    const v = JSON.parse(r.stdout) as Record<string, unknown> & { attempts: Array<{ status: number; outcome: string }> };
    expect(v.id).to.equal(s.id);
    expect(v.upstream).to.deep.equal({ kind: 'hireflix', id: s.upstreamId });
    expect(v.candidate).to.deep.equal({ name: 'Lakita Marrero', email: 'l***@example.com', phone: '***6256' });
    expect(v.phase).to.equal('invited');
    expect(v.status).to.equal('completed');
    expect(v.lastDelivered).to.equal(null);
    expect(v.outbox).to.equal(null);
    expect(v.attempts.map((a) => [a.status, a.outcome])).to.deep.equal([[503, 'retry'], [422, 'dead']]);
    const dead = v.deadLetter as { status: number; attempts: number; hash: string };
    expect(dead.status).to.equal(422);
    expect(dead.attempts).to.equal(2);
    expect(dead.hash).to.equal((v.current as { hash: string }).hash);
  });

  it('interview show: an unknown id exits 1', async () => {
    const r = await cli(['interview', 'show', 'AAAAAAAAAAAAAAAAAAAAAA'], s.env);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.equal('');
    expect(r.stderr).to.equal('error: no interview with id "AAAAAAAAAAAAAAAAAAAAAA"\n');
  });

  it("deadletters list and interview show keep nothing of Workable's answer, also in letters written before it was dropped", async () => {
    const fresh = JSON.parse((await cli(['deadletters', 'list', '--json'], s.env)).stdout) as Array<{ reason: string }>;
    expect(fresh.map((r) => r.reason)).to.deep.equal(['HTTP 422 (Unprocessable Entity)']);
    // A letter as the bridge wrote it before: 300 characters of the answer, naming the candidate.
    const store = s.h.bridge.container.store;
    const key = deadLetterKey(s.id);
    const letter = (await store.get<DeadLetter>(key))!;
    const legacy = 'HTTP 422: {"message":"Lakita Marrero already has https://groove-tech.workable.com/share/8823119"}';
    await store.set(key, { ...letter, reason: legacy });
    try {
      const [list, show] = await Promise.all([cli(['deadletters', 'list'], s.env), cli(['interview', 'show', s.id, '--json'], s.env)]);
      expect(list.stdout.split('\n')[1]).to.match(/ {2}HTTP 422 \(Unprocessable Entity\)$/);
      const view = JSON.parse(show.stdout) as { deadLetter: { reason: string }; attempts: Array<{ error?: string }> };
      expect(view.deadLetter.reason).to.equal('HTTP 422 (Unprocessable Entity)');
      expect(view.attempts.map((a) => a.error)).to.deep.equal(['HTTP 503 (Service Unavailable)', 'HTTP 422 (Unprocessable Entity)']);
      for (const out of [list.stdout, show.stdout]) expect(out).to.not.include('Marrero already');
    } finally {
      await store.set(key, letter);
    }
  });

  it('deadletters list, then redeliver moves the entry back to the outbox', async () => {
    const [text, json] = await Promise.all([cli(['deadletters', 'list'], s.env), cli(['deadletters', 'list', '--json', '--limit', '5'], s.env)]);
    expect(text.code).to.equal(0);
    expect(text.stdout.split('\n')[0]).to.equal('INTERVIEW               ACCOUNT  DEAD SINCE                STATUS  ATTEMPTS  REASON');
    expect(text.stdout.split('\n')[1]).to.match(new RegExp(`^${s.id} {2}acme {5}\\S+Z {2}422 {5}2 {9}\\S`));
    const rows = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ interviewId: s.id, accountId: 'acme', status: 422, attempts: 2, callbackUrl: `${s.receiver.url}/interviews/8823119` });

    const store = s.h.bridge.container.store;
    expect([await outboxSize(store), await deadLetterCount(store)]).to.deep.equal([0, 1]);
    const moved = await cli(['deadletters', 'redeliver', s.id], s.env);
    expect(moved.stderr).to.equal('');
    expect(moved.stdout).to.equal(`moved ${s.id} from the dead letters to the outbox (due now)\n1 redelivered; 1 result(s) now in the outbox\n`);
    expect(moved.code).to.equal(0);
    expect([await outboxSize(store), await deadLetterCount(store)]).to.deep.equal([1, 0]);
    // The pending payload is the current one: printed once, and the outbox line says so.
    const shown = await cli(['interview', 'show', s.id], s.env);
    expect(shown.stdout.split('"score": "80"')).to.have.length(2);
    expect(shown.stdout).to.match(/\nIn the outbox: sha256 [0-9a-f]{64} \(the current payload\), 0 attempt\(s\), next attempt \S+Z, last 422 HTTP 422 \(Unprocessable Entity\)\nDead letter: none\n/);

    const again = await cli(['deadletters', 'redeliver', s.id], s.env);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.equal(`error: no dead letter for interview "${s.id}"\n`);
    const empty = await cli(['deadletters', 'list'], s.env);
    expect(empty.stdout).to.equal('no dead letters\n');
  });
});

describe('cli: against the Redis store', function () {
  this.timeout(40_000);
  let s: Awaited<ReturnType<typeof deadLetterScenario>>;
  before(async () => {
    s = await deadLetterScenario('redis');
  });
  after(async () => {
    await s?.h.close();
    await s?.receiver.close();
    if (s) rmSync(s.env.CONFIG_DIR!, { recursive: true, force: true });
  });

  it('interview show --json and deadletters redeliver --all', async () => {
    const shown = await cli(['interview', 'show', s.id, '--json'], s.env);
    expect(shown.code).to.equal(0);
    const v = JSON.parse(shown.stdout) as { attempts: Array<{ status: number }>; deadLetter: { status: number } | null };
    expect(v.attempts.map((a) => a.status)).to.deep.equal([503, 422]);
    expect(v.deadLetter?.status).to.equal(422);
    const moved = await cli(['deadletters', 'redeliver', '--all'], s.env);
    expect(moved.stdout).to.equal(`moved ${s.id} from the dead letters to the outbox (due now)\n1 redelivered; 1 result(s) now in the outbox\n`);
    expect(moved.code).to.equal(0);
    const store = s.h.bridge.container.store;
    expect([await outboxSize(store), await deadLetterCount(store)]).to.deep.equal([1, 0]);
  });
});
