import type { MappingProfile } from '../../config/mappingSchema.js';
import type { DetailLeaf, Details } from '../../workable/payload.js';
import { resolveSource, type SourceContext } from './sources.js';

type Group = Record<string, DetailLeaf>;

/**
 * Workable's `details` from the profile's `details` map, in the profile's order. Workable shows at most two
 * levels and no arrays, so:
 * - a source holding an object becomes a group (at the first level) or is flattened into the group with
 *   "Key / Inner key" labels (at the second level); anything deeper is flattened the same way;
 * - arrays of plain values are joined with ", "; arrays holding objects are replaced by their length;
 * - Date objects become ISO 8601 strings (date sources such as completed_at already are);
 * - undefined, null, empty strings, empty arrays and empty groups are omitted.
 * Returns undefined when nothing is left.
 */
export function buildDetails(profile: MappingProfile, ctx: SourceContext): Details | undefined {
  const details: Details = {};
  for (const [label, spec] of Object.entries(profile.details)) {
    if (typeof spec === 'string') {
      const value = resolveSource(profile, ctx, spec);
      if (isPlainObject(value)) addGroup(details, label, flatten(value, ''));
      else setLeaf(details, label, value);
      continue;
    }
    const group: Group = {};
    for (const [subLabel, path] of Object.entries(spec)) {
      const value = resolveSource(profile, ctx, path);
      if (isPlainObject(value)) Object.assign(group, flatten(value, `${subLabel} / `));
      else setLeaf(group, subLabel, value);
    }
    addGroup(details, label, group);
  }
  return Object.keys(details).length ? details : undefined;
}

function addGroup(details: Details, label: string, group: Group): void {
  if (Object.keys(group).length) details[label] = group;
}

function setLeaf(target: Record<string, DetailLeaf | Group>, label: string, value: unknown): void {
  const leaf = toLeaf(value);
  if (leaf !== undefined) target[label] = leaf;
}

function flatten(value: Record<string, unknown>, prefix: string): Group {
  const out: Group = {};
  for (const [key, inner] of Object.entries(value)) {
    if (isPlainObject(inner)) Object.assign(out, flatten(inner, `${prefix}${key} / `));
    else setLeaf(out, `${prefix}${key}`, inner);
  }
  return out;
}

/** A single detail value, or undefined when it should be omitted. */
export function toLeaf(value: unknown): DetailLeaf | undefined {
  if (value instanceof Date) return Number.isFinite(value.getTime()) ? value.toISOString() : undefined;
  if (Array.isArray(value)) return arrayLeaf(value);
  switch (typeof value) {
    case 'string': return value.trim() === '' ? undefined : value;
    case 'number': return Number.isFinite(value) ? value : undefined;
    case 'boolean': return value;
    case 'bigint': return value.toString();
    default: return undefined;
  }
}

function arrayLeaf(items: unknown[]): DetailLeaf | undefined {
  if (items.length === 0) return undefined;
  if (items.some((item) => Array.isArray(item) || isPlainObject(item))) return items.length;
  const parts = items.map(toLeaf).filter((leaf) => leaf !== undefined && leaf !== null);
  return parts.length ? parts.join(', ') : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}
