import type { MappingProfile } from '../../config/mappingSchema.js';
import type { UpstreamInterview } from '../../upstreams/types.js';
import type { WorkableStatus } from '../../workable/payload.js';

const DAY_MS = 24 * 3600 * 1000;

/** Times decideStatus needs from the interview record; all ISO 8601. */
export interface StatusContext {
  createdAt: string;
  /** When the bridge first saw the interview completed; undefined means "now" (the caller should store it). */
  completedSeenAt?: string;
  /** Stored at creation (computeExpiresAt); when absent, the current profile's expiry applies to createdAt. */
  expiresAt?: string;
  now: Date;
}

export interface StatusDecision {
  status: WorkableStatus;
  /** Present while a completed interview waits for its score: do not deliver, look again at `until`. */
  hold?: { until: string; reason: string };
  /** The upstream state had no entry in the profile; it was treated as pending. Worth a warning log. */
  unmappedState?: string;
}

/** When a pending interview created at `createdAt` expires, or undefined when the profile never expires it. */
export function computeExpiresAt(profile: MappingProfile, createdAt: string): string | undefined {
  const { afterDays } = profile.expiry;
  if (afterDays === null) return undefined;
  const created = Date.parse(createdAt);
  if (!Number.isFinite(created)) throw new RangeError(`createdAt is not a date: ${createdAt}`);
  return new Date(created + afterDays * DAY_MS).toISOString();
}

/**
 * The Workable status the upstream's current state maps to. `snapshot` null means the upstream deleted the
 * interview. An unmapped state counts as pending: reporting nothing new is safer than guessing an outcome.
 * Expiry overrides only a pending mapping (a finished interview never expires). With `wait_for_score`, an
 * unscored completed interview is held until a score arrives or `max_minutes` after completion was first seen.
 */
export function decideStatus(
  profile: MappingProfile,
  snapshot: UpstreamInterview | null,
  ctx: StatusContext,
): StatusDecision {
  if (snapshot === null) return { status: profile.status.deleted };
  const mapped = profile.status.states[snapshot.state];
  const status = mapped ?? 'pending';
  const unmapped = mapped === undefined ? { unmappedState: snapshot.state } : {};
  const now = ctx.now.getTime();

  if (status === 'pending') {
    const deadline = ctx.expiresAt ?? computeExpiresAt(profile, ctx.createdAt);
    const expiresAt = deadline === undefined ? Number.NaN : Date.parse(deadline);
    return { status: now >= expiresAt ? 'expired' : 'pending', ...unmapped };
  }
  if (status === 'completed' && profile.waitForScore.enabled && snapshot.score === null) {
    const seen = ctx.completedSeenAt === undefined ? now : Date.parse(ctx.completedSeenAt);
    const until = (Number.isFinite(seen) ? seen : now) + profile.waitForScore.maxMinutes * 60_000;
    if (now < until) {
      const untilIso = new Date(until).toISOString();
      return { status, hold: { until: untilIso, reason: `completed without a score; waiting for one until ${untilIso}` } };
    }
  }
  return { status };
}
