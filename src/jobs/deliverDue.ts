import type { BridgeConfig } from '../config/types.js';
import { hostOf, settleDelivery } from '../domain/delivery.js';
import type { SettleDeps, Tally } from '../domain/delivery.js';
import { keys } from '../domain/keys.js';
import { lockClaim, withLease, withLock } from '../domain/lock.js';
import { DUE_INDEX, interviewLock, outboxKey, type OutboxEntry } from '../domain/outbox.js';
import { getManySkipping } from '../store/records.js';
import { StoreUnavailableError } from '../store/types.js';
import type { CallbackClient } from '../workable/callbackClient.js';

export type { DeliveryLogger } from '../domain/delivery.js';

/** Tuning of one delivery run. */
/**
 * The delivery settings of config/bridge.yaml (each documented there and in BridgeConfig) plus the
 * per-entry lease, which must exceed the callback client's timeout so no other replica sends meanwhile.
 */
export type DeliverDueConfig = Pick<BridgeConfig['delivery'], 'horizonMs' | 'baseDelayMs' | 'maxDelayMs' | 'concurrency' | 'perHostConcurrency' | 'batchSize'> & {
  leaseMs: number;
};

/** What deliverDue needs beyond settling (SettleDeps): the client and each account's Workable token. */
export interface DeliverDueDeps extends SettleDeps {
  client: CallbackClient;
  tokenFor: (accountId: string) => string | undefined;
  config: DeliverDueConfig;
}

/** Counts of one run. attempted = PUTs made; dead includes entries refused before a PUT. */
export interface DeliverDueSummary {
  attempted: number;
  delivered: number;
  retried: number;
  dead: number;
  skipped: number;
}

const NO_TOKEN = 'no Workable token configured for account';

/** Listed entries a pool holds back (their host is full) before it stops looking further, in batches. */
const MAX_WINDOW_BATCHES = 10;

/**
 * A continuous delivery pool: at most `concurrency` PUTs in flight, at most `perHostConcurrency` per callback
 * host, and a slot that frees up is given at once to the next listed entry whose host has room. There is no
 * batch barrier: a PUT that hangs until the client's timeout holds its own slot and nothing else.
 *
 * Work comes from listings of the due index, each at most batch_size entries beyond those the pool already
 * holds (in flight, waiting for their host, or skipped), so entries behind a full host are still seen, up to
 * MAX_WINDOW_BATCHES batches held back. A listing happens when asked (refresh), and again while the last one
 * was full. Entries another replica holds (its lease) are skipped and not tried again until the next refresh
 * that forgets them, so replicas never spin on each other's leases.
 */
class DeliveryPool {
  readonly summary: DeliverDueSummary = { attempted: 0, delivered: 0, retried: 0, dead: 0, skipped: 0 };
  /** The store failure that paused the pool (until the next refresh), if any. */
  failure: unknown;
  /** Listed entries waiting for a slot, per callback host in listing order (a full host is skipped in one step). */
  private readonly waiting = new Map<string, string[]>();
  private readonly queued = new Set<string>();
  private readonly inFlight = new Map<string, string>();
  private readonly hostActive = new Map<string, number>();
  /** Entries settled as skipped: not tried again until forget(). */
  private readonly held = new Set<string>();
  /** In flight when new work was announced: a newer payload for them may be due once they settle. */
  private readonly announced = new Set<string>();
  private listing = false;
  private wanted = false;
  private more = false;
  private started = 0;
  private stopped = false;
  private readonly idleWaiters: Array<() => void> = [];

  constructor(
    private readonly deps: DeliverDueDeps,
    private readonly now: () => Date,
    /** Entries one pool takes at most (a manual run); unbounded for the worker. */
    private readonly maxStarts = Number.POSITIVE_INFINITY,
    /** Told once when a store failure pauses the pool. */
    private readonly onPause: (err: unknown) => void = () => undefined,
  ) {}

  /** Looks at the due index again; `forget` also retries entries skipped so far and lifts a store pause. */
  refresh(forget: boolean): void {
    if (forget) {
      this.held.clear();
      this.failure = undefined;
    }
    else for (const id of this.inFlight.keys()) this.announced.add(id);
    this.wanted = true;
    this.pump();
  }

  /** Resolves once nothing is in flight and nothing more can start. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Starts nothing more; idle() then waits for the PUTs in flight. */
  stop(): void {
    this.stopped = true;
    this.pump();
  }

  private get max(): number {
    return Math.max(1, this.deps.config.concurrency);
  }

  private get perHost(): number {
    return Math.max(1, this.deps.config.perHostConcurrency);
  }

  private get accepting(): boolean {
    return !this.stopped && this.failure === undefined && this.started < this.maxStarts;
  }

  private isIdle(): boolean {
    return this.inFlight.size === 0 && !this.listing;
  }

  private pump(): void {
    if (this.accepting) {
      for (const [host, ids] of this.waiting) {
        if (this.inFlight.size >= this.max || this.started >= this.maxStarts) break;
        while (ids.length > 0 && (this.hostActive.get(host) ?? 0) < this.perHost && this.inFlight.size < this.max && this.started < this.maxStarts) {
          const id = ids.shift() as string;
          this.queued.delete(id);
          this.launch(id, host);
        }
        if (ids.length === 0) this.waiting.delete(host);
      }
      const roomToLook = this.queued.size < MAX_WINDOW_BATCHES * Math.max(1, this.deps.config.batchSize);
      if (!this.listing && this.inFlight.size < this.max && this.started < this.maxStarts && (this.wanted || (this.more && roomToLook))) {
        this.wanted = false;
        this.listing = true;
        void this.list().finally(() => {
          this.listing = false;
          this.pump();
        });
      }
    }
    if (this.isIdle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private async list(): Promise<void> {
    const { store, config } = this.deps;
    try {
      const limit = Math.max(1, config.batchSize) + this.queued.size + this.inFlight.size + this.held.size;
      const due = await store.zrangeByScore(DUE_INDEX, this.now().getTime(), limit);
      const fresh = due.filter(({ member: id }) => !this.inFlight.has(id) && !this.queued.has(id) && !this.held.has(id));
      // An entry that cannot be read is held back until the next refresh that forgets (and logged), instead of
      // pausing all delivery: the others go on.
      const unreadable = new Set<string>();
      const entries = await getManySkipping<OutboxEntry>(store, fresh.map((d) => outboxKey(d.member)), (key, err) => {
        unreadable.add(key);
        this.deps.logger?.error({ key, err: err.message }, 'delivery skipped an outbox entry it cannot read');
      });
      fresh.forEach(({ member: id }, i) => {
        if (unreadable.has(outboxKey(id))) {
          this.held.add(id);
          return;
        }
        const host = hostOf(entries[i]?.callbackUrl ?? '');
        const ids = this.waiting.get(host);
        if (ids) ids.push(id);
        else this.waiting.set(host, [id]);
        this.queued.add(id);
      });
      this.more = due.length >= limit;
    } catch (err) {
      this.pause(err);
    }
  }

  private launch(id: string, host: string): void {
    this.started += 1;
    this.inFlight.set(id, host);
    this.hostActive.set(host, (this.hostActive.get(host) ?? 0) + 1);
    void this.deliver(id).then((tally) => {
      this.summary[tally] += 1;
      this.inFlight.delete(id);
      const active = (this.hostActive.get(host) ?? 1) - 1;
      if (active > 0) this.hostActive.set(host, active);
      else this.hostActive.delete(host);
      if (tally === 'skipped') this.held.add(id);
      if (this.announced.delete(id)) this.wanted = true;
      this.pump();
    });
  }

  private async deliver(id: string): Promise<Tally> {
    try {
      return await deliverOne(this.deps, id, this.now, () => { this.summary.attempted += 1; });
    } catch (err) {
      if (err instanceof StoreUnavailableError) this.pause(err);
      else this.deps.logger?.error({ interviewId: id, err }, 'delivery failed');
      return 'skipped';
    }
  }

  /** A store failure: start nothing more until the next refresh that forgets (the worker's next interval). */
  private pause(err: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = err;
    try {
      this.onPause(err);
    } catch {
      // A reporter that throws must not leave the pool's own bookkeeping half done.
    }
  }
}

/**
 * One delivery run (POST /ops/deliver, the CLI, tests): takes at most batch_size due entries, as slots free
 * up, and resolves with their summary once all have settled. Entries leave the outbox only once Workable has
 * them, so a process killed at any point re-sends on restart. Errors of one entry are logged and counted as
 * skipped; a store outage rejects the run (with StoreUnavailableError) once the entries in flight settled.
 */
export async function deliverDue(deps: DeliverDueDeps, now: () => Date): Promise<DeliverDueSummary> {
  const pool = new DeliveryPool(deps, now, Math.max(1, deps.config.batchSize));
  pool.refresh(true);
  await pool.idle();
  // Rethrown as the store threw it (StoreUnavailableError, or whatever listing the due entries threw).
  if (pool.failure !== undefined) throw pool.failure as unknown;
  return pool.summary;
}

/** The delivery worker the scheduler runs: delivers due entries until stopped. */
export interface DeliveryWorker {
  /** New work may be due (an entry was enqueued): look for it now. */
  kick(): void;
  /** Stops taking work and waits for the PUTs in flight to settle. */
  stop(): Promise<void>;
}

/**
 * The scheduler's worker: one long-lived DeliveryPool, looked at again on every kick (an entry enqueued) and
 * every `intervalMs` (retries falling due; entries skipped or a store failure forgotten). A store failure is
 * reported to onError and pauses the pool until the next interval; PUTs in flight still settle.
 */
export function startDeliveryWorker(deps: DeliverDueDeps, now: () => Date, intervalMs: number, onError: (err: unknown) => void): DeliveryWorker {
  const pool = new DeliveryPool(deps, now, Number.POSITIVE_INFINITY, onError);
  const timer = setInterval(() => pool.refresh(true), Math.max(1, intervalMs));
  timer.unref();
  pool.refresh(true);
  return {
    kick: () => pool.refresh(false),
    stop: async () => {
      clearInterval(timer);
      pool.stop();
      await pool.idle();
    },
  };
}

/** Lease, read, PUT (outside any lock), settle. */
async function deliverOne(deps: DeliverDueDeps, id: string, now: () => Date, onAttempt: () => void): Promise<Tally> {
  const { store, config } = deps;
  // On Redis the lease and the first read are one call, made only while nobody holds the interview lock.
  // The record is read too, though only the settle uses it: one that cannot be read stops the delivery
  // before the PUT (the settle could not record it, and the PUT would repeat on every run).
  const firstRead = { keys: [outboxKey(id), keys.interview(id)], guard: lockClaim(interviewLock(id)) };
  const run = await withLease(store, keys.lease.deliver(id), config.leaseMs, async (first): Promise<Tally> => {
    // Read while the interview lock is free: if a holder (say a replica killed mid-reconcile) keeps it, give up
    // now, before the PUT, rather than send and then be unable to record it, which would send it again and
    // again. A lock that cannot be released (store failing) stops it here too: no PUT that could not be recorded.
    const entry =
      first && !first.guarded
        ? (first.values[0] as OutboxEntry | undefined)
        : await withLock(store, interviewLock(id), async () => (await store.getMany<OutboxEntry>([outboxKey(id), keys.interview(id)]))[0], { mustRelease: true });
    if (entry === undefined) {
      // An index member without an entry: a crash between two writes, or another replica finished it.
      await withLock(store, interviewLock(id), async () => {
        if ((await store.get(outboxKey(id))) === undefined) await store.zrem(DUE_INDEX, id);
      });
      return 'skipped';
    }
    // Another replica may have tried and rescheduled it since this run listed it.
    if (Date.parse(entry.nextAttemptAt) > now().getTime()) return 'skipped';
    const token = deps.tokenFor(entry.accountId);
    if (token === undefined) return await settleDelivery(deps, entry, { kind: 'dead', error: NO_TOKEN, durationMs: 0 }, now());
    onAttempt();
    const outcome = await deps.client.put(entry.callbackUrl, token, entry.payload);
    return await settleDelivery(deps, entry, outcome, now());
  }, firstRead);
  return run.ran ? run.value : 'skipped';
}
