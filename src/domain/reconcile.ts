import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { MappingProfile } from '../config/mappingSchema.js';
import type { AccountConfig } from '../config/types.js';
import type { ReportInput } from '../reports/pdf.js';
import type { Store, StoreWrite } from '../store/types.js';
import type { Upstream, UpstreamInterview } from '../upstreams/types.js';
import type { WorkableResult } from '../workable/payload.js';
import { followerRecords } from './followers.js';
import { keys } from './keys.js';
import { withLock } from './lock.js';
import { buildReportInput, buildResult, decideStatus, resultHash, resultsUrlFromField } from './mapping/index.js';
import { interviewLock, planEnqueue } from './outbox.js';
import { ensureShareLink } from './sharedLink.js';
import type { ShareDeps } from './sharedLink.js';
import type { InterviewRecord } from './types.js';

const DAY_MS = 24 * 3600 * 1000;

export interface ReconcileDeps extends ShareDeps {
  store: Store;
  logger: Logger;
  accountById(id: string): AccountConfig | undefined;
  mappingFor(account: AccountConfig): MappingProfile;
  publicBaseUrl: string;
  /** Longest a report link may work (days): reports.retention_days capped by retention.days. */
  reportRetentionDays: number;
  /** Tells the delivery worker there is something to send now (in-process nudge; the outbox is the truth). */
  onEnqueued?: () => void;
  /**
   * Expiry of the per-interview lock held while reconciling (upstream reads, share link, PDF). A holder that
   * dies keeps others out this long, so it should just outlast the slowest reconcile. Default 60 s.
   */
  lockTtlMs?: number;
}

export type ReconcileOutcome =
  | { kind: 'skipped'; reason: string }
  | { kind: 'held'; until: string }
  | { kind: 'unchanged'; status: WorkableResult['status'] }
  | { kind: 'enqueued'; status: WorkableResult['status'] };

/**
 * A report as stored: what the PDF shows, frozen when the result changed, served as a PDF at
 * /reports/<id>.pdf until it expires. Rendering happens when the report is fetched, off the reconcile path
 * (a poll that completes 1,000 interviews must not render 1,000 PDFs), and the input is a fraction of the
 * PDF's size in the store.
 */
export interface StoredReport {
  interviewId: string;
  accountId: string;
  createdAt: string;
  input: Omit<ReportInput, 'generatedAt'> & { generatedAt: string };
}

export const reportUrl = (base: string, reportId: string): string => `${base}/reports/${reportId}.pdf`;

/**
 * Level-triggered reconciliation of one interview: read what the upstream says now, map it through the
 * account's profile, and hand Workable the difference. Webhooks, polls and the expiry sweep only say "look
 * at this one"; repeating a call is harmless, and a lost hint is caught by the next one.
 */
export async function reconcile(deps: ReconcileDeps, interviewId: string): Promise<ReconcileOutcome> {
  return withLock(
    deps.store,
    interviewLock(interviewId),
    async () => {
      const record = await deps.store.get<InterviewRecord>(keys.interview(interviewId));
      if (!record || record.phase !== 'invited' || !record.upstreamId) return { kind: 'skipped', reason: 'not invited' };
      if (record.final) return { kind: 'skipped', reason: 'final' };
      const account = deps.accountById(record.accountId);
      if (!account) return { kind: 'skipped', reason: `account ${record.accountId} is no longer configured` };
      return reconcileRecord(deps, account, record);
    },
    { ttlMs: deps.lockTtlMs ?? 60_000, waitMs: Math.min(30_000, deps.lockTtlMs ?? 60_000) },
  );
}

async function reconcileRecord(deps: ReconcileDeps, account: AccountConfig, record: InterviewRecord): Promise<ReconcileOutcome> {
  const now = deps.now();
  const profile = deps.mappingFor(account);
  const upstream = deps.upstreamFor(account);
  const snapshot = await upstream.getInterview(record.upstreamId!);
  const next: InterviewRecord = { ...record, updatedAt: now.toISOString() };
  if (snapshot && profile.status.states[snapshot.state] === 'completed' && !next.completedSeenAt) next.completedSeenAt = now.toISOString();

  const deadline = followUpstreamDeadline(deps, next, snapshot);
  const decision = decideStatus(profile, snapshot, { createdAt: record.createdAt, completedSeenAt: next.completedSeenAt, expiresAt: next.expiresAt, now });
  if (decision.unmappedState) deps.logger.warn({ interviewId: record.id, state: decision.unmappedState, mapping: account.mapping }, 'upstream state has no mapping; treated as pending');
  if (decision.hold) {
    await deps.store.writeAll([
      { op: 'set', key: keys.interview(record.id), value: next },
      ...deadline,
      { op: 'zadd', index: keys.reconcileIndex, member: record.id, score: Date.parse(decision.hold.until) },
    ]);
    return { kind: 'held', until: decision.hold.until };
  }

  // Everything this reconcile learnt is written at once (one Store.writeAll): the record (possibly final),
  // its report, the expiry index and the outbox entry. A store failure leaves none of it, so the interview is
  // neither final nor done and the next reconcile (the hint stays) does the same again.
  // A moved deadline first: a finished interview's zrem below then takes it out again.
  const writes: StoreWrite[] = [...deadline];
  const payload = await buildPayload(deps, account, profile, next, snapshot, decision.status, writes);
  next.current = payload;
  if (payload.status !== 'pending') writes.push({ op: 'zrem', index: keys.expiryIndex, member: record.id });
  // Deleted upstream or expired by the bridge: nothing the upstream says later can change the outcome.
  if (snapshot === null || (payload.status === 'expired' && snapshot.state !== 'expired')) next.final = true;
  writes.push({ op: 'set', key: keys.interview(record.id), value: next });
  // Archived only once the expiry is on file: archived first, a store failure would leave an interview that
  // the next reconcile reads as discarded, which the profile may map to another status than expired.
  const archive = async (): Promise<void> => {
    if (payload.status !== 'expired' || !snapshot || !profile.expiry.archiveUpstream) return;
    // Another Workable interview still waiting on the same upstream interview: archiving it would end that one too.
    const others = (await followerRecords(deps.store, record.accountId, record.upstreamId!)).filter((r) => r.id !== record.id);
    if (others.some((r) => r.phase === 'invited' && !r.final && r.current.status === 'pending')) {
      deps.logger.info({ interviewId: record.id }, 'expired; not archived upstream while another interview follows it');
      return;
    }
    await archiveQuietly(deps, upstream, record);
  };

  // Workable starts every interview as pending: only a change away from it is published.
  const hash = resultHash(payload);
  if (payload.status === 'pending' || hash === record.deliveredHash) {
    await deps.store.writeAll(writes);
    await archive();
    return { kind: 'unchanged', status: payload.status };
  }
  const enqueued = await planEnqueue(deps.store, { interviewId: record.id, accountId: record.accountId, callbackUrl: record.callbackUrl, payload, hash }, now);
  await deps.store.writeAll([...writes, ...enqueued.writes]);
  await archive();
  deps.onEnqueued?.();
  deps.logger.info({ interviewId: record.id, status: payload.status }, 'result queued for Workable');
  return { kind: 'enqueued', status: payload.status };
}

async function buildPayload(
  deps: ReconcileDeps,
  account: AccountConfig,
  profile: MappingProfile,
  record: InterviewRecord,
  snapshot: UpstreamInterview | null,
  status: WorkableResult['status'],
  /** Where the report to store goes: written by the caller, with the record that names it. */
  writes: StoreWrite[],
): Promise<WorkableResult> {
  if (status !== 'completed') return buildResult(profile, { status, snapshot, record });
  const ctx = { snapshot, record };
  let resultsUrl = resultsUrlFromField(profile, ctx);
  if (!resultsUrl) {
    const share = await ensureShareLink(deps, account, record);
    resultsUrl = share.url;
    const stored = await deps.store.get<InterviewRecord>(keys.interview(record.id));
    if (stored?.share) record.share = stored.share;
  }
  let url: string | undefined;
  if (profile.report.enabled) {
    record.reportId ??= randomBytes(24).toString('base64url');
    url = reportUrl(deps.publicBaseUrl, record.reportId);
  }
  const payload = buildResult(profile, { status, snapshot, record, resultsUrl, ...(url ? { reportUrl: url } : {}) });
  if (record.reportId && resultHash(payload) !== resultHash(record.current)) {
    // Frozen only when the result changed: the report always matches what Workable is sent.
    const now = deps.now();
    const input = buildReportInput(profile, { snapshot, record, status, resultsUrl, generatedAt: now });
    const report: StoredReport = { interviewId: record.id, accountId: record.accountId, createdAt: now.toISOString(), input: { ...input, generatedAt: now.toISOString() } };
    // The link lives the profile's report.retention_days, never longer than the bridge allows (see ReconcileDeps).
    writes.push({ op: 'set', key: keys.report(record.reportId), value: report, ttlMs: Math.min(profile.report.retentionDays, deps.reportRetentionDays) * DAY_MS });
  }
  return payload;
}

/**
 * The bridge's deadline follows the upstream's (e.g. a recruiter extends a Hireflix interview): a deadline
 * the upstream reports and the bridge has not adopted yet replaces expiresAt and moves the expiry index.
 * Only a change counts, so an operator's `expire` (expiresAt = now) is not undone by the deadline the
 * upstream has had all along.
 */
function followUpstreamDeadline(deps: ReconcileDeps, next: InterviewRecord, snapshot: UpstreamInterview | null): StoreWrite[] {
  const deadline = snapshot?.expiresAt;
  if (!deadline || deadline === next.upstreamExpiresAt || next.current.status !== 'pending') return [];
  next.expiresAt = deadline;
  next.upstreamExpiresAt = deadline;
  deps.logger.info({ interviewId: next.id, expiresAt: deadline }, 'deadline follows the upstream');
  // Written with the record, in the reconcile's one writeAll.
  return [{ op: 'zadd', index: keys.expiryIndex, member: next.id, score: Date.parse(deadline) }];
}

async function archiveQuietly(deps: ReconcileDeps, upstream: Upstream, record: InterviewRecord): Promise<void> {
  try {
    await upstream.archive(record.upstreamId!);
  } catch (err) {
    // Archiving is a courtesy to the recruiter; the expiry itself must still reach Workable.
    deps.logger.warn({ interviewId: record.id, err }, 'could not archive the expired interview upstream');
  }
}
