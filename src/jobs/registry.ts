/**
 * The jobs as records: a name, when the schedule runs it, and what a run does. Every run, scheduled or
 * asked for (POST /ops/*, the CLI), goes through one runJob, which records its start, finish and outcome in
 * the log and in `wvb_job_runs_total` / `wvb_job_run_duration_seconds`, and remembers the last run of each.
 */
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import type { DeliverDueSummary } from './deliverDue.js';
import type { PollRun } from './pollOnce.js';
import type { ReconcileDueSummary } from './reconcileDue.js';
import type { RetentionSummary } from './retentionSweep.js';

/** Who started a run. */
export type JobTrigger = 'schedule' | 'ops' | 'cli';

/** A run that threw, or whose result says part of it failed (a poll of one account), is a failure. */
export type JobOutcome = 'ok' | 'failed';

export interface JobRecord<I, R> {
  name: string;
  /** When the schedule runs it: a node-cron expression, or a worker interval in ms (woken early by kicks). */
  schedule: { cron: string } | { everyMs: number };
  run(input: I): Promise<R>;
  /** Whether a result that did not throw still counts as a failed run. */
  failed?(result: R): boolean;
}

/** The last run of a job: what `runJob` saw. */
export interface JobRunRecord {
  trigger: JobTrigger;
  startedAt: string;
  durationMs: number;
  outcome: JobOutcome;
  error?: string;
}

type Records = Record<string, JobRecord<never, unknown>>;
type InputOf<J> = J extends JobRecord<infer I, unknown> ? I : never;
type ResultOf<J> = J extends JobRecord<never, infer R> ? R : never;

export class JobRegistry<T extends Records> {
  private readonly last = new Map<keyof T, JobRunRecord>();

  constructor(
    readonly jobs: T,
    private readonly deps: { logger: Logger; metrics: Metrics; now: () => Date },
  ) {}

  /** Runs a job once and records it; a failure is logged and metered, then thrown to the caller. */
  async runJob<N extends keyof T & string>(name: N, trigger: JobTrigger, ...input: undefined extends InputOf<T[N]> ? [input?: InputOf<T[N]>] : [input: InputOf<T[N]>]): Promise<ResultOf<T[N]>> {
    const job = this.jobs[name] as unknown as JobRecord<unknown, ResultOf<T[N]>>;
    const startedAt = this.deps.now();
    const t0 = performance.now();
    const finish = (outcome: JobOutcome, error?: string): number => {
      const durationMs = Math.round(performance.now() - t0);
      this.last.set(name, { trigger, startedAt: startedAt.toISOString(), durationMs, outcome, ...(error !== undefined ? { error } : {}) });
      this.deps.metrics.jobRun(name, trigger, outcome, durationMs / 1000);
      return durationMs;
    };
    this.deps.logger.trace({ job: name, trigger }, 'job started');
    try {
      const result = await job.run(input[0]);
      const outcome = job.failed?.(result) ? 'failed' : 'ok';
      const durationMs = finish(outcome);
      this.deps.logger.debug({ job: name, trigger, outcome, durationMs }, 'job finished');
      return result;
    } catch (err) {
      const durationMs = finish('failed', (err as Error).message);
      this.deps.logger.warn({ job: name, trigger, durationMs, err }, 'job run failed; the next run will retry');
      throw err;
    }
  }

  /** The last run of every job that has run in this process. */
  lastRuns(): Partial<Record<keyof T, JobRunRecord>> {
    return Object.fromEntries(this.last) as Partial<Record<keyof T, JobRunRecord>>;
  }
}

/** Every job's record; see registry.ts. */
export interface Jobs {
  poll: JobRecord<{ accountId?: string } | undefined, PollRun[]>;
  expire: JobRecord<undefined, { marked: number }>;
  reconcile: JobRecord<undefined, ReconcileDueSummary>;
  deliver: JobRecord<undefined, DeliverDueSummary>;
  retention: JobRecord<undefined, RetentionSummary>;
  'sqlite-sweep': JobRecord<undefined, unknown>;
  [name: string]: JobRecord<never, unknown>;
}


/** What the ops routes and the CLI hold: runJob over the bridge's jobs, and a nudge for the reconcile worker. */
export interface JobRunner {
  runJob: JobRegistry<Jobs>['runJob'];
  kickReconcile(): void;
}
