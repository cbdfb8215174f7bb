/**
 * Mapping of an upstream interview to Workable's result payload, driven by a mapping profile
 * (src/config/mappingSchema.ts). Everything here is pure: no I/O, time comes in as an argument.
 */
export { decideStatus, computeExpiresAt, type StatusContext, type StatusDecision } from './status.js';
export { toPercent, toGrade } from './score.js';
export { formatDuration } from './duration.js';
export { buildDetails } from './details.js';
export { renderSummary } from './summary.js';
export { resolveSource, type SourceContext } from './sources.js';
export { buildResult, resultHash, resultsUrlFromField, MissingResultsUrlError, type ResultInput } from './result.js';
export { buildReportInput } from './report.js';
