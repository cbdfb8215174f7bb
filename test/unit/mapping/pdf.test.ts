import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { GRADE_COLOURS, SKILL_COLOUR, renderReportPdf, type ReportInput } from '../../../src/reports/pdf.js';
import { hasTool, pdfInfo, pdfLines, pdfPages } from '../../support/pdfText.js';

const base: ReportInput = {
  candidate: { firstName: 'Lakita', lastName: 'Marrero', email: 'lakita.marrero@example.com', phone: '+17859916256' },
  jobTitle: 'Operations Manager',
  templateName: 'Ops screen',
  status: 'completed',
  score: '78',
  grade: 'passed',
  gradeScale: { passedFrom: 50, excelledFrom: 80 },
  skills: [{ name: 'Empathy', percent: 72 }, { name: 'Written communication', percent: 91 }, { name: 'Culture', text: 'Strong fit' }],
  summary: 'Lakita Marrero answered 1 of 2 questions for Ops screen.',
  details: { Interview: { Template: 'Ops screen', 'Completed at': '2025-03-02T10:20:05.000Z', Questions: 2 }, Reviewer: 'Sam' },
  duration: '00:20:05',
  invitedAt: '2025-02-28T09:00:00.000Z',
  startedAt: '2025-03-02T10:00:00.000Z',
  completedAt: '2025-03-02T10:20:05.000Z',
  resultsUrl: 'https://shared.hireflix.com/interview/b1a00e3f',
  answers: [
    { title: 'Why this job?', answerUrl: 'https://video.example/a1.mp4', transcript: 'Because I like operations.' },
    { title: 'A hard problem you solved' },
  ],
  generatedAt: new Date('2025-03-03T00:00:00.000Z'),
  timeZone: 'Europe/Berlin',
};

const minimal: ReportInput = { candidate: base.candidate, jobTitle: 'Ops', status: 'pending', answers: [], generatedAt: base.generatedAt };

/** 300 one-line paragraphs: far more than a page (about 60 lines of 10 pt fit on one). */
const longTranscript = Array.from({ length: 300 }, (_, i) => `Transcript line ${String(i + 1).padStart(3, '0')}`).join('\n');
const manyQuestions = Array.from({ length: 80 }, (_, i) => ({
  title: `Question ${i + 1}`, description: 'Take two minutes.', answerUrl: `https://video.example/q${i + 1}.mp4`, transcript: 'A short answer.',
}));

const render = (input: ReportInput) => renderReportPdf(input, { compress: false });
/** The footer's baseline is 36 pt above the page's bottom edge; body text stays above the 64 pt margin. */
const FOOTER_MAX_Y = 40;
const BODY_MIN_Y = 64;

describe('renderReportPdf', () => {
  it('writes a complete PDF, compressed by default, that reads the same compressed or not', async () => {
    const pdf = await renderReportPdf(base);
    expect(pdf.subarray(0, 5).toString('latin1')).to.equal('%PDF-');
    expect(pdf.toString('latin1').trimEnd().endsWith('%%EOF')).to.equal(true);
    expect(pdf.toString('latin1')).to.include('/FlateDecode');
    expect(pdfLines(pdf)).to.deep.equal(pdfLines(await render(base)));
  });

  it('writes the document info: title, author, subject, creator and the generation time', async () => {
    expect(pdfInfo(await render(base))).to.deep.equal({
      Producer: 'PDFKit',
      Creator: 'workable-video-bridge',
      CreationDate: 'D:20250303000000Z',
      Title: 'Interview report: Lakita Marrero',
      Author: 'Workable video bridge',
      Subject: 'Ops screen for Operations Manager',
      ModDate: 'D:20250303000000Z',
    });
  });

  it('shows the candidate, the interview facts with human dates in the configured zone, and the score card', async () => {
    const lines = pdfLines(await render(base));
    expect(lines.slice(0, 22)).to.deep.equal([
      'Interview report', 'Generated 3 March 2025, 01:00 CET', 'Times shown in Europe/Berlin',
      'Lakita Marrero', 'lakita.marrero@example.com  ·  +17859916256',
      'Job', 'Operations Manager', 'Interview', 'Ops screen', 'Status', 'Completed',
      'Invited', '28 February 2025, 10:00 CET', 'Started', '2 March 2025, 11:00 CET', 'Completed', '2 March 2025, 11:20 CET',
      'Duration', '00:20:05',
      'SCORE', '78%', 'Passed',
    ]);
    expect(lines).to.include.members(['passed from 50%', 'excelled from 80%', 'Open the full interview', 'https://shared.hireflix.com/interview/b1a00e3f']);
    // No machine time is left anywhere, the details' included.
    expect(lines.filter((l) => /\d{4}-\d{2}-\d{2}T/.test(l))).to.deep.equal([]);
    expect(lines).to.include.members(['Completed at', '2 March 2025, 11:20 CET']);
  });

  const zones: Array<[string | undefined, string, string]> = [
    [undefined, '2 March 2025, 10:20 UTC', 'Times shown in UTC'],
    ['UTC', '2 March 2025, 10:20 UTC', 'Times shown in UTC'],
    ['America/New_York', '2 March 2025, 05:20 GMT-5', 'Times shown in America/New_York'],
    ['Asia/Kolkata', '2 March 2025, 15:50 GMT+5:30', 'Times shown in Asia/Kolkata'],
  ];
  for (const [zone, completed, note] of zones) {
    it(`prints the completion time in ${zone ?? 'UTC when no zone is stored'}`, async () => {
      const { timeZone: _, ...rest } = base;
      const lines = pdfLines(await render(zone === undefined ? rest : { ...rest, timeZone: zone }));
      expect(lines[lines.indexOf('Completed', lines.indexOf('Started')) + 1]).to.equal(completed);
      expect(lines).to.include(note);
    });
  }

  it('draws each skill as a labelled bar with its percentage, and a text result as text', async () => {
    const lines = pdfLines(await render(base));
    const from = lines.indexOf('Skill scores');
    expect(from).to.be.greaterThan(0);
    expect(lines.slice(from, from + 6)).to.deep.equal(['Skill scores', 'Empathy', '72%', 'Written communication', '91%', 'Culture']);
    expect(lines[from + 6]).to.equal('Strong fit');
  });

  it('lists the questions with answer links and transcripts', async () => {
    const lines = pdfLines(await render(base));
    const from = lines.indexOf('Questions and answers');
    expect(lines.slice(from, from + 8)).to.deep.equal([
      'Questions and answers', '1. Why this job?', 'Watch the answer', 'TRANSCRIPT', 'Because I like operations.',
      '2. A hard problem you solved', 'No answer recorded', 'Lakita Marrero · Operations Manager',
    ]);
  });

  it('links the results (title and printed address) and each answer with URI annotations', async () => {
    const source = (await render(base)).toString('latin1');
    expect(source.match(/\/URI \(([^)]*)\)/g)).to.deep.equal([
      '/URI (https://shared.hireflix.com/interview/b1a00e3f)',
      '/URI (https://shared.hireflix.com/interview/b1a00e3f)',
      '/URI (https://video.example/a1.mp4)',
    ]);
  });

  it('fits a short interview on one page, footed "Page 1 of 1"', async () => {
    const pages = pdfPages(await render(base));
    expect(pages).to.have.length(1);
    expect(pages[0]!.filter((l) => l.y < FOOTER_MAX_Y).map((l) => l.text)).to.deep.equal(['Lakita Marrero · Operations Manager', 'Page 1 of 1']);
  });

  it('flows a long transcript over further pages, keeping every line, each page numbered', async () => {
    const pages = pdfPages(await render({ ...base, answers: [{ title: 'Tell us everything', transcript: longTranscript }] }));
    expect(pages).to.have.length(6);
    const lines = pages.flat().map((l) => l.text).filter((l) => l.startsWith('Transcript line '));
    expect(lines).to.have.length(300);
    expect([lines[0], lines[299]]).to.deep.equal(['Transcript line 001', 'Transcript line 300']);
    pages.forEach((page, i) => {
      expect(page.filter((l) => l.y < FOOTER_MAX_Y).map((l) => l.text)).to.deep.equal(['Lakita Marrero · Operations Manager', `Page ${i + 1} of 6`]);
      // The transcript continues at its indent, and never runs into the footer.
      const body = page.filter((l) => l.y >= FOOTER_MAX_Y);
      expect(Math.min(...body.map((l) => l.y))).to.be.at.least(BODY_MIN_Y);
      for (const l of body.filter((b) => b.text.startsWith('Transcript line '))) expect(l.x).to.equal(62);
    });
  });

  it('paginates 80 questions cleanly: each once, its title on the page of its link, no text in the footer', async () => {
    const pages = pdfPages(await render({ ...base, answers: manyQuestions }));
    expect(pages.length).to.equal(10);
    const titles = pages.flat().map((l) => l.text).filter((t) => /^\d+\. Question \d+$/.test(t));
    expect(titles).to.deep.equal(manyQuestions.map((q, i) => `${i + 1}. ${q.title}`));
    for (const [i, page] of pages.entries()) {
      const texts = page.map((l) => l.text);
      expect(texts.filter((t) => t.startsWith('Page '))).to.deep.equal([`Page ${i + 1} of ${pages.length}`]);
      // A page never ends on a title whose link and transcript went over.
      const lastTitle = texts.filter((t) => /^\d+\. Question/.test(t)).at(-1);
      if (lastTitle) expect(texts.slice(texts.indexOf(lastTitle))).to.include.members(['Watch the answer', 'TRANSCRIPT', 'A short answer.']);
      expect(Math.min(...page.filter((l) => l.y >= FOOTER_MAX_Y).map((l) => l.y))).to.be.at.least(BODY_MIN_Y);
    }
  });

  it('wraps a long paragraph to the page width', async () => {
    const paragraph = Array.from({ length: 60 }, () => 'word').join(' ');
    const lines = pdfLines(await render({ ...base, answers: [{ title: 'Q', transcript: paragraph }] }));
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

  it('omits absent parts: a pending interview without score, skills, summary, details or answers', async () => {
    const lines = pdfLines(await render(minimal));
    expect(lines).to.deep.equal([
      'Interview report', 'Generated 3 March 2025, 00:00 UTC', 'Times shown in UTC',
      'Lakita Marrero', 'lakita.marrero@example.com  ·  +17859916256',
      'Job', 'Ops', 'Status', 'Pending',
      'Lakita Marrero · Ops', 'Page 1 of 1',
    ]);
  });

  it('says "Not scored yet" for a completed interview without a score', async () => {
    const lines = pdfLines(await render({ ...minimal, status: 'completed' }));
    expect(lines.slice(lines.indexOf('SCORE'), lines.indexOf('SCORE') + 2)).to.deep.equal(['SCORE', 'Not scored yet']);
  });

  it('renders a report stored before the layout (no zone, scale, skills or invitation time)', async () => {
    const { timeZone: _z, gradeScale: _g, skills: _s, invitedAt: _i, startedAt: _t, ...old } = base;
    const lines = pdfLines(await render(old));
    expect(lines).to.include.members(['78%', 'Passed', '2 March 2025, 10:20 UTC', 'Page 1 of 1']);
    expect(lines).to.not.include.members(['Skill scores', 'Invited', 'passed from 50%']);
  });

  const missing = ['pdftotext', 'pdfinfo', 'pdftoppm'].filter((t) => !hasTool(t));
  const why = `${missing.join(', ')} not installed (apt-get install poppler-utils)`;
  describe(missing.length ? `with poppler-utils: skipped, ${why}` : 'with poppler-utils', function () {
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    const write = async (name: string, input: ReportInput): Promise<string> => {
      const file = join(dir, `${name}.pdf`);
      writeFileSync(file, await renderReportPdf(input));
      return file;
    };

    it('pdftotext extracts the human dates, skills and page numbers; pdfinfo reads the metadata', async function () {
      if (!hasTool('pdftotext') || !hasTool('pdfinfo')) this.skip();
      const file = await write('long', { ...base, answers: [...base.answers, ...manyQuestions] });
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
      const pages = text.split('\f').filter((p) => p.trim());
      expect(pages).to.have.length(10);
      pages.forEach((p, i) => expect(p).to.match(new RegExp(`Page ${i + 1} of 10\\s*$`)));
      expect(pages[0]).to.match(/Completed\s+2 March 2025, 11:20 CET/).and.match(/Empathy\s+72%/).and.match(/Written communication\s+91%/).and.include('78%');
      const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
      expect(info).to.match(/^Title:\s+Interview report: Lakita Marrero$/m).and.match(/^Author:\s+Workable video bridge$/m)
        .and.match(/^Subject:\s+Ops screen for Operations Manager$/m).and.match(/^CreationDate:\s+Mon Mar\s+3 00:00:00 2025 UTC$/m)
        .and.match(/^Pages:\s+10$/m);
    });

    /** Page one at 72 dpi (a pixel per point) as RGB pixels, via pdftoppm's PPM output. */
    const pixels = (file: string): { width: number; height: number; rgb: Buffer } => {
      const out = join(dir, 'page');
      execFileSync('pdftoppm', ['-r', '72', '-f', '1', '-l', '1', '-singlefile', file, out]);
      const ppm = readFileSync(`${out}.ppm`);
      const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.subarray(0, 32).toString('latin1'));
      if (!header) throw new Error('pdftoppm did not write a binary PPM');
      return { width: Number(header[1]), height: Number(header[2]), rgb: ppm.subarray(header[0].length) };
    };
    const count = (rgb: Buffer, hex: string): number => {
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
      let n = 0;
      for (let i = 0; i < rgb.length; i += 3) if (Math.abs(rgb[i]! - r!) <= 2 && Math.abs(rgb[i + 1]! - g!) <= 2 && Math.abs(rgb[i + 2]! - b!) <= 2) n++;
      return n;
    };

    it('pdftoppm renders page one with the score bar in the grade colour and the skill bars', async function () {
      if (!hasTool('pdftoppm')) this.skip();
      const passed = pixels(await write('passed', base));
      // A4 is 595.28 x 841.89 pt; pdftoppm rounds each side up.
      expect([passed.width, passed.height]).to.deep.equal([596, 842]);
      const notWhite = passed.rgb.reduce((n, v, i) => (i % 3 === 0 && (v < 250 || passed.rgb[i + 1]! < 250 || passed.rgb[i + 2]! < 250) ? n + 1 : n), 0);
      expect(notWhite / (595 * 842)).to.be.greaterThan(0.03);
      // The score bar fills 78% of 315 pt, 14 pt high: thousands of pixels of the "passed" colour.
      expect(count(passed.rgb, GRADE_COLOURS.passed)).to.be.greaterThan(3000);
      expect(count(passed.rgb, GRADE_COLOURS.excelled)).to.equal(0);
      expect(count(passed.rgb, SKILL_COLOUR)).to.be.greaterThan(2000);
      // Another grade draws in its own colour; without skills there are no skill bars.
      const excelled = pixels(await write('excelled', { ...base, score: '92', grade: 'excelled', skills: [] }));
      expect(count(excelled.rgb, GRADE_COLOURS.excelled)).to.be.greaterThan(3000);
      expect(count(excelled.rgb, GRADE_COLOURS.passed)).to.equal(0);
      expect(count(excelled.rgb, SKILL_COLOUR)).to.equal(0);
    });

    it('pdftoppm renders every page of a long report to PNG (kept in REPORT_PNG_DIR when set)', async function () {
      if (!hasTool('pdftoppm')) this.skip();
      const file = await write('pages', { ...base, answers: [{ title: 'Tell us everything', transcript: longTranscript }, ...manyQuestions.slice(0, 10)] });
      const target = process.env.REPORT_PNG_DIR ?? join(dir, 'png');
      mkdirSync(target, { recursive: true });
      const count = pdfPages(readFileSync(file)).length;
      expect(count).to.equal(7);
      execFileSync('pdftoppm', ['-r', '60', '-png', file, join(target, 'report')]);
      const pages = readdirSync(target).filter((f) => /^report-\d+\.png$/.test(f)).sort();
      expect(pages).to.have.length(count);
      for (const png of pages.map((f) => readFileSync(join(target, f)))) {
        expect(png.subarray(1, 4).toString('latin1')).to.equal('PNG');
        // IHDR: A4 at 60 dpi is 496.07 x 701.58: 497 x 702 pixels.
        expect([png.readUInt32BE(16), png.readUInt32BE(20)]).to.deep.equal([497, 702]);
      }
    });
  });
});
