/**
 * Narrowing helpers for Vervoe JSON. Vervoe's description types several fields loosely (a score may be a
 * number or a numeric string, `scoreByFormat` a number, text, object or list), so every read goes through
 * one of these instead of trusting a cast.
 */

import { isObject } from '../json.js';

export { arrayAt, isObject, objectAt, type JsonObject } from '../json.js';

/** The non-empty string at `key`, or undefined. The literal text "null" (seen in Vervoe's examples) counts as absent. */
export function stringAt(parent: unknown, key: string): string | undefined {
  if (!isObject(parent)) return undefined;
  const value = parent[key];
  return typeof value === 'string' && value.length > 0 && value !== 'null' ? value : undefined;
}

/** A finite number from a number or a numeric string; undefined otherwise. */
export function numeric(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

/** An ISO 8601 (UTC) rendering of a parseable time string, or undefined. Vervoe sends offsets like +11:00. */
export function isoTime(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '' || value === 'null') return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}
