/** Shared inputs for the mapping tests: a profile from raw YAML-shaped data, and a Hireflix-like snapshot. */
import { parseMappingProfile, type MappingProfile } from '../../../src/config/mappingSchema.js';
import type { SourceContext } from '../../../src/domain/mapping/index.js';
import type { UpstreamInterview } from '../../../src/upstreams/types.js';

/** Parses a profile the way the app does; a test profile with problems is a broken test, so it throws. */
export function profileFrom(raw: Record<string, unknown> = {}): MappingProfile {
  const { profile, problems } = parseMappingProfile(raw, 'test.yaml');
  if (!profile) throw new Error(problems.join('\n'));
  return profile;
}

export function snapshot(overrides: Partial<UpstreamInterview> = {}): UpstreamInterview {
  return {
    upstreamId: '68d4164f19367e041b2030c0',
    externalId: 'iv_1',
    templateId: 'pos_1',
    templateName: 'Ops screen',
    state: 'completed',
    createdAt: '2025-03-01T09:00:00.000Z',
    startedAt: '2025-03-02T10:00:00.000Z',
    completedAt: '2025-03-02T10:20:05.000Z',
    score: 3.9,
    durationSeconds: 1205,
    candidate: { firstName: 'Lakita', lastName: 'Marrero', email: 'lakita.marrero@example.com' },
    answers: [
      { title: 'Why this job?', answerUrl: 'https://video.example/a1.mp4', transcript: 'Because I like operations.' },
      { title: 'A hard problem you solved' },
    ],
    fields: {},
    ...overrides,
  };
}

export const record: SourceContext['record'] = {
  jobTitle: 'Operations Manager',
  templateName: 'Ops screen (stored)',
  candidate: { firstName: 'Lakita', lastName: 'Marrero', email: 'lakita.marrero@example.com', phone: '+17859916256' },
  createdAt: '2025-03-01T08:59:59.000Z',
};
