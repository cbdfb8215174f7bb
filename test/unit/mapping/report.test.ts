import { expect } from 'chai';
import { buildReportInput } from '../../../src/domain/mapping/index.js';
import { renderReportPdf } from '../../../src/reports/pdf.js';
import { pdfLines } from '../../support/pdfText.js';
import { profileFrom, record, snapshot } from './fixtures.js';

const generatedAt = new Date('2025-03-03T00:00:00.000Z');

describe('buildReportInput', () => {
  it('takes the zone and grade scale from the profile, the times and skills from the upstream', () => {
    const profile = profileFrom({ report: { time_zone: 'Europe/Berlin' }, grade: { passed_from: 40, excelled_from: 90 } });
    const skills = [{ name: 'Empathy', percent: 60 }, { name: 'Culture', text: 'Strong fit' }];
    const input = buildReportInput(profile, { snapshot: snapshot({ skills }), record, status: 'completed', resultsUrl: 'https://r.example/x', generatedAt });
    expect(input).to.deep.include({
      timeZone: 'Europe/Berlin',
      gradeScale: { passedFrom: 40, excelledFrom: 90 },
      skills,
      score: '78',
      grade: 'passed',
      invitedAt: '2025-03-01T09:00:00.000Z',
      startedAt: '2025-03-02T10:00:00.000Z',
      completedAt: '2025-03-02T10:20:05.000Z',
      resultsUrl: 'https://r.example/x',
    });
    // A copy: the stored report does not share the snapshot's objects.
    expect(input.skills?.[0]).to.not.equal(skills[0]);
  });

  it('has no skills where the upstream gives none, and UTC by default', () => {
    const input = buildReportInput(profileFrom(), { snapshot: snapshot(), record, status: 'completed', generatedAt });
    expect(input.skills).to.equal(undefined);
    expect(input.timeZone).to.equal('UTC');
  });

  it('renders the profile zone in the PDF', async () => {
    const input = buildReportInput(profileFrom({ report: { time_zone: 'America/New_York' } }), { snapshot: snapshot(), record, status: 'completed', generatedAt });
    const lines = pdfLines(await renderReportPdf(input));
    expect(lines).to.include.members(['Generated 2 March 2025, 19:00 GMT-5', 'Times shown in America/New_York', '2 March 2025, 05:20 GMT-5']);
  });
});
