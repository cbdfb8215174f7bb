/**
 * Vervoe's report webhook. Signature, as Vervoe documents it: `Vervoe-Signature: t=<unix seconds>,hash=<hex>`
 * with hash = HMAC-SHA256(webhook secret, `${t}.${raw body}`), and the receiver checks that `t` is within a
 * tolerance of now. The tolerance is what stops a captured request from being replayed later; inside it a
 * replay only repeats a "look at this one" hint, which reconcile makes harmless.
 *
 * The body is the candidate report object. It names no event (Vervoe lists eight events that trigger it,
 * but the example body has no field for which), so the hint's `event` is the report's status.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ChangeHint } from '../types.js';
import { isObject, isoTime, stringAt } from './read.js';
import { normaliseStatus } from './mapping.js';

export const VERVOE_SIGNATURE_HEADER = 'vervoe-signature';
export const DEFAULT_TOLERANCE_SECONDS = 300;

function hmacHex(secret: string, t: string, body: Buffer | string): string {
  return createHmac('sha256', secret).update(`${t}.`, 'utf8').update(body).digest('hex');
}

/** The header value Vervoe would send for `body` at unix time `t`. */
export function signVervoeBody(secret: string, body: Buffer | string, t: number): string {
  return `t=${t},hash=${hmacHex(secret, String(t), body)}`;
}

function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/** `t` and every `hash` of the header; undefined when `t` is missing or not a whole number. */
function parseSignatureHeader(header: string): { t: string; hashes: string[] } | undefined {
  let t: string | undefined;
  const hashes: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') t = value;
    else if (key === 'hash') hashes.push(value);
  }
  return t !== undefined && /^\d{1,12}$/.test(t) ? { t, hashes } : undefined;
}

export interface VerifyOptions {
  toleranceSeconds: number;
  nowMs: number;
}

/**
 * True only when a secret is configured, the header parses, some `hash` equals the HMAC of `t.body`
 * (constant-time), and `t` is within the tolerance of now in either direction.
 */
export function verifyVervoeSignature(
  secret: string | undefined,
  rawBody: Buffer,
  headers: Record<string, string | string[] | undefined>,
  opts: VerifyOptions,
): boolean {
  if (!secret) return false;
  const header = headerValue(headers, VERVOE_SIGNATURE_HEADER);
  const parsed = header === undefined ? undefined : parseSignatureHeader(header);
  if (!parsed) return false;
  const expected = Buffer.from(hmacHex(secret, parsed.t, rawBody), 'hex');
  // Every candidate is compared, so the time taken does not depend on which one matched.
  let match = false;
  for (const hash of parsed.hashes) {
    if (!/^[0-9a-fA-F]{64}$/.test(hash)) continue;
    if (timingSafeEqual(Buffer.from(hash, 'hex'), expected)) match = true;
  }
  if (!match) return false;
  return Math.abs(opts.nowMs / 1000 - Number(parsed.t)) <= opts.toleranceSeconds;
}

/** The report webhook as a change hint; throws on a body that is not JSON or lacks candidateAssessmentUuid. */
export function parseVervoeWebhook(rawBody: Buffer): ChangeHint {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new Error('Vervoe webhook body is not JSON');
  }
  const id = stringAt(body, 'candidateAssessmentUuid');
  if (!isObject(body) || id === undefined) throw new Error('Vervoe webhook body lacks candidateAssessmentUuid');
  const hint: ChangeHint = { upstreamId: id, externalId: null };
  const status = stringAt(body, 'status');
  if (status !== undefined) hint.event = normaliseStatus(status);
  const changedAt = isoTime(body.completedAt) ?? isoTime(body.startedAt);
  if (changedAt !== undefined) hint.changedAt = changedAt;
  return hint;
}
