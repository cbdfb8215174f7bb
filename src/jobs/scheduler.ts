import cron from 'node-cron';
import type { ScheduledTask } from 'node-cron';
import type { Container } from '../container.js';
import type { ReconcileDeps } from '../domain/reconcile.js';
import { deliverDue, startDeliveryWorker } from './deliverDue.js';
import type { DeliverDueDeps, DeliverDueSummary, DeliveryWorker } from './deliverDue.js';
import { expireOverdue } from './expireOverdue.js';
import { WorkerLoop } from './loop.js';
import { JobRegistry } from './registry.js';
import type { JobRunner, Jobs } from './registry.js';
import { pollOnce } from './pollOnce.js';
import type { PollRun } from './pollOnce.js';
import { reconcileDue } from './reconcileDue.js';
import { retentionSweep } from './retentionSweep.js';
import type { RetentionSummary } from './retentionSweep.js';
import type { ReconcileDueSummary } from './reconcileDue.js';

/**
 * The jobs as records over the container (one registry, one runJob), and the thin schedule that runs them:
 * node-cron for the poll, the expiry sweep and the retention sweep, worker loops (interval plus an immediate
 * kick) for reconciling and delivering. Each job claims its work through the store, so any number of
 * replicas can run the same schedule.
 */
export class Scheduler implements JobRunner {
  private readonly reconcileLoop: WorkerLoop;
  private deliveryWorker: DeliveryWorker | undefined;
  private readonly tasks: ScheduledTask[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  readonly registry: JobRegistry<Jobs>;

  constructor(private readonly c: Container) {
    const d = c.config.delivery;
    this.registry = new JobRegistry<Jobs>(
      {
        poll: { name: 'poll', schedule: { cron: c.config.poller.cron }, run: (input) => this.poll(input?.accountId), failed: (runs) => runs.some((r) => 'failed' in r) },
        expire: { name: 'expire', schedule: { cron: c.config.expiry.cron }, run: () => this.expire() },
        reconcile: { name: 'reconcile', schedule: { everyMs: 1000 }, run: () => this.reconcile() },
        deliver: { name: 'deliver', schedule: { everyMs: d.intervalMs }, run: () => this.deliver() },
        retention: { name: 'retention', schedule: { cron: c.config.retention.cron }, run: () => this.retention() },
        // SQLite keeps expired rows until they are read; sweep them so reports past retention really go.
        'sqlite-sweep': { name: 'sqlite-sweep', schedule: { cron: '17 * * * *' }, run: () => c.store.sweepExpired?.() ?? Promise.resolve() },
      },
      { logger: c.logger, metrics: c.metrics, now: c.now },
    );
    // A full batch means more is probably due: run again at once. Entries skipped because another replica
    // holds them do not count, or two replicas would spin on each other's leases. A failed run is already
    // logged by runJob.
    this.reconcileLoop = new WorkerLoop('reconcile', 1000, async () => {
      const s = await this.runJob('reconcile', 'schedule');
      return s.reconciled + s.failed >= c.config.reconcile.batchSize;
    }, () => undefined);
    this.onDeliveryError = (err: unknown) => c.logger.warn({ job: 'deliver', err }, 'job run failed; the next run will retry');
  }

  private readonly onDeliveryError: (err: unknown) => void;

  /** Runs one job now and records it (see JobRegistry.runJob): what the schedule, POST /ops/* and the CLI call. */
  readonly runJob: JobRegistry<Jobs>['runJob'] = (name, trigger, ...input) => this.registry.runJob(name, trigger, ...input);
  get reconcileDeps(): ReconcileDeps {
    const c = this.c;
    return {
      store: c.store,
      logger: c.logger,
      now: c.now,
      accountById: c.accountById,
      mappingFor: c.mappingFor,
      upstreamFor: c.upstreamFor,
      shareDaysFor: c.shareDaysFor,
      publicBaseUrl: c.config.server.publicBaseUrl,
      // A report never outlives its interview: retention deletes both (docs/operations.md).
      reportRetentionDays: Math.min(c.config.reports.retentionDays, c.config.retention.days),
      onEnqueued: () => this.deliveryWorker?.kick(),
      lockTtlMs: this.reconcileHoldMs,
    };
  }

  /**
   * Longest a reconcile may take: a few upstream calls, each bounded by the account's timeout, plus the PDF.
   * Lease and lock expire after it, so a replica killed mid-reconcile delays that interview by this much at
   * most (a fixed 2 minutes before, whatever the timeouts).
   */
  private get reconcileHoldMs(): number {
    return 3 * Math.max(1000, ...this.c.accounts().map((a) => a.upstream.timeoutMs)) + 15_000;
  }

  start(): void {
    this.reconcileLoop.start();
    // Deliveries run continuously (a PUT starts as soon as a slot is free), not in runJob batches; a manual
    // run (runJob('deliver')) is one batch.
    this.deliveryWorker = startDeliveryWorker(this.deliveryDeps, this.c.now, this.c.config.delivery.intervalMs, this.onDeliveryError);
    for (const name of ['poll', 'expire', 'retention', 'sqlite-sweep'] as const) {
      const job = this.registry.jobs[name];
      if (!('cron' in job.schedule) || (name === 'sqlite-sweep' && !this.c.store.sweepExpired)) continue;
      this.tasks.push(cron.schedule(job.schedule.cron, () => this.track(this.runJob(name, 'schedule')), { name, noOverlap: true }));
    }
  }

  /** Stops the schedule and waits for runs in progress. */
  async stop(): Promise<void> {
    for (const t of this.tasks) await t.stop();
    await Promise.all([this.reconcileLoop.stop(), this.deliveryWorker?.stop(), ...this.inFlight]);
  }

  kickReconcile(): void {
    this.reconcileLoop.kick();
  }

  kickDelivery(): void {
    this.deliveryWorker?.kick();
  }

  /** Manual runs, as POST /ops/* makes them (tests call these). */
  pollNow = (accountId?: string): Promise<PollRun[]> => this.runJob('poll', 'ops', { accountId });
  reconcileNow = (): Promise<ReconcileDueSummary> => this.runJob('reconcile', 'ops');
  deliverNow = (): Promise<DeliverDueSummary> => this.runJob('deliver', 'ops');
  expireNow = (): Promise<{ marked: number }> => this.runJob('expire', 'ops');
  retentionNow = (): Promise<RetentionSummary> => this.runJob('retention', 'ops');

  private async reconcile(): Promise<ReconcileDueSummary> {
    const s = await reconcileDue(this.reconcileDeps, { batchSize: this.c.config.reconcile.batchSize, concurrency: this.c.config.reconcile.concurrency, leaseMs: this.reconcileHoldMs });
    if (s.reconciled + s.failed > 0) this.c.logger.debug({ job: 'reconcile', ...s }, 'reconcile run');
    return s;
  }

  /**
   * What both the worker and a manual run deliver with. The lease is taken when a PUT starts (not while an
   * entry waits for a slot) and outlives the whole exchange: the callback client aborts at timeoutMs and
   * reads the answer for at most a second more, so another replica cannot send the same entry meanwhile.
   */
  private get deliveryDeps(): DeliverDueDeps {
    const c = this.c;
    const d = c.config.delivery;
    return {
      store: c.store,
      client: c.callbackClient,
      tokenFor: (id) => c.callbackTokenFor(id),
      onSettled: (outcome) => c.metrics.delivery(outcome),
      logger: c.logger,
      config: { ...d, leaseMs: d.timeoutMs + 15_000 },
    };
  }

  /** One manual delivery run (POST /ops/deliver, the CLI): at most batch_size entries, its summary. */
  private async deliver(): Promise<DeliverDueSummary> {
    const s = await deliverDue(this.deliveryDeps, this.c.now);
    if (s.attempted > 0) this.c.logger.info({ job: 'deliver', ...s }, 'delivery run');
    return s;
  }

  /** Polls every account (or one), then reconciles what it found. */
  private async poll(accountId?: string): Promise<PollRun[]> {
    const c = this.c;
    const out: PollRun[] = [];
    for (const account of c.accounts()) {
      if (accountId && account.id !== accountId) continue;
      try {
        const s = await pollOnce({ store: c.store, upstreamFor: c.upstreamFor, now: c.now, overlapMs: c.config.poller.overlapMs, initialLookbackMs: c.config.poller.initialLookbackMs, logger: c.logger }, account);
        if (s.skipped) c.logger.info({ job: 'poll', ...s }, 'poll skipped');
        else c.logger.info({ job: 'poll', ...s }, 'poll cycle');
        if (s.skipped) c.metrics.poll(account.id, 'skipped');
        else c.metrics.poll(account.id, 'ok', s.durationMs / 1000, s.changes);
        out.push(s);
      } catch (err) {
        c.logger.warn({ job: 'poll', accountId: account.id, err }, 'poll failed; next cycle will retry');
        c.metrics.poll(account.id, 'failed');
        out.push({ accountId: account.id, failed: true, error: (err as Error).message });
      }
    }
    this.reconcileLoop.kick();
    return out;
  }

  private async expire(): Promise<{ marked: number }> {
    const s = await expireOverdue(this.c);
    if (s.marked > 0) {
      this.c.logger.info({ job: 'expire', ...s }, 'overdue interviews marked');
      this.reconcileLoop.kick();
    }
    return s;
  }

  /** Deletes finished interviews past retention.days (docs/operations.md, "Candidate data retention"). */
  private async retention(): Promise<RetentionSummary> {
    const c = this.c;
    return retentionSweep({ store: c.store, now: c.now, days: c.config.retention.days, logger: c.logger });
  }

  private track(p: Promise<unknown>): Promise<unknown> {
    // runJob has logged and metered the failure; the schedule goes on.
    const guarded = p.catch(() => undefined);
    this.inFlight.add(guarded);
    void guarded.finally(() => this.inFlight.delete(guarded));
    return guarded;
  }
}
