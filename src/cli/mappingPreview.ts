/**
 * What Workable would receive for a stored interview under a mapping profile (the one in force, or an
 * edited file), computed with the reconcile path's own functions but read-only: the upstream is only read,
 * no share link is created, nothing is written to the store or queued for delivery.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { parseMappingProfile } from '../config/mappingSchema.js';
import type { MappingProfile } from '../config/mappingSchema.js';
import type { AccountConfig } from '../config/types.js';
import { keys } from '../domain/keys.js';
import { buildReportInput, buildResult, decideStatus, resultHash, resultsUrlFromField } from '../domain/mapping/index.js';
import { reportUrl } from '../domain/reconcile.js';
import type { InterviewRecord } from '../domain/types.js';
import type { ReportInput } from '../reports/pdf.js';
import type { Store } from '../store/index.js';
import type { Upstream } from '../upstreams/types.js';
import type { WorkableResult } from '../workable/payload.js';

/** Stand-ins for what only a real delivery creates; they are not URLs, so they cannot be mistaken for one. */
const SHARE_LINK_PLACEHOLDER = '<share link: created by the bridge when the result is delivered>';
const REPORT_ID_PLACEHOLDER = '<report id: made when the result is delivered>';

/** A mapping profile file read and validated on its own: every problem with the file and key path. */
export function readProfileFile(path: string): { profile?: MappingProfile; problems: string[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return { problems: [`${path}: cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`] };
  }
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (err) {
    return { problems: [`${path}: not valid YAML: ${(err as Error).message.split('\n')[0]}`] };
  }
  return parseMappingProfile(raw, path);
}

export interface Preview {
  interviewId: string;
  accountId: string;
  /** The upstream's state now, or null when the upstream no longer has the interview. */
  upstreamState: string | null;
  status: WorkableResult['status'];
  /** A completed interview waiting for its score: reconcile would deliver nothing until `until`. */
  hold?: { until: string; reason: string };
  /** The upstream state the profile does not map (treated as pending). */
  unmappedState?: string;
  payload: WorkableResult;
  /** Whether the payload equals the one the bridge holds now (if not, reconcile would queue it). */
  sameAsCurrent: boolean;
  /** The PDF's input, when the profile makes a report for this result. */
  report?: ReportInput;
  /** Values in the payload that only a real delivery fills in. */
  placeholders: string[];
}

export class PreviewError extends Error {}

/** Builds the preview; throws PreviewError when the interview cannot be previewed (unknown, not invited). */
export async function previewInterview(
  deps: { store: Store; account: (id: string) => AccountConfig | undefined; upstreamFor: (a: AccountConfig) => Upstream; publicBaseUrl: string; now: Date },
  id: string,
  profileFor: (account: AccountConfig) => MappingProfile,
): Promise<Preview> {
  const record = await deps.store.get<InterviewRecord>(keys.interview(id));
  if (!record) throw new PreviewError(`no interview with id "${id}"`);
  const account = deps.account(record.accountId);
  if (!account) throw new PreviewError(`interview "${id}" belongs to account "${record.accountId}", which is not configured`);
  if (record.phase !== 'invited' || !record.upstreamId) throw new PreviewError(`interview "${id}" was never accepted by the upstream (phase ${record.phase}): there is nothing to map`);
  const profile = profileFor(account);
  const snapshot = await deps.upstreamFor(account).getInterview(record.upstreamId);
  // As reconcile would record it now, in memory only.
  const completedSeenAt = record.completedSeenAt ?? (snapshot && profile.status.states[snapshot.state] === 'completed' ? deps.now.toISOString() : undefined);
  const decision = decideStatus(profile, snapshot, { createdAt: record.createdAt, completedSeenAt, expiresAt: record.expiresAt, now: deps.now });
  const placeholders: string[] = [];
  let payload: WorkableResult = { status: decision.status };
  let report: ReportInput | undefined;
  if (decision.status === 'completed' && !decision.hold) {
    const ctx = { snapshot, record };
    let resultsUrl = resultsUrlFromField(profile, ctx) ?? record.share?.url;
    if (!resultsUrl) {
      resultsUrl = SHARE_LINK_PLACEHOLDER;
      placeholders.push('results_url');
    }
    let url: string | undefined;
    if (profile.report.enabled) {
      url = reportUrl(deps.publicBaseUrl, record.reportId ?? REPORT_ID_PLACEHOLDER);
      if (!record.reportId) placeholders.push('attachments[0].url');
      report = buildReportInput(profile, { snapshot, record, status: decision.status, resultsUrl, generatedAt: deps.now });
    }
    payload = buildResult(profile, { status: decision.status, snapshot, record, resultsUrl, ...(url ? { reportUrl: url } : {}) });
  }
  return {
    interviewId: record.id,
    accountId: record.accountId,
    upstreamState: snapshot?.state ?? null,
    status: decision.status,
    ...(decision.hold ? { hold: decision.hold } : {}),
    ...(decision.unmappedState ? { unmappedState: decision.unmappedState } : {}),
    payload,
    sameAsCurrent: decision.hold ? true : resultHash(payload) === resultHash(record.current),
    ...(report ? { report } : {}),
    placeholders,
  };
}
