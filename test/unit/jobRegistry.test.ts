/** runJob records every run: outcome from a throw or from the result, the last run per job, the metrics. */
import { expect } from 'chai';
import pino from 'pino';
import { JobRegistry } from '../../src/jobs/registry.js';
import type { JobRecord } from '../../src/jobs/registry.js';
import { createMetrics } from '../../src/metrics.js';
import type { Store } from '../../src/store/types.js';

describe('job registry', () => {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'trace' }, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
  const metrics = createMetrics({ store: { ping: async () => undefined } as unknown as Store });
  const jobs = {
    count: { name: 'count', schedule: { everyMs: 1000 }, run: async (n: number | undefined) => ({ n: n ?? 0 }), failed: (r: { n: number }) => r.n < 0 } as JobRecord<number | undefined, { n: number }>,
    boom: { name: 'boom', schedule: { cron: '* * * * *' }, run: async () => Promise.reject(new Error('upstream down')) } as JobRecord<undefined, never>,
  };
  const registry = new JobRegistry(jobs, { logger, metrics, now: () => new Date('2026-01-02T03:04:05Z') });

  it('returns the result, and a result the record calls failed counts as a failure', async () => {
    expect(await registry.runJob('count', 'cli', 3)).to.deep.equal({ n: 3 });
    expect(registry.lastRuns().count).to.include({ trigger: 'cli', outcome: 'ok', startedAt: '2026-01-02T03:04:05.000Z' });
    expect(await registry.runJob('count', 'ops', -1)).to.deep.equal({ n: -1 });
    expect(registry.lastRuns().count).to.include({ trigger: 'ops', outcome: 'failed' });
  });

  it('a run that throws is logged with the error, metered as failed, remembered, and rethrown', async () => {
    let thrown: unknown;
    await registry.runJob('boom', 'schedule').catch((e: unknown) => (thrown = e));
    expect((thrown as Error).message).to.equal('upstream down');
    expect(registry.lastRuns().boom).to.include({ trigger: 'schedule', outcome: 'failed', error: 'upstream down' });
    const line = lines.find((l) => l.msg === 'job run failed; the next run will retry');
    expect(line).to.include({ job: 'boom', trigger: 'schedule' });
    expect((line!.err as { message: string }).message).to.equal('upstream down');
    const text = (await metrics.render()).body;
    expect(text).to.include('wvb_job_runs_total{job="boom",trigger="schedule",outcome="failed"} 1');
    expect(text).to.include('wvb_job_runs_total{job="count",trigger="cli",outcome="ok"} 1');
    expect(text).to.include('wvb_job_runs_total{job="count",trigger="ops",outcome="failed"} 1');
    expect(text).to.match(/wvb_job_run_duration_seconds_count\{job="count"\} 2/);
  });
});
