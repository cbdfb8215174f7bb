/**
 * How one sandbox interview looks from the outside: to GraphQL (Hireflix's field names, epoch-ms
 * timestamps), in webhook bodies, and in the control API (plain and readable).
 */
import type { SandboxInterview, SandboxPosition } from './model.js';

function urls(iv: SandboxInterview, baseUrl: string) {
  return {
    public: `${baseUrl}/_sandbox/take/${iv.hash}`,
    short: `${baseUrl}/_sandbox/c/${iv.hash}`,
    private: `${baseUrl}/_sandbox/interviews/${iv.id}`,
  };
}

function fullName(iv: SandboxInterview): string {
  return `${iv.candidate.firstName} ${iv.candidate.lastName}`.trim();
}

/** The object GraphQL resolves InterviewType fields from. `__typename` selects the union member. */
export function graphqlInterview(iv: SandboxInterview, position: SandboxPosition | undefined, baseUrl: string) {
  const questions = position?.questions ?? [];
  return {
    __typename: 'InterviewType',
    id: iv.id,
    hash: iv.hash,
    externalId: iv.externalId,
    status: iv.status,
    answered: iv.completedAt !== null,
    completed: iv.completedAt,
    createdAt: iv.createdAt,
    updatedAt: iv.updatedAt,
    discardedAt: iv.discardedAt,
    expires: iv.expires ?? null,
    score: iv.score === null ? null : { value: iv.score },
    url: urls(iv, baseUrl),
    candidate: { name: fullName(iv), ...iv.candidate },
    position: position ? { id: position.id, name: position.name } : null,
    questions: questions.map((q, n) => {
      const answer = iv.answers[n];
      return {
        ...q,
        answer: answer
          ? {
              id: `${iv.id}-${n + 1}`,
              url: `${baseUrl}/_sandbox/media/${iv.id}/${n + 1}.mp4`,
              transcription: { languageCode: 'en', text: answer.transcript, words: [] },
            }
          : null,
      };
    }),
  };
}

/** `data` of a webhook body, shaped like Hireflix's documented interview.create payload. */
export function webhookData(iv: SandboxInterview, position: SandboxPosition | undefined, baseUrl: string) {
  return {
    id: iv.id,
    position: position ? { id: position.id, name: position.name } : null,
    externalId: iv.externalId,
    status: iv.status,
    hash: iv.hash,
    createdAt: iv.createdAt,
    updatedAt: iv.updatedAt,
    completed: iv.completedAt,
    score: iv.score === null ? null : { value: iv.score },
    url: urls(iv, baseUrl),
    candidate: { name: fullName(iv), ...iv.candidate },
  };
}

/** The control API's view: ISO times, the state by name, and the position inline. */
export function controlView(iv: SandboxInterview, position: SandboxPosition | undefined, baseUrl: string) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: iv.id,
    externalId: iv.externalId,
    state: iv.status,
    score: iv.score,
    position: position ? { id: position.id, name: position.name } : { id: iv.positionId, name: null },
    candidate: iv.candidate,
    createdAt: iso(iv.createdAt),
    updatedAt: iso(iv.updatedAt),
    startedAt: iso(iv.startedAt),
    completedAt: iso(iv.completedAt),
    discardedAt: iso(iv.discardedAt),
    expiresAt: iso(iv.expires ?? null),
    durationSeconds: iv.durationSeconds,
    answers: iv.answers.length,
    candidateUrl: urls(iv, baseUrl).public,
  };
}
