/**
 * Narrowing helpers shared by every upstream adapter: JSON from the wire stays `unknown` until one of these
 * says otherwise. Platform-specific readings (which strings count as absent, how times are written) live in
 * each adapter's own helpers.
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

/** The array at `key`, or an empty array. */
export function arrayAt(parent: unknown, key: string): unknown[] {
  if (!isObject(parent)) return [];
  const value = parent[key];
  return Array.isArray(value) ? value : [];
}

/** A response body (text, or already parsed) as a JSON object; undefined for anything else. */
export function parseJsonObject(text: unknown): JsonObject | undefined {
  if (typeof text !== 'string') return isObject(text) ? text : undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
