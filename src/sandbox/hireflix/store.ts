/**
 * The sandbox's state and every state change. Each change bumps `updatedAt` and calls `emit` with the
 * matching Hireflix webhook event; emit must not throw (the sender queues the delivery asynchronously).
 */
import {
  newHash,
  newObjectId,
  seedPositions,
  type SandboxCandidate,
  type SandboxEvent,
  type SandboxInterview,
  type SandboxPosition,
  type SandboxPositionSeed,
  type SandboxStatus,
} from './model.js';

export class SandboxError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface StoreOptions {
  positions: SandboxPositionSeed[];
  now: () => number;
  emit: (event: SandboxEvent, interview: SandboxInterview) => void;
}

export type InviteOutcome =
  | { kind: 'created'; interview: SandboxInterview }
  | { kind: 'emailExists' | 'externalIdExists' | 'quota' | 'positionNotFound'; message: string }
  | { kind: 'invalid'; message: string; fieldErrors: Array<{ flattenedPath: string; message: string }> };

export interface FinishInput {
  score?: number | null;
  answers?: Array<{ transcript?: string }>;
  durationSeconds?: number;
}

const E164 = /^\+[1-9]\d{6,14}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Checks a Hireflix score: 0.5 to 5 inclusive in half steps, or null to clear. */
export function isValidScore(score: unknown): score is number | null {
  return score === null || (typeof score === 'number' && score >= 0.5 && score <= 5 && Number.isInteger(score * 2));
}

export type SandboxStore = ReturnType<typeof createSandboxStore>;

/** What a Hireflix sandbox keeps across a restart (see common/persist.ts). */
export interface StoreSnapshot {
  positions: SandboxPosition[];
  interviews: SandboxInterview[];
  invitations: Array<[string, number]>;
  quota: number | null;
}

interface PositionIndex {
  members: Set<SandboxInterview>;
  /** How many interviews of the position carry each external id / lower-cased e-mail. */
  externalIds: Map<string, number>;
  emails: Map<string, number>;
}

/** Creates the in-memory store, seeded with `opts.positions`. */
export function createSandboxStore(opts: StoreOptions) {
  let positions: SandboxPosition[] = seedPositions(opts.positions);
  const interviews = new Map<string, SandboxInterview>();
  // Per-position indexes, so an invitation's duplicate checks and a listing cost O(1)/O(position), not O(all).
  const byPosition = new Map<string, PositionIndex>();
  const invitations = new Map<string, number>();
  let quota: number | null = null;
  // Bumped on every change that can move an interview in a listing; listings cache their sort by it.
  let version = 0;

  const indexOf = (positionId: string): PositionIndex => {
    let found = byPosition.get(positionId);
    if (!found) {
      found = { members: new Set(), externalIds: new Map(), emails: new Map() };
      byPosition.set(positionId, found);
    }
    return found;
  };
  const bump = (counts: Map<string, number>, key: string, by: 1 | -1): void => {
    const n = (counts.get(key) ?? 0) + by;
    if (n > 0) counts.set(key, n);
    else counts.delete(key);
  };
  const indexAdd = (iv: SandboxInterview, by: 1 | -1): void => {
    const idx = indexOf(iv.positionId);
    if (by === 1) idx.members.add(iv);
    else idx.members.delete(iv);
    if (iv.externalId !== null) bump(idx.externalIds, iv.externalId, by);
    bump(idx.emails, iv.candidate.email.toLowerCase(), by);
    version += 1;
  };

  const inviteKey = (positionId: string, email: string) => `${positionId}|${email.toLowerCase()}`;

  function mustGet(id: string): SandboxInterview {
    const found = interviews.get(id);
    if (!found) throw new SandboxError(404, `no interview ${id}`);
    return found;
  }

  function change(iv: SandboxInterview, event: SandboxEvent, apply: () => void): SandboxInterview {
    apply();
    version += 1;
    // Strictly increasing even when the clock is frozen, so "changed since" stays well defined.
    iv.updatedAt = Math.max(opts.now(), iv.updatedAt + 1);
    opts.emit(event, iv);
    return iv;
  }

  function positionOf(id: string): SandboxPosition | undefined {
    return positions.find((p) => p.id === id);
  }

  function invite(input: { positionId: string; externalId: string | null; candidate: SandboxCandidate }): InviteOutcome {
    const position = positionOf(input.positionId);
    if (!position) return { kind: 'positionNotFound', message: 'Position not found' };
    const { candidate } = input;
    const fieldErrors: Array<{ flattenedPath: string; message: string }> = [];
    if (candidate.phone !== undefined && !E164.test(candidate.phone)) {
      fieldErrors.push({ flattenedPath: 'candidate.phone', message: 'Phone number must be in international format with country code, e.g. +32491505050' });
    }
    if (!EMAIL.test(candidate.email)) fieldErrors.push({ flattenedPath: 'candidate.email', message: 'Invalid email' });
    if (fieldErrors.length > 0) return { kind: 'invalid', message: 'Validation failed', fieldErrors };
    const idx = indexOf(position.id);
    if (input.externalId !== null && idx.externalIds.has(input.externalId)) {
      return { kind: 'externalIdExists', message: 'An interview with this external id already exists in this position' };
    }
    if (idx.emails.has(candidate.email.toLowerCase())) {
      return { kind: 'emailExists', message: 'The candidate has already been invited to this position' };
    }
    if (quota !== null && quota <= 0) return { kind: 'quota', message: 'You have exceeded the invites of your plan for this period' };
    if (quota !== null) quota -= 1;
    const now = opts.now();
    const iv: SandboxInterview = {
      id: newObjectId(),
      hash: newHash(),
      positionId: position.id,
      externalId: input.externalId,
      candidate: { ...candidate },
      status: 'pending',
      createdAt: now,
      updatedAt: now,
      startedAt: null,
      completedAt: null,
      discardedAt: null,
      expires: position.expires ?? null,
      score: null,
      durationSeconds: null,
      answers: [],
    };
    interviews.set(iv.id, iv);
    indexAdd(iv, 1);
    const key = inviteKey(position.id, candidate.email);
    invitations.set(key, (invitations.get(key) ?? 0) + 1);
    opts.emit('interview.create', iv);
    return { kind: 'created', interview: iv };
  }

  function finish(id: string, input: FinishInput): SandboxInterview {
    const iv = mustGet(id);
    if (iv.status !== 'pending') throw new SandboxError(409, `interview ${id} is ${iv.status}, not pending`);
    if (input.score !== undefined && !isValidScore(input.score)) throw new SandboxError(400, 'score must be 0.5 to 5 in half steps, or null');
    const questions = positionOf(iv.positionId)?.questions ?? [];
    return change(iv, 'interview.finish', () => {
      const now = opts.now();
      iv.status = 'completed';
      iv.startedAt ??= now;
      iv.completedAt = now;
      iv.score = input.score ?? iv.score;
      iv.durationSeconds = input.durationSeconds ?? null;
      iv.answers = questions.map((q, n) => ({
        transcript: input.answers?.[n]?.transcript ?? `Sample answer to "${q.title}".`,
      }));
    });
  }

  function setStatus(id: string, status: SandboxStatus): SandboxInterview {
    const iv = mustGet(id);
    return change(iv, 'interview.status-change', () => {
      iv.status = status;
      iv.discardedAt = status === 'discarded' ? opts.now() : null;
    });
  }

  return {
    positions: () => positions,
    position: positionOf,
    get: (id: string) => interviews.get(id),
    /** The interviews of one position, in no particular order. */
    inPosition: (positionId: string): ReadonlySet<SandboxInterview> => byPosition.get(positionId)?.members ?? new Set(),
    /** Changes whenever an interview is added, removed or changed (for caches of sorted listings). */
    version: () => version,
    mustGet,
    all: () => [...interviews.values()],
    invite,
    finish,
    setStatus,
    /** Un-discarding or un-shortlisting returns to the stage the candidate's progress implies. */
    restore: (id: string) => setStatus(id, mustGet(id).completedAt === null ? 'pending' : 'completed'),
    /** Sets (or with null clears) an interview's deadline. No webhook: Hireflix documents no event for it. */
    setExpires(id: string, expires: number | null): SandboxInterview {
      const iv = mustGet(id);
      iv.expires = expires;
      iv.updatedAt = Math.max(opts.now(), iv.updatedAt + 1);
      version += 1;
      return iv;
    },
    /** Sets (or clears) a position's deadline, which interviews invited from then on take. */
    setPositionExpires(id: string, expires: number | null): SandboxPosition {
      const p = positionOf(id);
      if (!p) throw new SandboxError(404, `no position ${id}`);
      p.expires = expires;
      version += 1;
      return p;
    },
    start(id: string): SandboxInterview {
      const iv = mustGet(id);
      if (iv.status !== 'pending') throw new SandboxError(409, `interview ${id} is ${iv.status}, not pending`);
      // Hireflix sends no event for a started interview; only the timestamp moves.
      iv.startedAt = opts.now();
      iv.updatedAt = Math.max(opts.now(), iv.updatedAt + 1);
      version += 1;
      return iv;
    },
    setScore(id: string, score: unknown): SandboxInterview {
      const iv = mustGet(id);
      if (!isValidScore(score)) throw new SandboxError(400, 'score must be 0.5 to 5 in half steps, or null');
      return change(iv, 'interview.score-updated', () => {
        iv.score = score;
      });
    },
    remove(id: string): SandboxInterview {
      const iv = mustGet(id);
      interviews.delete(id);
      indexAdd(iv, -1);
      iv.updatedAt = Math.max(opts.now(), iv.updatedAt + 1);
      opts.emit('interview.delete', iv);
      return iv;
    },
    invitationCount: (positionId: string, email: string) => invitations.get(inviteKey(positionId, email)) ?? 0,
    invitations: () => [...invitations.entries()].map(([k, count]) => {
      const [positionId = '', email = ''] = k.split('|');
      return { positionId, email, count };
    }),
    setQuota(remaining: number | null): void {
      quota = remaining;
    },
    /** The records as plain JSON (common/persist.ts): positions with their question ids, interviews, counts. */
    snapshot(): StoreSnapshot {
      return { positions, interviews: [...interviews.values()], invitations: [...invitations.entries()], quota };
    },
    /** Replaces every record with a snapshot's (a simulator restarted on its state file). */
    loadSnapshot(snap: StoreSnapshot): void {
      positions = snap.positions;
      interviews.clear();
      byPosition.clear();
      for (const iv of snap.interviews) {
        interviews.set(iv.id, iv);
        indexAdd(iv, 1);
      }
      invitations.clear();
      for (const [k, n] of snap.invitations) invitations.set(k, n);
      quota = snap.quota;
      version += 1;
    },
    reset(seeds: SandboxPositionSeed[]): void {
      positions = seedPositions(seeds);
      interviews.clear();
      byPosition.clear();
      version += 1;
      invitations.clear();
      quota = null;
    },
  };
}
