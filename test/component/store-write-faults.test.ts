/**
 * Fault injection on every store write of the reconcile and delivery paths (issue 10, "no loss window").
 *
 * The real bridge (startBridge) on a real store, SQLite and Redis, wrapped by test/support/faultyStore.ts;
 * the Hireflix sandbox; a local Workable receiver. For each outcome (completed, declined = deleted upstream,
 * expired by the bridge) a run without faults counts the writes from the hint to the result settled (N), and
 * records the body Workable got. Then, for k = 1..N and each fault mode (the write not made / made but its
 * reply lost), a fresh interview goes the same way with its k-th write failing; the run stops at the fault;
 * then the jobs run normally (poll, expiry sweep, reconcile, delivery; the clock 61 s on each round, past
 * every retry wait and claim TTL) for four rounds. Asserted for every case:
 *
 * - the result reaches the receiver: at least one PUT, and every PUT carries the body of the run without a
 *   fault (ids, share link and report capability normalised; the report link of that body opens);
 * - exactly one PUT, unless the fault hit a write made after Workable had answered the PUT: then at most
 *   two, both the same body. Delivery is at-least-once: a result whose settlement could not be recorded is
 *   sent again. The contract publishes a status "using PUT on the callback_url", and a PUT of the same body
 *   again changes nothing, so this is the double delivery the contract tolerates; a second, different body
 *   for a final result, or a third PUT, would fail the test;
 * - afterwards the outbox and the dead letters are empty, and the interview shows the outcome.
 *
 * STORE_FAULTS_REPORT=<file.md> writes the matrix (path x write x store -> outcome) as a markdown table.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { expect } from 'chai';
import { keys } from '../../src/domain/keys.js';
import { DEAD_INDEX, DUE_INDEX } from '../../src/domain/outbox.js';
import type { InterviewRecord } from '../../src/domain/types.js';
import type { Scheduler } from '../../src/jobs/scheduler.js';
import type { Store } from '../../src/store/index.js';
import { startReceiver } from '../support/receiver.js';
import type { Receiver } from '../support/receiver.js';
import { faultyStore } from '../support/faultyStore.js';
import type { FaultMode, FaultyStore } from '../support/faultyStore.js';
import { STORE_KINDS, call, eventually, interviewBody, sandboxWebhooksAnswered, startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

const DAY = 24 * 3600 * 1000;
const MAPPING = readFileSync(new URL('../../config/mappings/hireflix.yaml', import.meta.url), 'utf8');
const OUTCOMES = ['completed', 'declined', 'expired'] as const;
type Outcome = (typeof OUTCOMES)[number];
const MODES: FaultMode[] = ['lost', 'unacknowledged'];
const RECOVERY_ROUNDS = 4;

interface CaseResult {
  puts: string[];
  /** Writes counted before the first PUT reached the receiver (undefined: no PUT in the faulted run). */
  writesBeforePut: number | undefined;
  fired: string | undefined;
  /** The recovery round in which the first PUT arrived (0: in the faulted run itself). */
  deliveredInRound: number | undefined;
  writes: string[];
  errors: string[];
  id: string;
  upstreamId: string;
  /** The sandbox's own times for this interview (ISO 8601), which the result's details show. */
  times: string[];
  /** The sandbox's state of the interview afterwards (undefined once deleted). */
  upstreamState: string | undefined;
}

function fetchStatus(url: string): Promise<{ status: number; type: string; head: string }> {
  return new Promise((resolve, reject) => {
    httpRequest(url, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), head: Buffer.concat(chunks).subarray(0, 5).toString() }))
    }).on('error', reject).end();
  });
}

for (const kind of STORE_KINDS) {
  describe(`store write faults on the reconcile and delivery paths (${kind} store)`, function () {
    this.timeout(300_000);
    let h: Harness;
    let receiver: Receiver;
    let faulty: FaultyStore;
    let store: Store;
    let scheduler: Scheduler;
    let templateId: string;
    let clock = Date.now();
    const firstPut = new Map<string, number>();
    const baseline = new Map<Outcome, { body: unknown; writes: string[] }>();
    const matrix: string[] = [];

    before(async () => {
      receiver = await startReceiver((req) => {
        if (!firstPut.has(req.path)) firstPut.set(req.path, faulty.count);
        return { status: 200 };
      });
      h = await startHarness(kind, {
        now: () => new Date(clock),
        wrapStore: (s) => {
          faulty = faultyStore(s, () => clock);
          return faulty.store;
        },
        bridgeYaml: 'poller: { cron: "0 0 1 1 *" }',
        // Expiry also archives upstream (Hireflix: discarded), so its ordering against the store writes counts.
        mappingYaml: MAPPING.replace('archive_upstream: false', 'archive_upstream: true'),
      });
      store = h.bridge.container.store;
      scheduler = h.bridge.scheduler;
      const t = await call(`${h.url}/interview-templates`, { token: h.acme.token });
      templateId = (t.body as { interview_templates: Array<{ id: string }> }).interview_templates[0]!.id;
    });
    afterEach(function () {
      if (this.currentTest?.state === 'failed') {
        for (const l of h.logs.filter((x) => Number(x.level) >= 40).slice(-20)) console.error(JSON.stringify(l));
      }
    });
    after(async () => {
      if (process.env.STORE_FAULTS_REPORT && matrix.length > 0) appendFileSync(process.env.STORE_FAULTS_REPORT, `${matrix.join('\n')}\n`);
      await h?.close();
      await receiver?.close();
    });

    /** Every webhook the sandbox has sent so far was answered (so none lands in a counted run). */
    const webhooksSettled = (): Promise<boolean> => sandboxWebhooksAnswered(h.acme);

    const setWebhooks = async (enabled: boolean): Promise<void> => {
      expect((await call(`${h.acme.sandboxUrl}/_sandbox/webhooks`, { body: { enabled } })).status).to.equal(200);
    };

    /** An interview brought to the point where its outcome is known upstream (or its deadline has passed). */
    async function prepare(outcome: Outcome): Promise<{ id: string; path: string; upstreamId: string }> {
      const path = `/interviews/${randomUUID()}`;
      const res = await call(`${h.url}/interviews`, { token: h.acme.token, body: interviewBody(templateId, { callback_url: `${receiver.url}${path}` }) });
      expect(res.status).to.equal(201);
      const id = (res.body as { interview_id: string }).interview_id;
      const list = (await call(`${h.acme.sandboxUrl}/_sandbox/interviews?externalId=${id}`)).body as Array<{ id: string }>;
      const upstreamId = list[0]!.id;
      await eventually(webhooksSettled, 'the creation webhook answered');
      // Whatever the creation webhook marked is reconciled now, as pending: nothing is sent for it.
      await scheduler.reconcileNow();
      if (outcome === 'completed') {
        await call(`${h.acme.sandboxUrl}/_sandbox/interviews/${upstreamId}/finish`, { body: { score: 4, answers: [{ transcript: 'I have led support teams for five years.' }] } });
      } else if (outcome === 'declined') {
        await call(`${h.acme.sandboxUrl}/_sandbox/interviews/${upstreamId}/delete`, { body: {} });
      } else {
        clock += 31 * DAY;
      }
      await eventually(webhooksSettled, 'the sandbox webhooks answered');
      if (outcome !== 'expired') expect(await store.zscore(keys.reconcileIndex, id), 'the webhook marked it').to.be.a('number');
      expect(await store.zcard(DUE_INDEX), 'nothing else waits for delivery').to.equal(0);
      return { id, path, upstreamId };
    }

    const jobs = (outcome: Outcome): Array<[string, () => Promise<unknown>]> => [
      ...(outcome === 'expired' ? [['expiry sweep', () => scheduler.expireNow()] as [string, () => Promise<unknown>]] : []),
      ['reconcile', () => scheduler.reconcileNow()],
      ['deliver', () => scheduler.deliverNow()],
    ];

    async function runCase(outcome: Outcome, fault?: { k: number; mode: FaultMode }): Promise<CaseResult> {
      const iv = await prepare(outcome);
      const errors: string[] = [];
      // No webhook may land in the counted run (the archive sends one): the count must be the same each time.
      await setWebhooks(false);
      faulty.arm(fault ? { failAt: fault.k, mode: fault.mode } : {});
      for (const [name, job] of jobs(outcome)) {
        // The faulted run ends at the fault; from then on the jobs run as the scheduler runs them.
        if (faulty.fired) break;
        try {
          await job();
        } catch (err) {
          errors.push(`${name}: ${(err as Error).message}`);
        }
      }
      const writesBeforePut = firstPut.get(iv.path);
      const fired = faulty.fired?.write;
      const writes = faulty.disarm().map((w) => w.write);
      let deliveredInRound = receiver.hits(iv.path).length > 0 ? 0 : undefined;
      for (let round = 1; round <= RECOVERY_ROUNDS; round++) {
        clock += 61_000;
        await faulty.expireLeftClaims(clock);
        for (const [name, job] of [['poll', () => scheduler.pollNow()], ...jobs('expired')] as Array<[string, () => Promise<unknown>]>) {
          try {
            await job();
          } catch (err) {
            errors.push(`round ${round} ${name}: ${(err as Error).message}`);
          }
        }
        if (deliveredInRound === undefined && receiver.hits(iv.path).length > 0) deliveredInRound = round;
      }
      await setWebhooks(true);
      // (A deleted interview answers 404: its result shows no times.)
      const upstream = (await call(`${h.acme.sandboxUrl}/_sandbox/interviews/${iv.upstreamId}`)).body as { state?: string; createdAt?: string; completedAt?: string | null };
      const times = [upstream.createdAt, upstream.completedAt].filter((t): t is string => typeof t === 'string');
      return { puts: receiver.hits(iv.path).map((r) => r.body), writesBeforePut, fired, deliveredInRound, writes, errors, times, upstreamState: upstream.state, ...iv };
    }

    /**
     * A body with what differs from one interview to the next replaced: ids, the share link, the report
     * capability, and the sandbox's invite and completion times (its real clock) where the body shows them.
     */
    function normalise(body: string, c: CaseResult): unknown {
      let text = body;
      c.times.forEach((t, i) => {
        text = text.replaceAll(t, `<upstream-time-${i}>`);
      });
      return JSON.parse(
        text
          .replaceAll(c.id, '<id>')
          .replaceAll(c.upstreamId, '<upstream-id>')
          .replace(/\/_sandbox\/shared\/[A-Za-z0-9-]+/g, '/_sandbox/shared/<share>')
          .replace(/\/reports\/[A-Za-z0-9_-]+\.pdf/g, '/reports/<capability>.pdf'),
      );
    }

    /** A write as the matrix names it: ids and random report capabilities replaced. */
    const label = (write: string, c: CaseResult): string => write.replaceAll(c.id, '<id>').replace(/report:[A-Za-z0-9_-]+/g, 'report:<rid>');

    async function checkSettled(outcome: Outcome, c: CaseResult, where = 'no fault'): Promise<void> {
      expect(await store.zscore(DUE_INDEX, c.id), `${where}: left in the outbox`).to.equal(undefined);
      expect(await store.zscore(DEAD_INDEX, c.id), `${where}: dead-lettered`).to.equal(undefined);
      expect(await store.get(`outbox:${c.id}`), `${where}: outbox entry left`).to.equal(undefined);
      const record = await store.get<InterviewRecord>(keys.interview(c.id));
      expect(record?.current.status, `${where}: status shown`).to.equal(outcome);
      expect(record?.deliveredHash, `${where}: the record knows Workable has it`).to.be.a('string');
      if (outcome !== 'completed') expect(record?.final, `${where}: final`).to.equal(true);
      const body = JSON.parse(c.puts[c.puts.length - 1]!) as { attachments?: Array<{ url: string }> };
      for (const a of body.attachments ?? []) {
        const pdf = await fetchStatus(a.url);
        expect(pdf, `${where}: report ${a.url}`).to.deep.equal({ status: 200, type: 'application/pdf', head: '%PDF-' });
      }
    }

    for (const outcome of OUTCOMES) {
      it(`${outcome}: without a fault, one PUT and N counted writes`, async () => {
        const c = await runCase(outcome);
        expect(c.errors).to.deep.equal([]);
        expect(c.puts).to.have.length(1);
        expect(c.deliveredInRound, 'delivered in the first run').to.equal(0);
        await checkSettled(outcome, c);
        if (outcome === 'expired') expect(c.upstreamState, 'archived upstream').to.equal('discarded');
        baseline.set(outcome, { body: normalise(c.puts[0]!, c), writes: c.writes.map((w) => label(w, c)) });
        matrix.push(`| ${kind} | ${outcome} | – | – | (no fault: ${c.writes.length} writes) | 1 PUT in the first run |`);
      });

      for (const mode of MODES) {
        it(`${outcome}: the k-th write ${mode === 'lost' ? 'not made' : 'made, its reply lost'}, for every k, still delivers the same result`, async () => {
          const base = baseline.get(outcome);
          expect(base, 'the run without a fault passed first').to.not.equal(undefined);
          const problems: string[] = [];
          for (let k = 1; k <= base!.writes.length; k++) {
            const c = await runCase(outcome, { k, mode });
            const name = c.fired ? label(c.fired, c) : '(no write failed)';
            const where = `k=${k} ${name}`;
            const bodies = c.puts.map((p) => normalise(p, c));
            const afterPut = c.writesBeforePut !== undefined && k > c.writesBeforePut;
            let failed = false;
            try {
              expect(c.fired, `${where}: the k-th write was not the one the run without a fault made`).to.not.equal(undefined);
              expect(name, `${where}: the writes before the fault differ from the run without one`).to.equal(base!.writes[k - 1]);
              expect(c.puts.length, `${where}: PUTs`).to.be.within(1, afterPut ? 2 : 1);
              for (const b of bodies) expect(b, `${where}: body ${JSON.stringify(b)}`).to.deep.equal(base!.body);
              await checkSettled(outcome, c, where);
              // The archive follows the expiry's writeAll; when that write was made but reported failed, the
              // record is final and nothing archives it later (a courtesy lost; the result is not).
              const archiveLost = mode === 'unacknowledged' && name.startsWith('writeAll');
              if (outcome === 'expired' && !archiveLost) expect(c.upstreamState, `${where}: archived upstream`).to.equal('discarded');
            } catch (err) {
              failed = true;
              problems.push((err as Error).message);
            }
            const phase = c.writesBeforePut === undefined || k <= c.writesBeforePut ? 'before the PUT' : 'after the PUT';
            const delivered = c.deliveredInRound === undefined ? 'never' : c.deliveredInRound === 0 ? 'in the faulted run' : `recovery round ${c.deliveredInRound}`;
            const archived = outcome === 'expired' ? (c.upstreamState === 'discarded' ? ', archived' : ', not archived') : '';
            matrix.push(`| ${kind} | ${outcome} | ${k} | ${mode} | \`${name}\` (${phase}) | ${c.puts.length} PUT${c.puts.length === 1 ? '' : 's'}, ${delivered}${archived}${failed ? ' **FAIL**' : ''} |`);
          }
          if (problems.length > 0) throw new Error(`${problems.length} of ${base!.writes.length} cases failed:\n${problems.join('\n')}`);
        });
      }
    }
  });
}
