import PDFDocument from 'pdfkit';
import type { SkillScore, UpstreamAnswer } from '../upstreams/types.js';
import type { DetailLeaf, Details, WorkableGrade, WorkableStatus } from '../workable/payload.js';
import { formatDateTime, humanTime } from './dates.js';

/**
 * Everything the report shows; build it with buildReportInput (src/domain/mapping/report.ts). Stored with the
 * report when the result changes, so fields added later are optional: a report stored before them still renders.
 */
export interface ReportInput {
  candidate: { firstName: string; lastName: string; email: string; phone?: string };
  jobTitle: string;
  templateName?: string;
  status: WorkableStatus;
  /** The percentage Workable receives, as text ("78"). */
  score?: string;
  grade?: WorkableGrade;
  /** The profile's grade thresholds in percent, marked on the score bar. */
  gradeScale?: { passedFrom: number; excelledFrom: number };
  /** Per-skill scores where the upstream gives them (Vervoe's skill groups), drawn as a bar chart. */
  skills?: SkillScore[];
  summary?: string;
  details?: Details;
  duration?: string;
  /** ISO 8601 times; printed in `timeZone`. */
  invitedAt?: string;
  startedAt?: string;
  completedAt?: string;
  resultsUrl?: string;
  answers: UpstreamAnswer[];
  /** Printed on the report and written as the PDF's CreationDate: the only time the output depends on. */
  generatedAt: Date;
  /** IANA time zone every date is printed in (the profile's `report.time_zone`); UTC when absent. */
  timeZone?: string;
}

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 50;
/** Room under the body for the footer (rule, name, "Page n of m"). */
const BOTTOM = 64;
const LEFT = MARGIN;
const WIDTH = A4.width - 2 * MARGIN;

const INK = '#1f2933';
const MUTED = '#5f6b7a';
const RULE = '#d5dbe3';
const CARD = '#f2f5f9';
const TRACK = '#dde3ea';
const LINK = '#1a56a8';
/** Grade colours; the score bar and the grade badge use them (tests look for these pixels). */
export const GRADE_COLOURS: Readonly<Record<WorkableGrade | 'none', string>> = {
  failed: '#c0392b',
  passed: '#2e6db4',
  excelled: '#1e8449',
  none: '#2e6db4',
};
/** The skill chart's bars. */
export const SKILL_COLOUR = '#4a6fa5';

const STATUS_TEXT: Record<WorkableStatus, string> = {
  pending: 'Pending',
  completed: 'Completed',
  declined: 'Declined',
  expired: 'Expired',
  rejected: 'Rejected',
};
const GRADE_TEXT: Record<WorkableGrade, string> = { failed: 'Failed', passed: 'Passed', excelled: 'Excelled' };

type Doc = PDFKit.PDFDocument;

/**
 * Renders the interview report as an A4 PDF with pdfkit's built-in Helvetica (no font files to ship): a
 * header, the candidate and interview facts, the score as a bar with the grade thresholds, per-skill scores
 * as a bar chart, the summary and details, every question with its answer link and transcript, and a footer
 * with "Page n of m" on every page. Every date is printed in `input.timeZone`.
 *
 * The same input gives the same bytes: pdfkit derives the file id from the document info, which holds only
 * input values. Characters outside Helvetica's Latin (WinAnsi) set cannot be drawn by the built-in fonts.
 * `compress: false` writes readable content streams (useful in tests); the default compresses.
 */
export async function renderReportPdf(input: ReportInput, opts: { compress?: boolean } = {}): Promise<Buffer> {
  const name = `${input.candidate.firstName} ${input.candidate.lastName}`.trim();
  const zone = input.timeZone ?? 'UTC';
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, left: MARGIN, right: MARGIN, bottom: BOTTOM },
    compress: opts.compress ?? true,
    // Pages stay open until the end, so the footer can say how many there are.
    bufferPages: true,
    info: {
      Title: `Interview report: ${name}`,
      Author: 'Workable video bridge',
      Subject: `${input.templateName ?? 'Interview'} for ${input.jobTitle}`,
      Creator: 'workable-video-bridge',
      CreationDate: input.generatedAt,
      ModDate: input.generatedAt,
    },
  });
  const done = collect(doc);

  writeTitle(doc, input, zone);
  writeCandidate(doc, input, name, zone);
  writeScore(doc, input);
  writeLinks(doc, input);
  if (input.skills?.length) section(doc, 'Skill scores', 40, () => writeSkills(doc, input.skills ?? []));
  if (input.summary) section(doc, 'Summary', 30, () => doc.font('Helvetica').fontSize(10).fillColor(INK).text(input.summary ?? '', LEFT, doc.y, { width: WIDTH }));
  if (input.details && Object.keys(input.details).length) section(doc, 'Details', 30, () => writeDetails(doc, input.details ?? {}, zone));
  if (input.answers.length) section(doc, 'Questions and answers', 60, () => writeAnswers(doc, input.answers));
  writeFooters(doc, `${name} · ${input.jobTitle}`);

  doc.end();
  return done;
}

function writeTitle(doc: Doc, input: ReportInput, zone: string): void {
  const top = doc.page.margins.top;
  doc.font('Helvetica-Bold').fontSize(20).fillColor(INK).text('Interview report', LEFT, top, { width: WIDTH });
  doc.font('Helvetica').fontSize(8.5).fillColor(MUTED)
    .text(`Generated ${formatDateTime(input.generatedAt, zone)}`, LEFT, top + 2, { width: WIDTH, align: 'right' })
    .text(`Times shown in ${zone}`, LEFT, top + 13, { width: WIDTH, align: 'right' });
  const y = top + 32;
  doc.moveTo(LEFT, y).lineTo(LEFT + WIDTH, y).lineWidth(1).strokeColor(RULE).stroke();
  doc.x = LEFT;
  doc.y = y + 14;
}

function writeCandidate(doc: Doc, input: ReportInput, name: string, zone: string): void {
  doc.font('Helvetica-Bold').fontSize(16).fillColor(INK).text(name || input.candidate.email, LEFT, doc.y, { width: WIDTH });
  const contact = [input.candidate.email, input.candidate.phone].filter(Boolean).join('  ·  ');
  doc.font('Helvetica').fontSize(10).fillColor(MUTED).text(contact, LEFT, doc.y + 2, { width: WIDTH });
  doc.moveDown(0.8);
  const when = (iso: string | undefined) => (iso === undefined ? undefined : humanTime(iso, zone));
  const rows: Array<[string, string | undefined]> = [
    ['Job', input.jobTitle],
    ['Interview', input.templateName],
    ['Status', STATUS_TEXT[input.status] ?? input.status],
    ['Invited', when(input.invitedAt)],
    ['Started', when(input.startedAt)],
    ['Completed', when(input.completedAt)],
    ['Duration', input.duration],
  ];
  for (const [label, value] of rows) if (value) fact(doc, label, value);
}

/** One "label  value" row of the facts table; the value wraps in its own column. */
function fact(doc: Doc, label: string, value: string, indent = 0): void {
  keepWithNext(doc, 14);
  const y = doc.y;
  const labelWidth = 130;
  doc.font('Helvetica-Bold').fontSize(10).fillColor(MUTED).text(label, LEFT + indent, y, { width: labelWidth - 6 - indent });
  const afterLabel = doc.y;
  doc.font('Helvetica').fillColor(INK).text(value, LEFT + labelWidth, y, { width: WIDTH - labelWidth });
  doc.y = Math.max(doc.y, afterLabel) + 2;
  doc.x = LEFT;
}

/** The score card: the percentage, the grade as a badge, and a bar from 0 to 100 with the grade thresholds. */
function writeScore(doc: Doc, input: ReportInput): void {
  const completed = input.status === 'completed';
  if (input.score === undefined && !completed) return;
  const height = input.score === undefined ? 40 : 84;
  doc.moveDown(0.8);
  keepWithNext(doc, height + 10);
  const top = doc.y;
  doc.roundedRect(LEFT, top, WIDTH, height, 6).fill(CARD);
  doc.font('Helvetica-Bold').fontSize(8.5).fillColor(MUTED).text('SCORE', LEFT + 16, top + 12, { lineBreak: false });
  if (input.score === undefined) {
    doc.font('Helvetica').fontSize(11).fillColor(INK).text('Not scored yet', LEFT + 80, top + 12, { lineBreak: false });
    finishBlock(doc, top + height);
    return;
  }
  const percent = clampPercent(Number(input.score));
  const colour = GRADE_COLOURS[input.grade ?? 'none'];
  const big = `${input.score}%`;
  doc.font('Helvetica-Bold').fontSize(28).fillColor(colour).text(big, LEFT + 16, top + 28, { lineBreak: false });
  if (input.grade) {
    const label = GRADE_TEXT[input.grade];
    doc.font('Helvetica-Bold').fontSize(9);
    const w = doc.widthOfString(label) + 16;
    const x = LEFT + 16;
    doc.roundedRect(x, top + 60, w, 15, 7.5).fill(colour);
    doc.fillColor('#ffffff').text(label, x + 8, top + 63.5, { lineBreak: false });
  }
  // The bar: a grey track, the score filled in the grade's colour, a tick and label at each threshold.
  const barX = LEFT + 160;
  const barW = WIDTH - 160 - 20;
  const barY = top + 34;
  const barH = 14;
  doc.roundedRect(barX, barY, barW, barH, barH / 2).fill(TRACK);
  const filled = (barW * percent) / 100;
  if (filled > 0) doc.roundedRect(barX, barY, filled, barH, Math.min(barH / 2, filled / 2)).fill(colour);
  doc.font('Helvetica').fontSize(7.5).fillColor(MUTED);
  doc.text('0%', barX, barY - 11, { lineBreak: false });
  doc.text('100%', barX + barW - doc.widthOfString('100%'), barY - 11, { lineBreak: false });
  const scale = input.gradeScale;
  if (scale) {
    for (const [label, at] of [['passed', scale.passedFrom], ['excelled', scale.excelledFrom]] as const) {
      const x = barX + (barW * clampPercent(at)) / 100;
      doc.moveTo(x, barY - 3).lineTo(x, barY + barH + 3).lineWidth(1).strokeColor(INK).stroke();
      const text = `${label} from ${at}%`;
      const w = doc.widthOfString(text);
      const tx = Math.min(Math.max(x - w / 2, barX), barX + barW - w);
      doc.fillColor(MUTED).text(text, tx, barY + barH + 6, { lineBreak: false });
    }
  }
  finishBlock(doc, top + height);
}

function writeLinks(doc: Doc, input: ReportInput): void {
  if (!input.resultsUrl) return;
  doc.moveDown(0.8);
  keepWithNext(doc, 30);
  doc.font('Helvetica-Bold').fontSize(10).fillColor(LINK)
    .text('Open the full interview', LEFT, doc.y, { width: WIDTH, link: input.resultsUrl, underline: true });
  // Printed too, so a paper copy still says where the interview is.
  doc.font('Helvetica').fontSize(8).fillColor(MUTED).text(input.resultsUrl, LEFT, doc.y + 1, { width: WIDTH, link: input.resultsUrl });
  doc.x = LEFT;
}

/** A horizontal bar per skill: the name, a 0 to 100 bar and the percentage; a text result instead of a bar. */
function writeSkills(doc: Doc, skills: SkillScore[]): void {
  const labelW = 170;
  const valueW = 44;
  const barX = LEFT + labelW + 10;
  const barW = WIDTH - labelW - 10 - valueW - 8;
  for (const skill of skills) {
    keepWithNext(doc, 18);
    const y = doc.y;
    doc.font('Helvetica').fontSize(9.5).fillColor(INK)
      .text(skill.name, LEFT, y, { width: labelW, height: 12, ellipsis: true });
    if (skill.percent !== undefined) {
      const percent = clampPercent(skill.percent);
      doc.roundedRect(barX, y + 1, barW, 9, 4.5).fill(TRACK);
      const filled = (barW * percent) / 100;
      if (filled > 0) doc.roundedRect(barX, y + 1, filled, 9, Math.min(4.5, filled / 2)).fill(SKILL_COLOUR);
      doc.font('Helvetica-Bold').fontSize(9.5).fillColor(INK)
        .text(`${skill.percent}%`, barX + barW + 8, y, { width: valueW, align: 'right', lineBreak: false });
      doc.y = y + 18;
    } else {
      doc.font('Helvetica-Oblique').fontSize(9.5).fillColor(MUTED).text(skill.text ?? '', barX, y, { width: barW + valueW + 8 });
      doc.y = Math.max(doc.y, y + 12) + 6;
    }
    doc.x = LEFT;
  }
}

function writeDetails(doc: Doc, details: Details, zone: string): void {
  for (const [label, value] of Object.entries(details)) {
    if (value !== null && typeof value === 'object') {
      keepWithNext(doc, 30);
      doc.font('Helvetica-Bold').fontSize(10).fillColor(INK).text(label, LEFT, doc.y, { width: WIDTH });
      doc.moveDown(0.15);
      for (const [subLabel, leaf] of Object.entries(value)) fact(doc, subLabel, leafText(leaf, zone), 12);
      doc.moveDown(0.4);
    } else {
      fact(doc, label, leafText(value, zone));
    }
  }
}

function writeAnswers(doc: Doc, answers: UpstreamAnswer[]): void {
  answers.forEach((answer, index) => {
    // The title, its description, the link and the transcript's first lines stay together; a longer
    // transcript continues on the next page.
    keepWithNext(doc, answerHeadHeight(doc, answer));
    doc.font('Helvetica-Bold').fontSize(11).fillColor(INK).text(`${index + 1}. ${answer.title}`, LEFT, doc.y, { width: WIDTH });
    if (answer.description) doc.font('Helvetica').fontSize(9).fillColor(MUTED).text(answer.description, LEFT, doc.y + 1, { width: WIDTH });
    doc.font('Helvetica').fontSize(10);
    if (answer.answerUrl) doc.fillColor(LINK).text('Watch the answer', LEFT, doc.y + 2, { width: WIDTH, link: answer.answerUrl, underline: true });
    else doc.fillColor(MUTED).text('No answer recorded', LEFT, doc.y + 2, { width: WIDTH });
    if (answer.transcript) {
      doc.font('Helvetica-Bold').fontSize(8).fillColor(MUTED).text('TRANSCRIPT', LEFT + 12, doc.y + 4, { width: WIDTH - 12 });
      // pdfkit wraps long text to the column and continues it on new pages, at the same indent.
      doc.font('Helvetica').fontSize(10).fillColor(INK).text(answer.transcript, LEFT + 12, doc.y + 1, { width: WIDTH - 12, align: 'left' });
    }
    doc.x = LEFT;
    doc.moveDown(0.9);
  });
}

/** The height of a question's title, description, link and up to three lines of its transcript. */
function answerHeadHeight(doc: Doc, answer: UpstreamAnswer): number {
  let height = doc.font('Helvetica-Bold').fontSize(11).heightOfString(`00. ${answer.title}`, { width: WIDTH });
  if (answer.description) height += 1 + doc.font('Helvetica').fontSize(9).heightOfString(answer.description, { width: WIDTH });
  height += 2 + doc.font('Helvetica').fontSize(10).currentLineHeight(true);
  if (answer.transcript) {
    height += 4 + doc.font('Helvetica-Bold').fontSize(8).currentLineHeight(true) + 1;
    const lines = doc.font('Helvetica').fontSize(10);
    height += Math.min(lines.heightOfString(answer.transcript.slice(0, 600), { width: WIDTH - 12 }), 3 * lines.currentLineHeight(true));
  }
  return height + 2;
}

function section(doc: Doc, title: string, keep: number, body: () => void): void {
  doc.moveDown(1.2);
  keepWithNext(doc, keep);
  doc.font('Helvetica-Bold').fontSize(13).fillColor(INK).text(title, LEFT, doc.y, { width: WIDTH });
  const y = doc.y + 2;
  doc.moveTo(LEFT, y).lineTo(LEFT + WIDTH, y).lineWidth(0.5).strokeColor(RULE).stroke();
  doc.y = y + 6;
  doc.x = LEFT;
  body();
}

/** Every page: a rule, who the report is about, and "Page n of m". */
function writeFooters(doc: Doc, about: string): void {
  const { start, count } = doc.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    // Writing inside the bottom margin would start a new page: lift the margin while the footer is drawn.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = A4.height - 44;
    doc.moveTo(LEFT, y).lineTo(LEFT + WIDTH, y).lineWidth(0.5).strokeColor(RULE).stroke();
    doc.font('Helvetica').fontSize(8).fillColor(MUTED);
    const pageText = `Page ${i - start + 1} of ${count}`;
    const pageW = doc.widthOfString(pageText);
    doc.text(about, LEFT, y + 8, { width: WIDTH - pageW - 20, height: 10, ellipsis: true, lineBreak: false });
    doc.text(pageText, LEFT + WIDTH - pageW, y + 8, { lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
}

function leafText(leaf: DetailLeaf, zone: string): string {
  if (leaf === null) return '-';
  return typeof leaf === 'string' ? humanTime(leaf, zone) : String(leaf);
}

function clampPercent(value: number): number {
  return Number.isFinite(value) ? Math.min(100, Math.max(0, value)) : 0;
}

/** Moves below a drawn block, back at the left margin. */
function finishBlock(doc: Doc, bottom: number): void {
  doc.x = LEFT;
  doc.y = bottom;
}

/** Starts a new page when fewer than `height` points are left, so a heading never ends a page alone. */
function keepWithNext(doc: Doc, height: number): void {
  if (doc.y + height > doc.page.height - doc.page.margins.bottom) doc.addPage();
}

function collect(doc: Doc): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}
