/**
 * Bulk fixtures: interviews in the sandbox and the matching tracked interviews in the bridge's store,
 * written directly with the real key layout (src/domain/keys.ts) through the Store API, so values are
 * serialised exactly as the bridge writes them. A record has the shape createInterview leaves after a
 * successful invitation (draftRecord + the invited fields): template name, phase 'invited', upstream id,
 * candidate URL, expiry deadline; written with createInterview's writes: the record, its follower index
 * (`followers:<account>:<upstreamId>`) and its member of the expiry index. (Interview ids are derived from account + callback_url,
 * so there is no idempotency record, and Hireflix echoes our id, so there is no upstream-id index.)
 */
import { randomBytes } from 'node:crypto';
import { keys } from '../../src/domain/keys.js';
import type { InterviewRecord } from '../../src/domain/types.js';
import type { SandboxInterview } from '../../src/sandbox/hireflix/index.js';
import type { HireflixSandbox } from '../../src/sandbox/hireflix/index.js';
import type { Store } from '../../src/store/types.js';

const DAY_MS = 86_400_000;

/** Runs fn over items with at most `width` calls in flight. */
export async function pool<T>(items: T[], width: number, fn: (item: T, i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

/** The record createInterview stores for an invited interview (same fields, realistic sizes). */
export function invitedRecord(iv: SandboxInterview, accountId: string, candidateUrl: string, createdAtMs: number, templateName?: string): InterviewRecord {
  const createdAt = new Date(createdAtMs).toISOString();
  return {
    id: iv.externalId!,
    accountId,
    upstream: 'hireflix',
    upstreamId: iv.id,
    templateId: iv.positionId,
    ...(templateName !== undefined ? { templateName } : {}),
    jobId: String(100000 + (createdAtMs % 900000)),
    jobTitle: 'Operations Manager',
    callbackUrl: `https://groove-tech.workable.com/spi/v3/interviews/${iv.externalId}/callback`,
    candidate: { firstName: iv.candidate.firstName, lastName: iv.candidate.lastName, email: iv.candidate.email, ...(iv.candidate.phone ? { phone: iv.candidate.phone } : {}) },
    candidateUrl,
    createdAt,
    updatedAt: createdAt,
    phase: 'invited',
    current: { status: 'pending' },
    expiresAt: new Date(createdAtMs + 30 * DAY_MS).toISOString(),
  };
}

export interface SeedOptions {
  count: number;
  accountId: string;
  /** Epoch ms of the first interview; each next one is 1 ms later (distinct updatedAt values). */
  startMs: number;
  /** Store writes in flight at once. */
  width?: number;
  onProgress?: (done: number) => void;
}

/**
 * Invites `count` candidates in the sandbox (round-robin over its open positions, via the sandbox's own
 * store, so no HTTP) and writes the bridge's records for them. The sandbox clock must be advanced by the
 * caller through `setClock`. Returns the bridge ids, in creation order.
 */
export async function seedInterviews(store: Store, sandbox: HireflixSandbox, setClock: (ms: number) => void, o: SeedOptions): Promise<string[]> {
  const positions = sandbox.state.store.positions().filter((p) => p.archived === null);
  const ids: string[] = [];
  const chunk = 5000;
  for (let start = 0; start < o.count; start += chunk) {
    const batch: Array<{ iv: SandboxInterview; at: number; templateName: string }> = [];
    for (let i = start; i < Math.min(o.count, start + chunk); i++) {
      const at = o.startMs + i;
      setClock(at);
      const position = positions[i % positions.length]!;
      const externalId = randomBytes(16).toString('base64url');
      const out = sandbox.state.store.invite({
        positionId: position.id,
        externalId,
        candidate: { firstName: 'Lakita', lastName: `Marrero${i}`, email: `lakita.marrero.${i}@example.com`, phone: '+17859916256' },
      });
      if (out.kind !== 'created') throw new Error(`sandbox refused invitation ${i}: ${out.kind}`);
      batch.push({ iv: out.interview, at, templateName: position.name });
    }
    await pool(batch, o.width ?? 128, async ({ iv, at, templateName }) => {
      const record = invitedRecord(iv, o.accountId, `${sandbox.state.baseUrl()}/_sandbox/take/${iv.hash}`, at, templateName);
      // The writes createInterview makes for an invitation: the record, its follower index, its expiry.
      await store.writeAll([
        { op: 'set', key: keys.interview(record.id), value: record },
        { op: 'zadd', index: keys.followers(o.accountId, iv.id), member: record.id, score: at },
        { op: 'zadd', index: keys.expiryIndex, member: record.id, score: Date.parse(record.expiresAt!) },
      ]);
    });
    for (const { iv } of batch) ids.push(iv.externalId!);
    o.onProgress?.(ids.length);
  }
  return ids;
}
