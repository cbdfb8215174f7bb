import { getManySkipping } from '../store/records.js';
import type { Store } from '../store/types.js';
import { keys } from './keys.js';
import type { InterviewRecord } from './types.js';

/** zrangeByScore with "everything": a finite bound, since not every backend accepts Infinity. */
const ALL = Number.MAX_SAFE_INTEGER;
const MAX_FOLLOWERS = 1000;

/**
 * One upstream interview can stand for several Workable interviews: the same candidate sent the same
 * template twice (two jobs, a re-send) resolves upstream to the interview that already exists. Every such
 * bridge interview is a member of `followers:<account>:<upstreamId>`, so webhooks, polls and expiry reach
 * each of them and each gets its own PUT to its own callback_url.
 */
export async function followerIds(store: Store, accountId: string, upstreamId: string): Promise<string[]> {
  return (await store.zrangeByScore(keys.followers(accountId, upstreamId), ALL, MAX_FOLLOWERS)).map((r) => r.member);
}

/**
 * The records of every follower of the upstream interview (those still on file and still pointing at it).
 * For hints and the archive check only: never to decide a write of a follower's own record.
 */
export async function followerRecords(store: Store, accountId: string, upstreamId: string): Promise<InterviewRecord[]> {
  const ids = await followerIds(store, accountId, upstreamId);
  // One follower whose record cannot be read is left out (its own requests report it), not its siblings.
  const records = await getManySkipping<InterviewRecord>(store, ids.map((id) => keys.interview(id)), () => undefined);
  return records.filter((r): r is InterviewRecord => r !== undefined && r.accountId === accountId && r.upstreamId === upstreamId);
}

export async function follow(store: Store, accountId: string, upstreamId: string, interviewId: string, at: number): Promise<void> {
  await store.zadd(keys.followers(accountId, upstreamId), interviewId, at);
}
