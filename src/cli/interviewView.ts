/**
 * The operator's view of one interview: the record, its outbox entry, dead letter and attempt log, read
 * with the real key layout and masked before anything prints it.
 */
import { followerIds } from '../domain/followers.js';
import { keys } from '../domain/keys.js';
import { resultHash } from '../domain/mapping/result.js';
import { deadLetterKey, getAttempts, outboxKey } from '../domain/outbox.js';
import type { AttemptRecord, DeadLetter, OutboxEntry } from '../domain/outbox.js';
import type { InterviewRecord } from '../domain/types.js';
import type { Store } from '../store/index.js';
import { withoutAnswer } from '../workable/answerReason.js';
import { maskDeep } from './mask.js';

/** Everything the bridge knows about one interview, shaped for an operator. */
export interface InterviewView {
  id: string;
  account: string;
  upstream: { kind: string; id: string | null };
  /** Other bridge interviews following the same upstream interview (the same candidate sent it twice). */
  alsoFollowedBy: string[];
  template: { id: string; name: string | null };
  job: { id: string | null; title: string };
  candidate: { name: string; email: string; phone: string | null };
  callbackUrl: string;
  phase: InterviewRecord['phase'];
  status: string;
  final: boolean;
  createdAt: string;
  updatedAt: string;
  expiresAt: string | null;
  current: { hash: string; payload: unknown };
  lastDelivered: { hash: string; at: string | null } | null;
  outbox: { hash: string; payload: unknown; attempts: number; enqueuedAt: string; nextAttemptAt: string; lastStatus: number | null; lastError: string | null } | null;
  deadLetter: { hash: string; payload: unknown; deadAt: string; reason: string; status: number | null; attempts: number } | null;
  attempts: AttemptRecord[];
}

/** Reads the record, outbox entry, dead letter and attempt log; undefined when the id is unknown. */
export async function loadInterviewView(store: Store, id: string): Promise<InterviewView | undefined> {
  const r = await store.get<InterviewRecord>(keys.interview(id));
  if (!r) return undefined;
  const [entry, dead, attempts, followers] = await Promise.all([
    store.get<OutboxEntry>(outboxKey(id)),
    store.get<DeadLetter>(deadLetterKey(id)),
    getAttempts(store, id),
    r.upstreamId ? followerIds(store, r.accountId, r.upstreamId) : Promise.resolve([]),
  ]);
  const view: InterviewView = {
    id: r.id,
    account: r.accountId,
    upstream: { kind: r.upstream, id: r.upstreamId },
    alsoFollowedBy: followers.filter((f) => f !== r.id),
    template: { id: r.templateId, name: r.templateName ?? null },
    job: { id: r.jobId ?? null, title: r.jobTitle },
    candidate: { name: `${r.candidate.firstName} ${r.candidate.lastName}`, email: r.candidate.email, phone: r.candidate.phone ?? null },
    callbackUrl: r.callbackUrl,
    phase: r.phase,
    status: r.current.status,
    final: r.final === true,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    expiresAt: r.expiresAt ?? null,
    current: { hash: resultHash(r.current), payload: r.current },
    lastDelivered: r.deliveredHash ? { hash: r.deliveredHash, at: r.deliveredAt ?? null } : null,
    outbox: entry
      ? { hash: entry.hash, payload: entry.payload, attempts: entry.attempts, enqueuedAt: entry.enqueuedAt, nextAttemptAt: entry.nextAttemptAt, lastStatus: entry.lastStatus ?? null, lastError: entry.lastError === undefined ? null : withoutAnswer(entry.lastError) }
      : null,
    deadLetter: dead
      ? { hash: dead.hash, payload: dead.payload, deadAt: dead.deadAt, reason: withoutAnswer(dead.reason), status: dead.status ?? null, attempts: dead.attempts }
      : null,
    // Reasons recorded before Workable's answers were dropped may still hold a snippet of one.
    attempts: attempts.map((a) => (a.error === undefined ? a : { ...a, error: withoutAnswer(a.error) })),
  };
  // Contacts are masked everywhere in the view, payloads included: profiles may copy them into details.
  const phones = [r.candidate.phone ?? ''].filter(Boolean);
  return maskDeep(view, phones) as InterviewView;
}
