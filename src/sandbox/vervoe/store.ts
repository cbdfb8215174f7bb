/**
 * The Vervoe sandbox's in-memory state: assessments, candidate assessments and the invitation e-mails
 * "sent". Every change returns the webhook event it triggers (or null), so the caller decides on sending.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type {
  VervoeAssessment,
  VervoeCandidateAssessment,
  VervoeEvent,
  VervoeSandboxScore,
  VervoeSandboxStatus,
  VervoeScoreType,
} from './model.js';

/** An error the sandbox answers with `status` and Vervoe's `{success: false, errors}` body. */
export class VervoeSandboxError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly data?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export interface InviteRequest {
  email: string;
  firstName: string;
  lastName?: string;
  phone?: string;
  sendEmail: boolean;
  /** "obtain invitation url for already invited candidate" */
  existingUuid?: string;
}

const FINISHED: readonly VervoeSandboxStatus[] = ['complete', 'hired', 'rejected'];

export class VervoeSandboxStore {
  private readonly byUuid = new Map<string, VervoeCandidateAssessment>();
  private readonly emails = new Map<string, number>();

  constructor(
    private readonly seed: readonly VervoeAssessment[],
    private readonly now: () => number,
  ) {}

  assessments(): VervoeAssessment[] {
    return this.seed.map((a) => ({ ...a, skills: [...a.skills] }));
  }

  all(): VervoeCandidateAssessment[] {
    return [...this.byUuid.values()];
  }

  get(uuid: string): VervoeCandidateAssessment | undefined {
    return this.byUuid.get(uuid);
  }

  mustGet(uuid: string): VervoeCandidateAssessment {
    const ca = this.byUuid.get(uuid);
    if (!ca) throw new VervoeSandboxError(404, `Candidate assessment ${uuid} not found`);
    return ca;
  }

  /**
   * Invites. The same e-mail and assessment again is "already_invited" (Vervoe's documented 400); a known
   * `candidateAssessmentUuid` in the request is "reissued" (its URL, no new e-mail).
   */
  invite(slug: string, req: InviteRequest): { ca: VervoeCandidateAssessment; outcome: 'created' | 'already_invited' | 'reissued' } {
    if (!this.seed.some((a) => a.slug === slug)) throw new VervoeSandboxError(404, `Assessment ${slug} not found`);
    if (req.existingUuid !== undefined) {
      const known = this.byUuid.get(req.existingUuid);
      if (known && known.slug === slug) return { ca: known, outcome: 'reissued' };
    }
    const email = req.email.toLowerCase();
    const existing = this.all().find((ca) => ca.slug === slug && ca.candidate.email.toLowerCase() === email);
    if (existing) return { ca: existing, outcome: 'already_invited' };
    const at = this.now();
    const ca: VervoeCandidateAssessment = {
      uuid: randomUUID(),
      slug,
      candidate: { email: req.email, firstName: req.firstName, lastName: req.lastName ?? '', ...(req.phone ? { phone: req.phone } : {}) },
      status: 'incomplete',
      token: randomBytes(20).toString('hex'),
      createdAt: at,
      updatedAt: at,
      startedAt: null,
      completedAt: null,
      score: null,
    };
    this.byUuid.set(ca.uuid, ca);
    if (req.sendEmail) this.emails.set(`${slug}\n${email}`, (this.emails.get(`${slug}\n${email}`) ?? 0) + 1);
    return { ca, outcome: 'created' };
  }

  /** Invitation e-mails sent, per assessment and address. */
  invitations(): Array<{ slug: string; email: string; count: number }> {
    return [...this.emails.entries()].map(([k, count]) => {
      const [slug = '', email = ''] = k.split('\n');
      return { slug, email, count };
    });
  }

  private touch(ca: VervoeCandidateAssessment): void {
    ca.updatedAt = this.now();
  }

  start(uuid: string): VervoeEvent {
    const ca = this.mustGet(uuid);
    if (ca.status !== 'incomplete') throw new VervoeSandboxError(409, `cannot start: status is ${ca.status}`);
    ca.status = 'in_progress';
    ca.startedAt = this.now();
    this.touch(ca);
    return 'CANDIDATE_START_INTERVIEW';
  }

  complete(uuid: string, score?: VervoeSandboxScore): VervoeEvent {
    const ca = this.mustGet(uuid);
    if (ca.status !== 'incomplete' && ca.status !== 'in_progress') throw new VervoeSandboxError(409, `cannot complete: status is ${ca.status}`);
    ca.startedAt ??= this.now();
    ca.status = 'complete';
    ca.completedAt = this.now();
    if (score) ca.score = { ...score };
    this.touch(ca);
    return 'CANDIDATE_COMPLETE_INTERVIEW';
  }

  setScore(uuid: string, score: number, type: VervoeScoreType): VervoeEvent {
    const ca = this.mustGet(uuid);
    if (!FINISHED.includes(ca.status)) throw new VervoeSandboxError(409, `cannot score: status is ${ca.status}`);
    const first = ca.score === null || ca.score.type !== type;
    ca.score = { type, score };
    this.touch(ca);
    if (type === 'TYPE_AI') return first ? 'AI_SCORE' : 'AI_SCORE_CHANGED';
    return first ? 'MANUAL_SCORE' : 'MANUAL_SCORE_CHANGED';
  }

  /** Vervoe's own expiry; the description lists no webhook event for it, so none is returned. */
  expire(uuid: string): null {
    const ca = this.mustGet(uuid);
    if (ca.status !== 'incomplete' && ca.status !== 'in_progress') throw new VervoeSandboxError(409, `cannot expire: status is ${ca.status}`);
    ca.status = 'expired';
    this.touch(ca);
    return null;
  }

  reject(uuid: string): VervoeEvent {
    const ca = this.mustGet(uuid);
    ca.status = 'rejected';
    this.touch(ca);
    return 'CANDIDATE_REJECTED';
  }

  hire(uuid: string): VervoeEvent {
    const ca = this.mustGet(uuid);
    ca.status = 'hired';
    this.touch(ca);
    return 'CANDIDATE_HIRED';
  }

  /** Not a documented Vervoe operation: lets tests see how a 404 report is handled. */
  remove(uuid: string): void {
    this.mustGet(uuid);
    this.byUuid.delete(uuid);
  }

  /** The records as plain JSON (common/persist.ts). */
  snapshot(): { assessments: VervoeCandidateAssessment[]; emails: Array<[string, number]> } {
    return { assessments: this.all(), emails: [...this.emails.entries()] };
  }

  /** Replaces every record with a snapshot's (a simulator restarted on its state file). */
  restore(snap: { assessments: VervoeCandidateAssessment[]; emails: Array<[string, number]> }): void {
    this.reset();
    for (const ca of snap.assessments) this.byUuid.set(ca.uuid, ca);
    for (const [k, n] of snap.emails) this.emails.set(k, n);
  }

  reset(): void {
    this.byUuid.clear();
    this.emails.clear();
  }
}
