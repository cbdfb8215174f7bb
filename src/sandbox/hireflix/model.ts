/** The sandbox's in-memory Hireflix records and the default seed. */
import { randomBytes } from 'node:crypto';

export type SandboxStatus = 'pending' | 'completed' | 'shortlisted' | 'discarded';

export type SandboxEvent =
  | 'interview.create'
  | 'interview.finish'
  | 'interview.status-change'
  | 'interview.score-updated'
  | 'interview.delete';

export interface SandboxQuestion {
  id: string;
  title: string;
  description: string;
}

export interface SandboxPosition {
  id: string;
  name: string;
  /** Epoch ms when archived, null when open (as Hireflix reports it). */
  archived: number | null;
  /** Epoch ms deadline for the position's interviews, null for none (Hireflix `expires`). Absent in old state files. */
  expires?: number | null;
  questions: SandboxQuestion[];
}

export interface SandboxPositionSeed {
  id?: string;
  name: string;
  archived?: number | null;
  expires?: number | null;
}

export interface SandboxCandidate {
  firstName: string;
  lastName: string;
  email: string;
  phone?: string;
}

export interface SandboxInterview {
  id: string;
  /** Hireflix's short hash, used in candidate links. */
  hash: string;
  positionId: string;
  externalId: string | null;
  candidate: SandboxCandidate;
  status: SandboxStatus;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  completedAt: number | null;
  discardedAt: number | null;
  /** Epoch ms deadline for taking it, null for none; a new interview takes its position's. Absent in old state files. */
  expires?: number | null;
  score: number | null;
  durationSeconds: number | null;
  /** One transcript per answered question; empty until finished. */
  answers: Array<{ transcript: string }>;
}

/** A 24-hex id like Hireflix's (MongoDB ObjectId-shaped). */
export function newObjectId(): string {
  return randomBytes(12).toString('hex');
}

/** An 8-character candidate-link hash. */
export function newHash(): string {
  return randomBytes(6).toString('base64url').slice(0, 8);
}

const QUESTIONS: Array<Omit<SandboxQuestion, 'id'>> = [
  { title: 'Introduce yourself', description: 'Tell us briefly about your background and what you are looking for.' },
  { title: 'A problem you solved', description: 'Describe a difficult problem you solved recently and how you approached it.' },
  { title: 'Why this role', description: 'Why are you interested in this position?' },
];

/** Fixed ids so that demos and docs can name the seeded positions. */
export const DEFAULT_POSITIONS: SandboxPositionSeed[] = [
  { id: '64f0c0ffee00000000000001', name: 'Customer Support Specialist' },
  { id: '64f0c0ffee00000000000002', name: 'Backend Engineer (Node.js)' },
  { id: '64f0c0ffee00000000000003', name: 'Sales Development Representative' },
  { id: '64f0c0ffee00000000000004', name: 'Office Manager (2023)', archived: 1_700_000_000_000 },
];

/** Materialises position seeds, each with the same three questions under fresh ids. */
export function seedPositions(seeds: SandboxPositionSeed[]): SandboxPosition[] {
  return seeds.map((s) => ({
    id: s.id ?? newObjectId(),
    name: s.name,
    archived: s.archived ?? null,
    expires: s.expires ?? null,
    questions: QUESTIONS.map((q) => ({ id: newObjectId(), ...q })),
  }));
}
