/**
 * Replicas on one Redis: three bridge processes share the work; every result reaches Workable, once,
 * also when one replica is SIGKILLed mid-way (then only deliveries in flight at the kill may repeat).
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { call, interviewBody } from '../support/harness.js';
import { REDIS_URL } from '../support/redis.js';
import { startCluster, type Cluster } from './cluster.js';
import { pool, reportFigures, scaled, sleep, tally, waitFor } from './util.js';
import { createInterviews, duplicates, finishAll, missing, startWorkable, type Workable } from './workload.js';

describe('fault: three replicas on one Redis', function () {
  this.timeout(600_000);
  let cluster: Cluster | undefined;
  let workable: Workable | undefined;

  afterEach(async () => {
    await cluster?.close();
    await workable?.close();
    cluster = undefined;
    workable = undefined;
  });

  it('delivers every result of N finished interviews exactly once', async () => {
    const n = scaled(1000);
    workable = await startWorkable();
    cluster = await startCluster({ replicas: 3, redisUrl: REDIS_URL });
    const { created, statuses, ms: createMs } = await createInterviews(cluster, workable.receiver.url, n);
    expect(new Set(created.map((c) => c.id)).size).to.equal(n);
    expect(created.every((c) => c.upstreamId !== '')).to.equal(true);

    const started = Date.now();
    finishAll(cluster, created);
    const w = workable;
    await waitFor('every result delivered', () => missing(w, created) === 0, 240_000, () => `${missing(w, created)} missing`);
    const drainMs = Date.now() - started;
    await sleep(3000); // late duplicates would arrive now
    const dup = duplicates(workable, created);
    reportFigures('three replicas', {
      interviews: n,
      createRequests: statuses,
      createMs,
      deliveries: workable.receiver.requests.length,
      delivered: workable.accepted.size,
      duplicates: dup.total,
      timeToDrainMs: drainMs,
      webhooks: cluster.webhookStats,
      invitations: cluster.sandbox.state.store.invitations().reduce((s, i) => s + i.count, 0),
    });
    expect(missing(workable, created)).to.equal(0);
    expect(dup.total).to.equal(0);
    expect(workable.receiver.requests.length).to.equal(n);
  });

  it('with one replica SIGKILLed mid-way, still delivers every result; duplicates only for PUTs in flight at the kill', async () => {
    const n = scaled(1000);
    // Slow enough answers that the killed replica surely has PUTs in flight.
    workable = await startWorkable(() => ({ status: 200, delayMs: 40 + Math.floor(Math.random() * 60) }));
    cluster = await startCluster({ replicas: 3, redisUrl: REDIS_URL });
    const { created, statuses } = await createInterviews(cluster, workable.receiver.url, n);

    const started = Date.now();
    finishAll(cluster, created);
    const w = workable;
    await waitFor('a third of the results', () => w.accepted.size >= n / 3, 240_000);
    const victim = 2;
    const killAt = Date.now();
    await cluster.kill(victim, 'SIGKILL');
    // PUTs that arrived in the last 2 s before the kill: unanswered, or answered but not yet settled in the
    // store. Only these may legitimately arrive twice; a PUT older than that was settled long before. The
    // receiver stamps arrivals when this (busy) process gets to them, so a 250 ms grace follows the kill, and
    // the set is taken once the grace is over (taken at once, PUTs the victim sent just before dying but that
    // this process stamped 60 ms after the kill were missing from it: a CI run failed on exactly those).
    await sleep(300);
    const inFlight = new Set([...w.firstArrival].filter(([, at]) => at >= killAt - 2000 && at <= killAt + 250).map(([p]) => p));
    const killedAt = Date.now() - started;
    await waitFor('every result delivered', () => missing(w, created) === 0, 240_000, () => `${missing(w, created)} missing`);
    const drainMs = Date.now() - started;
    await sleep(3000);
    const dup = duplicates(workable, created);
    const unexpected = dup.paths.filter((p) => !inFlight.has(p));
    reportFigures('three replicas, one SIGKILLed', {
      interviews: n,
      createRequests: statuses,
      killedReplica: victim,
      killedAtMs: killedAt,
      inFlightAtKill: inFlight.size,
      deliveries: workable.receiver.requests.length,
      delivered: workable.accepted.size,
      duplicates: dup.total,
      duplicatesNotInFlightAtKill: unexpected.length,
      duplicateFirstArrivalVsKillMs: dup.paths.map((p) => (w.firstArrival.get(p) ?? 0) - killAt),
      timeToDrainMs: drainMs,
      webhooks: cluster.webhookStats,
    });
    expect(missing(workable, created)).to.equal(0);
    expect(unexpected).to.deep.equal([]);
    // At most what one replica can have in flight: delivery concurrency 16.
    expect(dup.total).to.be.at.most(16);
  });

  it('duplicate POST /interviews bursts spread over the replicas make one invitation per callback_url', async () => {
    const urls = scaled(200, 10);
    const copies = 5;
    workable = await startWorkable();
    cluster = await startCluster({ replicas: 3, redisUrl: REDIS_URL });
    const c = cluster;
    const bodies = Array.from({ length: urls }, (_, i) => interviewBody(c.templateId, { callback_url: `${workable!.receiver.url}/interviews/burst-${i}-${randomUUID()}` }));
    // Every copy of every request at once, interleaved, so copies of one request land on different replicas.
    const jobs = bodies.flatMap((body, i) => Array.from({ length: copies }, () => ({ body, i })));
    const started = Date.now();
    const answers = await pool(jobs, 30, async ({ body, i }) => ({ i, res: await c.request('/interviews', { body }) }));
    const ms = Date.now() - started;
    const idsPer = new Map<number, Set<string>>();
    for (const { i, res } of answers) {
      if (res.status === 201) (idsPer.get(i) ?? idsPer.set(i, new Set()).get(i)!).add((res.body as { interview_id: string }).interview_id);
    }
    const invitations = c.sandbox.state.store.invitations();
    const stats = (await call(`${c.sandboxUrl}/_sandbox/stats`)).body as { byOperation: Record<string, number> };
    reportFigures('duplicate POST bursts over three replicas', {
      callbackUrls: urls,
      requests: jobs.length,
      ms,
      answers: tally(answers.map((a) => a.res.status)),
      byReplica: tally(answers.map((a) => a.res.replica)),
      invitations: invitations.reduce((n, x) => n + x.count, 0),
      maxInvitationsPerEmail: Math.max(...invitations.map((x) => x.count)),
      upstreamCalls: stats.byOperation,
    });
    expect(answers.filter((a) => a.res.status !== 201).map((a) => `${a.res.status} ${a.res.text}`)).to.deep.equal([]);
    expect([...idsPer.values()].map((s) => s.size)).to.deep.equal(Array<number>(urls).fill(1));
    expect(invitations).to.have.length(urls);
    expect(invitations.every((x) => x.count === 1)).to.equal(true);
  });
});
