/**
 * Workable answers 503 for a long stretch, then recovers. Time is compressed by configuration (retry delays
 * of 50 ms growing to 1 s instead of 2 s to 1 h): every result keeps being retried, nothing is dropped or
 * dead-lettered, and the backlog drains soon after Workable is back.
 */
import { expect } from 'chai';
import { createClient } from '@keyv/redis';
import type { Reply } from '../support/receiver.js';
import { REDIS_URL } from '../support/redis.js';
import { startCluster, type Cluster } from './cluster.js';
import { reportFigures, scaled, sleep, tally, waitFor } from './util.js';
import { createInterviews, finishAll, missing, startWorkable, type Workable } from './workload.js';

/** Members of one of the bridge's sorted indexes under the cluster's prefix. */
async function zcard(prefix: string, index: string): Promise<number> {
  const client = createClient({ url: REDIS_URL });
  await client.connect();
  try {
    return await client.zCard(`${prefix}:zset:${index}`);
  } finally {
    client.destroy();
  }
}

describe('fault: Workable answers 503 for a long stretch', function () {
  this.timeout(600_000);
  let cluster: Cluster | undefined;
  let workable: Workable | undefined;

  after(async () => {
    await cluster?.close();
    await workable?.close();
  });

  it('keeps every result through the outage and drains the backlog after recovery', async () => {
    const n = scaled(300, 20);
    const outageMs = 20_000;
    let down = true;
    const answered: number[] = [];
    workable = await startWorkable((_path, i) => {
      // Some 503s carry Retry-After, as a real load balancer's may: it must be honoured, not ignored.
      const headers: Record<string, string> = i % 7 === 0 ? { 'Retry-After': '1' } : {};
      const reply: Reply = down ? { status: 503, headers, body: 'Service Unavailable' } : { status: 200 };
      answered.push(reply.status);
      return reply;
    });
    cluster = await startCluster({
      replicas: 2,
      redisUrl: REDIS_URL,
      delivery: '{ timeout_ms: 5000, base_delay_ms: 50, max_delay_ms: 1000, interval_ms: 100, concurrency: 16, per_host_concurrency: 16 }',
    });
    const { created } = await createInterviews(cluster, workable.receiver.url, n);
    const started = Date.now();
    finishAll(cluster, created);
    await sleep(outageMs);
    const during = workable.receiver.requests.length;
    down = false;
    const recovered = Date.now();
    const w = workable;
    await waitFor('the backlog to drain', () => missing(w, created) === 0, 120_000, () => `${missing(w, created)} missing`);
    const drainMs = Date.now() - recovered;
    await sleep(2000);
    const deadLetters = await zcard(cluster.prefix, 'deadletters');
    const outbox = await zcard(cluster.prefix, 'outbox:due');
    reportFigures('Workable 503 for a long stretch', {
      interviews: n,
      outageMs,
      attemptsDuringOutage: during,
      answers: tally(answered),
      delivered: w.accepted.size,
      lost: missing(w, created),
      deadLetters,
      outboxLeft: outbox,
      timeToDrainAfterRecoveryMs: drainMs,
      totalMs: Date.now() - started,
    });
    expect(deadLetters).to.equal(0);
    expect(outbox).to.equal(0);
    expect(missing(w, created)).to.equal(0);
    expect(during).to.be.greaterThan(n); // retried through the outage, not given up
    expect(answered.filter((s) => s === 200)).to.have.length(n); // after recovery, each result once
  });
});
