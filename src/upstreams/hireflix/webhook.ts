/**
 * Hireflix webhooks: `x-hireflix-signature` is base64(HMAC-SHA256(secret, raw body)), with no timestamp, so
 * there is no replay window to check; reconcile treats every event as a hint, which makes replays harmless.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ChangeHint } from '../types.js';
import { epochToIso, isObject, objectAt, stringAt } from './read.js';

export const SIGNATURE_HEADER = 'x-hireflix-signature';

/** base64(HMAC-SHA256(secret, body)): what Hireflix puts in the signature header. */
export function signHireflixBody(secret: string, body: Buffer | string): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/**
 * Verifies the signature over the exact raw bytes received, in constant time. False when no secret is
 * configured (an unsigned webhook is never trusted) or the header is missing or malformed.
 */
export function verifyHireflixSignature(
  secret: string | undefined,
  rawBody: Buffer,
  headers: Record<string, string | string[] | undefined>,
): boolean {
  if (!secret) return false;
  const header = headerValue(headers, SIGNATURE_HEADER)?.trim();
  if (!header || !/^[A-Za-z0-9+/]+={0,2}$/.test(header)) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const got = Buffer.from(header, 'base64');
  // timingSafeEqual throws on unequal lengths; the length itself is not secret.
  return got.length === expected.length && timingSafeEqual(got, expected);
}

/**
 * Parses `{event, date, data: {id, externalId, ...}}` into a ChangeHint. Throws on a body that is not JSON
 * or lacks `event` or `data.id`.
 */
export function parseHireflixWebhook(rawBody: Buffer): ChangeHint {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new Error('Hireflix webhook body is not JSON');
  }
  const event = stringAt(body, 'event');
  const data = objectAt(body, 'data');
  const id = stringAt(data, 'id');
  if (!isObject(body) || event === undefined || id === undefined) {
    throw new Error('Hireflix webhook body lacks event or data.id');
  }
  const hint: ChangeHint = { upstreamId: id, externalId: stringAt(data, 'externalId') ?? null, event };
  const changedAt = epochToIso(data?.updatedAt) ?? epochToIso(body.date);
  if (changedAt !== undefined) hint.changedAt = changedAt;
  if (event === 'interview.delete') hint.deleted = true;
  return hint;
}
