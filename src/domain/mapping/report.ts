import type { MappingProfile } from '../../config/mappingSchema.js';
import type { ReportInput } from '../../reports/pdf.js';
import type { WorkableStatus } from '../../workable/payload.js';
import { buildDetails } from './details.js';
import { formatDuration } from './duration.js';
import { toGrade, toPercent } from './score.js';
import { resolveSource, type SourceContext } from './sources.js';
import { renderSummary } from './summary.js';

/**
 * The PDF report's input, computed with the same profile functions as the Workable payload so the report
 * and what Workable shows never disagree. Answers are taken as the upstream gives them now (Hireflix video
 * links expire, so the report is rendered from a fresh snapshot).
 */
export function buildReportInput(
  profile: MappingProfile,
  input: SourceContext & { status: WorkableStatus; resultsUrl?: string; generatedAt: Date },
): ReportInput {
  const { snapshot, record } = input;
  const score = toPercent(profile, snapshot?.score ?? null);
  const time = (path: string): string | undefined => {
    const value = resolveSource(profile, input, path);
    return typeof value === 'string' ? value : undefined;
  };
  const skills = snapshot?.skills ?? [];
  return {
    candidate: record.candidate,
    jobTitle: record.jobTitle,
    templateName: snapshot?.templateName ?? record.templateName,
    status: input.status,
    score,
    grade: toGrade(profile, score),
    gradeScale: { ...profile.grade },
    ...(skills.length ? { skills: skills.map((s) => ({ ...s })) } : {}),
    summary: renderSummary(profile, input),
    details: buildDetails(profile, input),
    duration: formatDuration(snapshot?.durationSeconds),
    invitedAt: time('created_at'),
    startedAt: time('started_at'),
    completedAt: time('completed_at'),
    resultsUrl: input.resultsUrl,
    answers: snapshot?.answers ?? [],
    generatedAt: input.generatedAt,
    timeZone: profile.report.timeZone,
  };
}
