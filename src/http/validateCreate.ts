import Joi from 'joi';
import type { CreateInterviewBody } from '../workable/createBody.js';
import { HttpError } from './errors.js';

// Ids are opaque: Workable's examples send strings, its sibling APIs send integers; accept both as strings.
const id = Joi.alternatives(Joi.string().trim().max(200), Joi.number().integer().min(0)).custom((v: string | number) => String(v));
const text = (max: number) => Joi.string().trim().max(max);

const schema = Joi.object({
  interview_template_id: id.required(),
  job_id: id.allow(null, ''),
  job_title: text(500).required(),
  callback_url: text(2048).required(),
  candidate: Joi.object({
    first_name: text(200).required(),
    last_name: text(200).required(),
    email: text(254).email({ tlds: false }).required(),
    phone: text(64).allow(null, ''),
  })
    .unknown(true)
    .required(),
  preferences: Joi.object().unknown(true).allow(null),
}).unknown(true);

const TYPE_NAMES: Record<string, string> = { 'object.base': 'an object' };

/** Turns the first joi problem into the contract's message: 422 for a missing field, 400 for a wrong one. */
function toHttpError(d: Joi.ValidationErrorItem): HttpError {
  const path = d.path.join('.');
  // Optional fields allow null explicitly, so a null that fails validation is a required field left empty.
  if (d.context?.value === null) return new HttpError(422, `Missing field: ${path} should be provided`);
  switch (d.type) {
    case 'any.required':
    case 'string.empty':
      return new HttpError(422, `Missing field: ${path} should be provided`);
    case 'string.email':
      return new HttpError(400, `Invalid field: ${path} should be a valid email address`);
    case 'string.max':
      return new HttpError(400, `Invalid field: ${path} should be at most ${String(d.context?.limit)} characters`);
    default:
      return new HttpError(400, `Invalid field: ${path} should be ${TYPE_NAMES[d.type] ?? 'a string'}`);
  }
}

/**
 * Bounds of `preferences`, Workable's free-form "custom values to pass to the provider" (the spec's example
 * is `{"key": "value"}`). The bridge reads none of them and does not store them; the bounds only keep a
 * caller from making every request carry (and every validation walk) an arbitrary object.
 */
export const PREFERENCES_LIMITS = { maxBytes: 4096, maxKeys: 32, maxKeyChars: 64 } as const;

/** The contract message for preferences past PREFERENCES_LIMITS, or undefined when they fit. */
function preferencesProblem(prefs: Record<string, unknown>): string | undefined {
  const { maxBytes, maxKeys, maxKeyChars } = PREFERENCES_LIMITS;
  if (Buffer.byteLength(JSON.stringify(prefs), 'utf8') > maxBytes) return `should be at most ${maxBytes} bytes as JSON`;
  let keys = 0;
  const stack: unknown[] = [prefs];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      stack.push(...(v as unknown[]));
      continue;
    }
    for (const [k, child] of Object.entries(v)) {
      keys += 1;
      if (keys > maxKeys) return `should have at most ${maxKeys} keys`;
      if (k.length > maxKeyChars) return `keys should be at most ${maxKeyChars} characters`;
      stack.push(child);
    }
  }
  return undefined;
}

/** Validates a parsed JSON body against the contract. Throws HttpError with the contract's message. */
export function validateCreateBody(body: unknown): CreateInterviewBody {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'Invalid JSON: the body should be a JSON object');
  const result = schema.validate(body, { abortEarly: true, convert: true }) as Joi.ValidationResult<unknown>;
  if (result.error) throw toHttpError(result.error.details[0]!);
  const v = result.value as CreateInterviewBody & { job_id?: string | null; preferences?: Record<string, unknown> | null };
  if (v.job_id === null || v.job_id === '') delete v.job_id;
  if (v.preferences === null) delete v.preferences;
  const prefsProblem = v.preferences === undefined ? undefined : preferencesProblem(v.preferences);
  if (prefsProblem !== undefined) throw new HttpError(400, `Invalid field: preferences ${prefsProblem}`);
  if (v.candidate.phone === null || v.candidate.phone === '') delete v.candidate.phone;
  return v;
}
