/** The Vervoe sandbox's records and seed, shaped after Vervoe's API description (v1.8). */

/**
 * A candidate assessment's status. `incomplete` is used for "invited, not started" (the description lists
 * the value without defining it); `in_progress` is spelt "in progress" in single reports and webhooks, as
 * the description's single-report text does, and "in_progress" in lists, as its list text and filter do.
 */
export type VervoeSandboxStatus = 'incomplete' | 'in_progress' | 'complete' | 'expired' | 'hired' | 'rejected';

export type VervoeScoreType = 'TYPE_AI' | 'TYPE_MANUAL';

/** The webhook events the description lists; the body names none of them, the sandbox logs them. */
export type VervoeEvent =
  | 'CANDIDATE_START_INTERVIEW'
  | 'CANDIDATE_COMPLETE_INTERVIEW'
  | 'AI_SCORE'
  | 'AI_SCORE_CHANGED'
  | 'MANUAL_SCORE'
  | 'MANUAL_SCORE_CHANGED'
  | 'CANDIDATE_HIRED'
  | 'CANDIDATE_REJECTED';

export interface VervoeAssessment {
  slug: string;
  name: string;
  description: string;
  questionsCount: number;
  skills: string[];
}

export interface VervoeScoreGroup {
  groupName: string;
  scorePercentage: number;
}

export interface VervoeSandboxScore {
  type: VervoeScoreType;
  /** Overall score, 0 to 100. */
  score: number;
  /** Per-skill groups; when absent, scoreByFormat is the overall number. */
  groups?: VervoeScoreGroup[];
}

export interface VervoeCandidateAssessment {
  uuid: string;
  slug: string;
  candidate: { email: string; firstName: string; lastName: string; phone?: string };
  status: VervoeSandboxStatus;
  /** Token in the candidate link and the candidate card link. */
  token: string;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  completedAt: number | null;
  score: VervoeSandboxScore | null;
}

export const DEFAULT_ASSESSMENTS: readonly VervoeAssessment[] = [
  { slug: 'customer-support-specialist', name: 'Customer Support Specialist', description: 'Written and video replies to customer cases', questionsCount: 5, skills: ['communication', 'empathy'] },
  { slug: 'backend-developer-test', name: 'Backend developer test', description: 'Node.js and SQL tasks', questionsCount: 4, skills: ['problem solving', 'javascript'] },
  { slug: 'sales-development-rep', name: 'Sales Development Representative', description: 'Cold call role play on video', questionsCount: 3, skills: ['persuasion'] },
];
