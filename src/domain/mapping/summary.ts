import type { MappingProfile } from '../../config/mappingSchema.js';
import { toLeaf } from './details.js';
import { resolveSource, type SourceContext } from './sources.js';

/**
 * The profile's `summary` with each `{source}` replaced by its value. A missing value becomes an empty
 * string (never "undefined"), the spaces it leaves are collapsed, and an empty result means no summary.
 */
export function renderSummary(profile: MappingProfile, ctx: SourceContext): string | undefined {
  const text = profile.summary
    .replace(/\{([^{}]*)\}/g, (_match, path: string) => {
      const leaf = toLeaf(resolveSource(profile, ctx, path));
      return leaf === undefined || leaf === null ? '' : String(leaf);
    })
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
  return text === '' ? undefined : text;
}
