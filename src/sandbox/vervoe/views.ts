/**
 * JSON the sandbox answers with, after Vervoe's description: the candidate report object (single report,
 * list item, reject answer, webhook body) and the control API's own view.
 */
import type { VervoeCandidateAssessment, VervoeSandboxScore } from './model.js';

/** Vervoe writes times as ISO 8601 with a numeric offset and no milliseconds: 2020-03-10T08:39:58+00:00. */
function vervoeTime(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/** "2 minutes 19 seconds", as in the webhook example. */
function durationText(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m > 0 ? `${m} minute${m === 1 ? '' : 's'} ${s} second${s === 1 ? '' : 's'}` : `${s} second${s === 1 ? '' : 's'}`;
}

function scoreObject(score: VervoeSandboxScore | null): Record<string, unknown> | null {
  if (!score) return null;
  const byFormat = score.groups
    ? score.groups.map((g, i) => ({
        groupName: g.groupName,
        sort: i,
        scoreType: 1,
        result: String(g.scorePercentage),
        resultWithAdditionalText: String(g.scorePercentage),
        scorePercentage: g.scorePercentage,
        scoreSum: Math.round(g.scorePercentage / 5),
      }))
    : score.score;
  return { type: score.type, score: score.score, scoreByFormat: byFormat };
}

export type ReportFlavour = 'single' | 'list' | 'reject';

/** The candidate report object. `flavour` picks the spellings each place of the description uses. */
export function reportView(ca: VervoeCandidateAssessment, cardUrl: string, flavour: ReportFlavour): Record<string, unknown> {
  const taken = ca.completedAt !== null && ca.startedAt !== null ? Math.round((ca.completedAt - ca.startedAt) / 1000) : null;
  const status = ca.status === 'in_progress' && flavour !== 'list' ? 'in progress' : ca.status;
  return {
    candidateAssessmentUuid: ca.uuid,
    status,
    startedAt: vervoeTime(ca.startedAt),
    completedAt: vervoeTime(ca.completedAt),
    // The reject answer's example has score null; a completed report carries the score object.
    score: flavour === 'reject' ? null : scoreObject(ca.score),
    // The reject answer names the card URL integrationCandidateUrl; every other place integrationCandidateCardUrl.
    [flavour === 'reject' ? 'integrationCandidateUrl' : 'integrationCandidateCardUrl']: cardUrl,
    timeTaken: taken === null ? null : durationText(taken),
    submitTime: taken === null ? null : durationText(Math.floor(taken * 0.8)),
  };
}

/** The control API's view: everything a test needs to find and check a candidate assessment. */
export function controlView(ca: VervoeCandidateAssessment, base: string): Record<string, unknown> {
  return {
    uuid: ca.uuid,
    slug: ca.slug,
    candidate: { ...ca.candidate },
    status: ca.status,
    score: ca.score ? { ...ca.score } : null,
    createdAt: new Date(ca.createdAt).toISOString(),
    updatedAt: new Date(ca.updatedAt).toISOString(),
    startedAt: ca.startedAt === null ? null : new Date(ca.startedAt).toISOString(),
    completedAt: ca.completedAt === null ? null : new Date(ca.completedAt).toISOString(),
    candidateUrl: candidateUrl(ca, base),
    cardUrl: cardUrl(ca, base),
  };
}

export const candidateUrl = (ca: VervoeCandidateAssessment, base: string): string => `${base}/_sandbox/take/${ca.uuid}?token=${ca.token}`;
export const cardUrl = (ca: VervoeCandidateAssessment, base: string): string => `${base}/_sandbox/cards/${ca.uuid}?token=${ca.token}`;
