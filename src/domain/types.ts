import type { WorkableResult } from '../workable/payload.js';

/** One interview the bridge created for Workable. Stored at `interview:<id>`. */
export interface InterviewRecord {
  /** The bridge's opaque, unguessable id: returned to Workable and passed upstream as the external id. */
  id: string;
  accountId: string;
  upstream: string;
  /** Null until the upstream accepted the invitation. */
  upstreamId: string | null;
  templateId: string;
  templateName?: string;
  jobId?: string;
  jobTitle: string;
  callbackUrl: string;
  candidate: { firstName: string; lastName: string; email: string; phone?: string };
  /** Why the phone Workable sent was not passed upstream, when it was not. */
  phoneNote?: string;
  /** Only in records written before preferences were dropped (see docs/operations.md): no longer stored. */
  preferences?: Record<string, unknown>;
  candidateUrl?: string;
  createdAt: string;
  updatedAt: string;
  /** 'inviting' while the upstream call is in flight or failed; 'invited' once the upstream has it. */
  phase: 'inviting' | 'invited';
  /** What Workable would be sent now (also served by GET /interviews/:id). */
  current: WorkableResult;
  /** Hash of the last payload Workable accepted, for level-triggered delivery. */
  deliveredHash?: string;
  deliveredAt?: string;
  /** When the upstream first reported it finished; drives the optional wait for a score. */
  completedSeenAt?: string;
  /**
   * Pending interviews become expired after this time: the upstream's deadline where it has one, else the
   * mapping profile's; an operator's `expire` sets it to now.
   */
  expiresAt?: string;
  /** The upstream's deadline as last adopted; a different one from the upstream moves expiresAt. */
  upstreamExpiresAt?: string;
  /** The upstream's public share link of the answers, reused while it has more than a day to live. */
  share?: { url: string; createdAt: string; days?: number };
  /** Capability id of the PDF report, once rendered. */
  reportId?: string;
  /** Final: no further upstream change is reconciled (expired by the bridge, or deleted upstream). */
  final?: boolean;
}
