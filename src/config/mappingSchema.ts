import Joi from 'joi';
import { isTimeZone } from '../reports/dates.js';
import type { WorkableStatus } from '../workable/payload.js';

/**
 * Sources a profile's `summary` placeholders and `details` entries may name, besides `fields.<dotted path>`
 * (a platform field of the upstream interview). Kept here, next to the schema that validates them, so a typo
 * in a profile is reported at start-up instead of silently producing an empty value.
 */
export const SOURCE_PATHS = [
  'candidate.first_name',
  'candidate.last_name',
  'candidate.name',
  'candidate.email',
  'candidate.phone',
  'template.id',
  'template.name',
  'job.title',
  'upstream.state',
  'created_at',
  'started_at',
  'completed_at',
  'score.raw',
  'score.percent',
  'score.grade',
  'duration',
  'answers.count',
  'answers.answered',
] as const;

/** True for a name in SOURCE_PATHS or a non-empty `fields.<dotted path>`. */
export function isSourcePath(path: string): boolean {
  return (SOURCE_PATHS as readonly string[]).includes(path) || /^fields\.[^.\s]+(\.[^.\s]+)*$/.test(path);
}

/** What a deleted-upstream interview may become: never pending (it cannot progress) nor completed (no results). */
export type DeletedStatus = 'declined' | 'expired' | 'rejected';

/** `details`: readable label → source path, or label → (label → source path). Order is kept. */
export type DetailsSpec = Readonly<Record<string, string | Readonly<Record<string, string>>>>;

/** A parsed mapping profile (config/mappings/<name>.yaml). Every key is documented in config/mappings/hireflix.yaml. */
export interface MappingProfile {
  /** `states`: upstream state → Workable status (defaults merged in); `deleted`: an interview gone upstream. */
  status: { states: Readonly<Record<string, WorkableStatus>>; deleted: DeletedStatus };
  /** `afterDays` null: pending interviews never expire. */
  expiry: { afterDays: number | null; archiveUpstream: boolean };
  score: { min: number; max: number; decimals: number };
  grade: { passedFrom: number; excelledFrom: number };
  waitForScore: { enabled: boolean; maxMinutes: number };
  /** Template with `{source}` placeholders; empty means no summary. */
  summary: string;
  details: DetailsSpec;
  resultsUrl: { source: 'share_link'; shareDays: number } | { source: 'field'; field: string; shareDays: number };
  /** `timeZone`: the IANA zone the PDF shows every date in (checked with Intl when the profile loads). */
  report: { enabled: boolean; retentionDays: number; description: string; timeZone: string };
}

/** Hireflix defaults: the candidate finished in every non-pending stage; a recruiter's discard is not a decline. */
const DEFAULT_STATES: Record<string, WorkableStatus> = {
  pending: 'pending',
  completed: 'completed',
  to_evaluate: 'completed',
  shortlisted: 'completed',
  discarded: 'completed',
};

const STATUSES = 'pending, completed, declined, expired, rejected';
const DEFAULT_DETAILS = {
  Interview: {
    Template: 'template.name',
    'Invited at': 'created_at',
    'Started at': 'started_at',
    'Completed at': 'completed_at',
    Questions: 'answers.count',
    'Questions answered': 'answers.answered',
  },
  Score: { 'Stars (0.5 to 5)': 'score.raw', Percent: 'score.percent' },
};

const sourcePath = Joi.string()
  .custom((value: string, helpers) => (isSourcePath(value) ? value : helpers.error('source.unknown')))
  .messages({
    'string.base': '{{#label}} must be a source path (details nest at most two levels)',
    'string.empty': '{{#label}} must be a source path',
    'source.unknown': '{{#label}} names an unknown source "{{#value}}"',
  });

const urlSource = sourcePath.messages({ 'string.base': '{{#label}} must be a source path' });

const placeholders = (template: string): string[] => [...template.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1] ?? '');

const int = (min: number, max: number) =>
  Joi.number().integer().min(min).max(max).messages({ '*': `{{#label}} must be a whole number between ${min} and ${max}` });
const percent = Joi.number().min(0).max(100).messages({ '*': '{{#label}} must be a number between 0 and 100' });

/** The joi schema of a mapping profile file, in the file's snake_case. Every key is optional. */
const mappingProfileSchema = Joi.object({
  status: Joi.object({
    deleted: Joi.string().valid('declined', 'expired', 'rejected').default('declined')
      .messages({ '*': '{{#label}} must be one of declined, expired, rejected' }),
  })
    .pattern(Joi.string(), Joi.string().valid('pending', 'completed', 'declined', 'expired', 'rejected')
      .messages({ '*': `{{#label}} must be one of ${STATUSES}` }))
    .default(),
  expiry: Joi.object({
    after_days: int(0, 3650).allow(null).default(30),
    archive_upstream: Joi.boolean().default(false),
  }).default(),
  score: Joi.object({
    min: Joi.number().min(0).default(0.5).messages({ '*': '{{#label}} must be a number of at least 0' }),
    max: Joi.number().greater(Joi.ref('min')).default(5).messages({ '*': '{{#label}} must be a number greater than score.min' }),
    decimals: int(0, 2).default(0),
  }).default(),
  grade: Joi.object({
    // Declared first so its default is in place when passed_from is compared with it.
    excelled_from: percent.default(80),
    passed_from: percent.default(50)
      .custom((value: number, helpers) => {
        const excelledFrom: unknown = (helpers.state.ancestors as Array<Record<string, unknown>>)[0]?.excelled_from;
        return typeof excelledFrom === 'number' && value > excelledFrom ? helpers.error('grade.order') : value;
      })
      .messages({ 'grade.order': '{{#label}} must not be greater than grade.excelled_from' }),
  }).default(),
  wait_for_score: Joi.object({
    enabled: Joi.boolean().default(false),
    max_minutes: int(1, 43200).default(1440),
  }).default(),
  summary: Joi.string().allow('', null).default('{candidate.first_name} {candidate.last_name} answered {answers.answered} of {answers.count} questions for {template.name}.')
    .custom((value: string | null, helpers) => {
      const unknown = placeholders(value ?? '').filter((p) => !isSourcePath(p));
      return unknown.length ? helpers.error('summary.unknown', { names: unknown.map((p) => `{${p}}`).join(', ') }) : value;
    })
    .messages({ 'summary.unknown': '{{#label}} names unknown sources {{#names}}' }),
  details: Joi.object()
    .pattern(Joi.string(), Joi.alternatives().conditional(Joi.object(), {
      then: Joi.object().pattern(Joi.string(), sourcePath),
      otherwise: sourcePath.messages({ 'string.base': '{{#label}} must be a source path or a map of labels to source paths' }),
    }))
    .allow(null)
    .default(DEFAULT_DETAILS),
  results_url: Joi.object({
    source: Joi.string().valid('share_link', 'field').default('share_link')
      .messages({ '*': '{{#label}} must be one of share_link, field' }),
    field: Joi.when('source', { is: 'field', then: urlSource.required(), otherwise: urlSource })
      .messages({ 'any.required': '{{#label}} is required when results_url.source is field' }),
    share_days: int(1, 3650).default(365),
  }).default(),
  report: Joi.object({
    enabled: Joi.boolean().default(true),
    retention_days: int(1, 3650).default(365),
    description: Joi.string().max(200).default('Interview Report')
      .messages({ '*': '{{#label}} must be a text of 1 to 200 characters' }),
    time_zone: Joi.string().default('UTC')
      .custom((value: string, helpers) => (isTimeZone(value) ? value : helpers.error('timezone.unknown')))
      .messages({
        '*': '{{#label}} must be a time zone name such as UTC or Europe/Berlin',
        'timezone.unknown': '{{#label}} names an unknown time zone "{{#value}}": use an IANA name such as UTC, Europe/Berlin or America/New_York',
      }),
  }).default(),
})
  .messages({ 'object.base': '{{#label}} must be a map of keys to values' })
  .label('profile')
  .default();

/** The validated file, as joi returns it (snake_case, defaults applied). */
interface ProfileFile {
  status: Record<string, WorkableStatus> & { deleted: DeletedStatus };
  expiry: { after_days: number | null; archive_upstream: boolean };
  score: { min: number; max: number; decimals: number };
  grade: { passed_from: number; excelled_from: number };
  wait_for_score: { enabled: boolean; max_minutes: number };
  summary: string | null;
  details: DetailsSpec | null;
  results_url: { source: 'share_link' | 'field'; field?: string; share_days: number };
  report: { enabled: boolean; retention_days: number; description: string; time_zone: string };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

function toProfile(file: ProfileFile): MappingProfile {
  const { deleted, ...states } = file.status;
  const { source, field, share_days: shareDays } = file.results_url;
  return deepFreeze({
    // Explicit entries override the defaults; a default state stays mapped unless the file remaps it.
    status: { states: { ...DEFAULT_STATES, ...states }, deleted },
    // 0 and null both mean "never"; consumers only need to check for null.
    expiry: { afterDays: file.expiry.after_days || null, archiveUpstream: file.expiry.archive_upstream },
    score: { ...file.score },
    grade: { passedFrom: file.grade.passed_from, excelledFrom: file.grade.excelled_from },
    waitForScore: { enabled: file.wait_for_score.enabled, maxMinutes: file.wait_for_score.max_minutes },
    summary: file.summary ?? '',
    details: file.details ?? {},
    resultsUrl: source === 'field' && field !== undefined ? { source, field, shareDays } : { source: 'share_link', shareDays },
    report: {
      enabled: file.report.enabled,
      retentionDays: file.report.retention_days,
      description: file.report.description,
      timeZone: file.report.time_zone,
    },
  });
}

/**
 * Validates one mapping profile (the parsed YAML of `file`) and converts it to a frozen MappingProfile.
 * Pure. Every problem is listed, each as "<file>: <key path> <what is wrong>"; `profile` is set only when
 * there are none. An empty file (null) yields the defaults.
 */
export function parseMappingProfile(raw: unknown, file: string): { profile?: MappingProfile; problems: string[] } {
  const result = mappingProfileSchema.validate(raw ?? {}, {
    abortEarly: false,
    errors: { wrap: { label: false } },
  }) as Joi.ValidationResult<unknown>;
  if (result.error) {
    return { problems: result.error.details.map((d) => `${file}: ${d.message}`) };
  }
  return { profile: toProfile(result.value as ProfileFile), problems: [] };
}

/** The profile an empty file produces: the Hireflix defaults. */
export const DEFAULT_MAPPING_PROFILE: MappingProfile = (() => {
  const { profile } = parseMappingProfile({}, 'defaults');
  if (!profile) throw new Error('mapping profile defaults do not validate');
  return profile;
})();
