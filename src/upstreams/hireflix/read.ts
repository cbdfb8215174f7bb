/**
 * Narrowing helpers for Hireflix JSON. Everything from the wire is `unknown` until one of these says
 * otherwise, so an unexpected shape becomes a readable error instead of a crash three calls later.
 */

import { isObject } from '../json.js';

export { arrayAt, isObject, objectAt, type JsonObject } from '../json.js';

/** The non-empty string at `key`, or undefined. Numbers are accepted because ids sometimes arrive as numbers. */
export function stringAt(parent: unknown, key: string): string | undefined {
  if (!isObject(parent)) return undefined;
  const value = parent[key];
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** The finite number at `key`, or undefined. */
export function numberAt(parent: unknown, key: string): number | undefined {
  if (!isObject(parent)) return undefined;
  const value = parent[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A Hireflix `expires` (epoch ms): null, 0 or unreadable mean "no deadline". */
export function deadlineAt(parent: unknown, key = 'expires'): string | undefined {
  if (!isObject(parent)) return undefined;
  const value = parent[key];
  if (value === null || value === undefined || value === 0 || value === '0') return undefined;
  return epochToIso(value);
}

/**
 * Hireflix timestamps are epoch milliseconds (e.g. `createdAt: 1761566424331`). Accepts a number, a numeric
 * string or an ISO string, and returns ISO 8601, or undefined for anything else.
 */
export function epochToIso(value: unknown): string | undefined {
  let ms: number | undefined;
  if (typeof value === 'number' && Number.isFinite(value)) ms = value;
  else if (typeof value === 'string' && /^\d+$/.test(value)) ms = Number(value);
  else if (typeof value === 'string' && value.length > 0) ms = Date.parse(value);
  if (ms === undefined || !Number.isFinite(ms)) return undefined;
  // Beyond ±8.64e15 ms a Date is invalid and toISOString throws: a signed webhook with a silly timestamp
  // must still be accepted (the timestamp is only a hint).
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
