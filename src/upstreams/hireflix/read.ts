/**
 * Narrowing helpers for Hireflix JSON. Everything from the wire is `unknown` until one of these says
 * otherwise, so an unexpected shape becomes a readable error instead of a crash three calls later.
 */

export type JsonObject = Record<string, unknown>;

/** True for a plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object at `key`, or undefined when absent or not an object. */
export function objectAt(parent: unknown, key: string): JsonObject | undefined {
  if (!isObject(parent)) return undefined;
  const value = parent[key];
  return isObject(value) ? value : undefined;
}

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

/** The array at `key`, or an empty array. */
export function arrayAt(parent: unknown, key: string): unknown[] {
  if (!isObject(parent)) return [];
  const value = parent[key];
  return Array.isArray(value) ? value : [];
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
