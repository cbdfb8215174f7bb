/**
 * JSON schemas (joi) written by hand from Vervoe's API description (Vervoe-API.v1-8.yaml, vervoe/api-docs)
 * and its webhook page, independently of the adapter and the sandbox. Objects are closed: a field the
 * description does not name fails, so neither side can drift into inventing fields.
 *
 * Where the description is loose, the schema follows its widest reading, noted per field.
 */
import Joi from 'joi';

const uuid = Joi.string().min(1);
const url = Joi.string().uri({ scheme: ['http', 'https'] });
/** "2020-03-10T08:39:58+00:00": ISO 8601 with an offset. */
const time = Joi.string().isoDate();

/** GET /public/ats-api/token, 200. */
export const tokenResponse = Joi.object({ success: Joi.boolean().valid(true).required(), data: Joi.object({ token: Joi.string().min(1).required() }).required() });

/** GET /integration/assessments, 200: shown without the {success, data} envelope. */
export const assessmentsResponse = Joi.object({
  count: Joi.number().required(),
  total: Joi.number().required(),
  hasMorePages: Joi.boolean().required(),
  currentPage: Joi.number().min(1).required(),
  items: Joi.array().items(Joi.object({
    name: Joi.string().required(),
    description: Joi.string().allow('').required(),
    slug: Joi.string().required(),
    questionsCount: Joi.number().required(),
    skills: Joi.array().items(Joi.string()),
    auditionFolder: Joi.object({ name: Joi.string(), uuid: Joi.string(), auditionCount: Joi.alternatives(Joi.string(), Joi.number()) }).allow(null),
  })).required(),
});

/** POST /integration/assessments/{slug}/invite, request body (candidateEmail, candidateFirstName required). */
export const inviteRequest = Joi.object({
  candidateEmail: Joi.string().email({ tlds: false }).required(),
  candidateFirstName: Joi.string().min(1).required(),
  candidateLastName: Joi.string().allow(''),
  sendInvitationEmail: Joi.boolean(),
  redirectCandidateUrl: url,
  candidateAssessmentUuid: uuid,
  reapply: Joi.boolean(),
  enableFeedback: Joi.boolean(),
  sendInvitationSms: Joi.boolean(),
  candidatePhone: Joi.string(),
});

const inviteData = Joi.object({ candidateAssessmentUuid: uuid.required(), candidateUrl: url.required() });
export const inviteResponse200 = Joi.object({ success: Joi.boolean().valid(true).required(), data: inviteData.required() });
/** The documented "candidate already invited" answer. */
export const inviteResponse400 = Joi.object({ success: Joi.boolean().valid(false).required(), errors: Joi.string().required(), data: inviteData.required() });

/** `scoreByFormat` per skill group; the schema spells ScoreType, the example scoreType. */
const scoreGroup = Joi.object({
  groupName: Joi.string().required(),
  sort: Joi.number().integer(),
  scoreType: Joi.number().valid(1, 2),
  ScoreType: Joi.number().valid(1, 2),
  result: Joi.string(),
  resultWithAdditionalText: Joi.string(),
  scorePercentage: Joi.number(),
  scoreSum: Joi.number(),
  isManualScore: Joi.boolean(),
  questionGroupUuid: Joi.string(),
});
/** The score object: type TYPE_MANUAL|TYPE_AI; score a number (list) or string (single report); scoreByFormat number, text, group(s) or null. */
const score = Joi.object({
  type: Joi.string().valid('TYPE_MANUAL', 'TYPE_AI').required(),
  score: Joi.alternatives(Joi.number(), Joi.string()).required(),
  scoreByFormat: Joi.alternatives(Joi.number(), Joi.string(), Joi.array().items(scoreGroup), scoreGroup).allow(null).required(),
}).allow(null);

/** Status values the description names, with both spellings of "in progress". */
export const STATUSES = ['complete', 'incomplete', 'expired', 'in progress', 'in_progress', 'hired', 'rejected'];

/** The candidate report object (single report, list item, webhook body). */
export const report = Joi.object({
  candidateAssessmentUuid: uuid.required(),
  status: Joi.string().valid(...STATUSES).required(),
  startedAt: time.allow(null),
  completedAt: time.allow(null).required(),
  score: score.required(),
  integrationCandidateCardUrl: url.required(),
  timeTaken: Joi.string().allow(null),
  submitTime: Joi.string().allow(null),
});

export const reportResponse = Joi.object({ success: Joi.boolean().valid(true).required(), data: report.required() });

export const listResponse = Joi.object({
  success: Joi.boolean().valid(true).required(),
  data: Joi.object({
    currentPage: Joi.number().integer().min(1).required(),
    total: Joi.number().integer().required(),
    count: Joi.number().integer().required(),
    hasMorePages: Joi.boolean().required(),
    items: Joi.array().items(report.keys({ status: Joi.string().valid('complete', 'incomplete', 'expired', 'in_progress', 'hired', 'rejected').required() })).required(),
  }).required(),
});

/** GET /integration/user-assessments query: page required (> 0); completed-* only with status=complete. */
export const listQuery = Joi.object({
  page: Joi.string().pattern(/^[1-9]\d*$/).required(),
  sort: Joi.string().valid('completed', 'created', 'updated'),
  order: Joi.string().valid('asc', 'desc'),
  status: Joi.string().valid('complete', 'expired', 'in_progress', 'hired', 'rejected'),
  'completed-gt': Joi.string().pattern(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)? UTC$/),
  'completed-lt': Joi.string().pattern(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)? UTC$/),
})
  .when(Joi.object({ 'completed-gt': Joi.exist() }).unknown(), { then: Joi.object({ status: Joi.valid('complete').required() }) })
  .when(Joi.object({ sort: Joi.valid('completed') }).unknown(), { then: Joi.object({ status: Joi.valid('complete').required() }) });

/** POST .../{uuid}/reject, 200: the card URL is named integrationCandidateUrl there, and score is null. */
export const rejectResponse = Joi.object({
  success: Joi.boolean().valid(true).required(),
  data: Joi.object({
    candidateAssessmentUuid: uuid.required(),
    status: Joi.string().valid('rejected').required(),
    startedAt: time.allow(null),
    completedAt: time.allow(null),
    score: Joi.valid(null),
    integrationCandidateUrl: url,
    timeTaken: Joi.string().allow(null),
    submitTime: Joi.string().allow(null),
  }).required(),
});

/** `Vervoe-Signature: t=<unix>,hash=<hex sha256>` */
export const signatureHeader = Joi.string().pattern(/^t=\d+,hash=[0-9a-f]{64}$/);

/** Throws with joi's message when `value` does not match `schema`. */
export function check(schema: Joi.Schema, value: unknown, what: string): void {
  const { error } = schema.validate(value, { abortEarly: false, convert: false });
  if (error) throw new Error(`${what} does not match the description: ${error.message}`);
}
