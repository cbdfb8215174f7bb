import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { renderReportPdf, type ReportInput } from '../../src/reports/pdf.js';

/** Each pdfkit text line is one `[<hex> kern <hex> ...] TJ`; joining its hex runs gives the line's text. */
function textLines(pdf: Buffer): string[] {
  const source = pdf.toString('latin1');
  return [...source.matchAll(/\[([^\]]*)\] TJ/g)].map((m) =>
    [...(m[1] ?? '').matchAll(/<([0-9a-f]*)>/gi)].map((h) => Buffer.from(h[1] ?? '', 'hex').toString('latin1')).join(''));
}

const pageCount = (pdf: Buffer): number => (pdf.toString('latin1').match(/\/Type \/Page\b(?!s)/g) ?? []).length;

function hasPdftotext(): boolean {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const base: ReportInput = {
  candidate: { firstName: 'Lakita', lastName: 'Marrero', email: 'lakita.marrero@example.com' },
  jobTitle: 'Operations Manager',
  templateName: 'Ops screen',
  status: 'completed',
  score: '78',
  grade: 'passed',
  summary: 'Lakita Marrero answered 1 of 2 questions for Ops screen.',
  details: { Interview: { Template: 'Ops screen', Questions: 2 }, Reviewer: 'Sam' },
  duration: '00:20:05',
  completedAt: '2025-03-02T10:20:05.000Z',
  resultsUrl: 'https://shared.hireflix.com/interview/b1a00e3f',
  answers: [
    { title: 'Why this job?', answerUrl: 'https://video.example/a1.mp4', transcript: 'Because I like operations.' },
    { title: 'A hard problem you solved' },
  ],
  generatedAt: new Date('2025-03-03T00:00:00.000Z'),
};

/**
 * At 10 pt Helvetica a line takes 11.56 pt, so 64 lines fill an A4 body of 742 pt. Page one also holds the
 * header block, so 300 one-line paragraphs need page one plus five more.
 */
const longTranscript = Array.from({ length: 300 }, (_, i) => `Transcript line ${String(i + 1).padStart(3, '0')}`).join('\n');

describe('renderReportPdf', () => {
  it('writes a complete PDF, compressed by default', async () => {
    const pdf = await renderReportPdf(base);
    expect(pdf.subarray(0, 5).toString('latin1')).to.equal('%PDF-');
    expect(pdf.toString('latin1').trimEnd().endsWith('%%EOF')).to.equal(true);
    expect(pdf.toString('latin1')).to.include('/FlateDecode');
  });

  it('shows the candidate, job, score block, summary, details and answers', async () => {
    const lines = textLines(await renderReportPdf(base, { compress: false }));
    expect(lines).to.include.members([
      'Interview report', 'Generated 2025-03-03T00:00:00.000Z', 'Lakita Marrero', 'lakita.marrero@example.com',
      'Operations Manager', 'Score: ', '78%', 'passed', '00:20:05', 'Summary',
      'Lakita Marrero answered 1 of 2 questions for Ops screen.', 'Details', 'Interview', 'Questions: ', 'Reviewer: ', 'Sam',
      '1. Why this job?', 'Watch the answer', 'Because I like operations.', '2. A hard problem you solved', 'No answer recorded',
    ]);
  });

  it('links the results and each answer with URI annotations', async () => {
    const source = (await renderReportPdf(base, { compress: false })).toString('latin1');
    expect(source.match(/\/URI \(([^)]*)\)/g)).to.deep.equal([
      '/URI (https://shared.hireflix.com/interview/b1a00e3f)',
      '/URI (https://video.example/a1.mp4)',
    ]);
  });

  it('fits a short interview on one page', async () => {
    expect(pageCount(await renderReportPdf(base, { compress: false }))).to.equal(1);
  });

  it('flows a long transcript over further pages, keeping every line', async () => {
    const pdf = await renderReportPdf({ ...base, answers: [{ title: 'Tell us everything', transcript: longTranscript }] }, { compress: false });
    expect(pageCount(pdf)).to.equal(6);
    const lines = textLines(pdf).filter((l) => l.startsWith('Transcript line '));
    expect(lines).to.have.length(300);
    expect([lines[0], lines[299]]).to.deep.equal(['Transcript line 001', 'Transcript line 300']);
  });

  it('wraps a long paragraph to the page width', async () => {
    const paragraph = Array.from({ length: 60 }, () => 'word').join(' ');
    const lines = textLines(await renderReportPdf({ ...base, answers: [{ title: 'Q', transcript: paragraph }] }, { compress: false }));
    const wrapped = lines.filter((l) => l.startsWith('word'));
    expect(wrapped.length).to.be.greaterThan(1);
    expect(wrapped.join(' ').split(/\s+/).filter(Boolean)).to.have.length(60);
  });

  it('is byte-for-byte deterministic for the same input', async () => {
    const [a, b] = await Promise.all([renderReportPdf(base), renderReportPdf(base)]);
    expect(a.equals(b)).to.equal(true);
    // The only time in the output is the input's: another generatedAt changes the bytes.
    const later = await renderReportPdf({ ...base, generatedAt: new Date('2025-03-04T00:00:00.000Z') });
    expect(later.equals(a)).to.equal(false);
  });

  it('omits absent parts', async () => {
    const minimal: ReportInput = { candidate: base.candidate, jobTitle: 'Ops', status: 'completed', answers: [], generatedAt: base.generatedAt };
    const lines = textLines(await renderReportPdf(minimal, { compress: false }));
    expect(lines.filter((l) => ['Summary', 'Details', 'Questions and answers', 'Score: '].includes(l))).to.deep.equal([]);
  });

  it('extracts as text with pdftotext, when installed', async function () {
    if (!hasPdftotext()) this.skip();
    const file = join(mkdtempSync(join(tmpdir(), 'report-')), 'r.pdf');
    writeFileSync(file, await renderReportPdf(base));
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).to.include('Lakita Marrero').and.include('Because I like operations.');
  });
});
