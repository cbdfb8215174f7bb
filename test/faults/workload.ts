/**
 * The workload the replica scenarios share: create interviews through the replicas, finish them in the
 * sandbox, and account for what the local Workable receiver got (deliveries, duplicates, answers).
 */
import { randomUUID } from 'node:crypto';
import { startReceiver, type Receiver, type Reply } from '../support/receiver.js';
import { interviewBody } from '../support/harness.js';
import type { Cluster } from './cluster.js';
import { pool, tally } from './util.js';

export interface Created {
  id: string;
  path: string;
  upstreamId: string;
}

/** A receiver that answers what `decide` says and remembers, per callback path, which answers were 2xx. */
export interface Workable {
  receiver: Receiver;
  /** Paths that got at least one 2xx answer. */
  accepted: Set<string>;
  /** When each path's first PUT arrived (ms epoch). */
  firstArrival: Map<string, number>;
  /** Every PUT arrival per path (answered or not). */
  arrivals(path: string): number;
  close(): Promise<void>;
}

export async function startWorkable(decide: (path: string, index: number) => Reply = () => ({ status: 200, delayMs: 5 + Math.floor(Math.random() * 25) })): Promise<Workable> {
  const accepted = new Set<string>();
  const firstArrival = new Map<string, number>();
  const receiver = await startReceiver((req, index) => {
    if (!firstArrival.has(req.path)) firstArrival.set(req.path, Date.now());
    const reply = decide(req.path, index);
    if (reply.status >= 200 && reply.status < 300) accepted.add(req.path);
    return reply;
  });
  return {
    receiver,
    accepted,
    firstArrival,
    arrivals: (path) => receiver.hits(path).length,
    close: () => receiver.close(),
  };
}

/** Creates n interviews, spread round-robin, `concurrency` at a time; statuses of every answer are tallied. */
export async function createInterviews(cluster: Cluster, workableUrl: string, n: number, concurrency = 12): Promise<{ created: Created[]; statuses: Record<string, number>; ms: number }> {
  const started = Date.now();
  const statuses: number[] = [];
  const created = await pool(Array.from({ length: n }, (_, i) => i), concurrency, async (i) => {
    const path = `/interviews/${i}-${randomUUID()}`;
    const body = interviewBody(cluster.templateId, { callback_url: `${workableUrl}${path}` });
    // Workable retries a failed create; the same callback_url must come back with the same id.
    for (let attempt = 0; ; attempt++) {
      const res = await cluster.request('/interviews', { body });
      statuses.push(res.status);
      if (res.status === 201) return { id: (res.body as { interview_id: string }).interview_id, path, upstreamId: '' };
      if (attempt >= 5) throw new Error(`create failed ${res.status}: ${res.text}`);
    }
  });
  const byExternal = new Map(cluster.sandbox.state.store.all().map((iv) => [iv.externalId, iv.id]));
  for (const c of created) c.upstreamId = byExternal.get(c.id) ?? '';
  return { created, statuses: tally(statuses), ms: Date.now() - started };
}

/** The candidate finishes every interview (each sends a signed webhook through the forwarder). */
export function finishAll(cluster: Cluster, created: readonly Created[], score = 4): void {
  for (const c of created) cluster.sandbox.state.store.finish(c.upstreamId, { score });
}

/** Arrivals beyond the first per path: a result Workable was sent more than once. */
export function duplicates(w: Workable, created: readonly Created[]): { total: number; paths: string[] } {
  const paths = created.filter((c) => w.arrivals(c.path) > 1).map((c) => c.path);
  return { total: created.reduce((n, c) => n + Math.max(0, w.arrivals(c.path) - 1), 0), paths };
}

export const missing = (w: Workable, created: readonly Created[]): number => created.filter((c) => !w.accepted.has(c.path)).length;
