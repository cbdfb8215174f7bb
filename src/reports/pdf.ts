import PDFDocument from 'pdfkit';
import type { UpstreamAnswer } from '../upstreams/types.js';
import type { DetailLeaf, Details, WorkableGrade, WorkableStatus } from '../workable/payload.js';

/** Everything the report shows; build it with buildReportInput (src/domain/mapping/report.ts). */
export interface ReportInput {
  candidate: { firstName: string; lastName: string; email: string; phone?: string };
  jobTitle: string;
  templateName?: string;
  status: WorkableStatus;
  score?: string;
  grade?: WorkableGrade;
  summary?: string;
  details?: Details;
  duration?: string;
  completedAt?: string;
  resultsUrl?: string;
  answers: UpstreamAnswer[];
  /** Printed on the report and written as the PDF's CreationDate: the only time the output depends on. */
  generatedAt: Date;
}

const MARGIN = 50;
const MUTED = '#555555';
const LINK = '#1a56a8';

/**
 * Renders the interview report as a PDF with pdfkit's built-in Helvetica (no font files to ship).
 * The same input gives the same bytes: pdfkit derives the file id from the document info, which holds only
 * input values. Characters outside Helvetica's Latin (WinAnsi) set cannot be drawn by the built-in fonts.
 * `compress: false` writes readable content streams (useful in tests); the default compresses.
 */
export async function renderReportPdf(input: ReportInput, opts: { compress?: boolean } = {}): Promise<Buffer> {
  const name = `${input.candidate.firstName} ${input.candidate.lastName}`.trim();
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    compress: opts.compress ?? true,
    info: { Title: `Interview report: ${name}`, Subject: input.jobTitle, CreationDate: input.generatedAt, ModDate: input.generatedAt },
  });
  const done = collect(doc);

  doc.font('Helvetica-Bold').fontSize(20).text('Interview report');
  doc.font('Helvetica').fontSize(9).fillColor(MUTED).text(`Generated ${input.generatedAt.toISOString()}`).fillColor('black');
  doc.moveDown();
  writeHeader(doc, input, name);
  if (input.summary) section(doc, 'Summary', () => doc.font('Helvetica').fontSize(10).text(input.summary ?? ''));
  if (input.details && Object.keys(input.details).length) section(doc, 'Details', () => writeDetails(doc, input.details ?? {}));
  if (input.answers.length) section(doc, 'Questions and answers', () => writeAnswers(doc, input.answers));

  doc.end();
  return done;
}

function writeHeader(doc: PDFKit.PDFDocument, input: ReportInput, name: string): void {
  doc.font('Helvetica-Bold').fontSize(14).text(name);
  const rows: Array<[string, string | undefined]> = [
    ['Email', input.candidate.email],
    ['Phone', input.candidate.phone],
    ['Job', input.jobTitle],
    ['Interview', input.templateName],
    ['Status', input.status],
    ['Completed at', input.completedAt],
    ['Score', input.score === undefined ? undefined : `${input.score}%`],
    ['Grade', input.grade],
    ['Duration', input.duration],
  ];
  doc.fontSize(10);
  for (const [label, value] of rows) if (value) labelled(doc, label, value);
  if (input.resultsUrl) {
    doc.moveDown(0.3).fillColor(LINK).text('Open the full interview', { link: input.resultsUrl, underline: true }).fillColor('black');
  }
}

function writeDetails(doc: PDFKit.PDFDocument, details: Details): void {
  doc.fontSize(10);
  for (const [label, value] of Object.entries(details)) {
    if (value !== null && typeof value === 'object') {
      keepWithNext(doc, 30);
      doc.font('Helvetica-Bold').text(label);
      doc.x += 15;
      for (const [subLabel, leaf] of Object.entries(value)) labelled(doc, subLabel, leafText(leaf));
      doc.x -= 15;
      doc.moveDown(0.3);
    } else {
      labelled(doc, label, leafText(value));
    }
  }
}

function writeAnswers(doc: PDFKit.PDFDocument, answers: UpstreamAnswer[]): void {
  answers.forEach((answer, index) => {
    keepWithNext(doc, 50);
    doc.font('Helvetica-Bold').fontSize(11).text(`${index + 1}. ${answer.title}`);
    if (answer.description) doc.font('Helvetica').fontSize(9).fillColor(MUTED).text(answer.description).fillColor('black');
    doc.font('Helvetica').fontSize(10);
    if (answer.answerUrl) doc.fillColor(LINK).text('Watch the answer', { link: answer.answerUrl, underline: true }).fillColor('black');
    else doc.fillColor(MUTED).text('No answer recorded').fillColor('black');
    // pdfkit wraps long text to the margins and continues it on new pages by itself.
    if (answer.transcript) doc.moveDown(0.2).text(answer.transcript, { align: 'left' });
    doc.moveDown(0.8);
  });
}

function section(doc: PDFKit.PDFDocument, title: string, body: () => void): void {
  doc.moveDown();
  keepWithNext(doc, 40);
  doc.font('Helvetica-Bold').fontSize(13).text(title);
  doc.moveDown(0.3);
  body();
}

function labelled(doc: PDFKit.PDFDocument, label: string, value: string): void {
  doc.font('Helvetica-Bold').text(`${label}: `, { continued: true }).font('Helvetica').text(value);
}

function leafText(leaf: DetailLeaf): string {
  return leaf === null ? '-' : String(leaf);
}

/** Starts a new page when fewer than `height` points are left, so a heading never ends a page alone. */
function keepWithNext(doc: PDFKit.PDFDocument, height: number): void {
  if (doc.y + height > doc.page.height - doc.page.margins.bottom) doc.addPage();
}

function collect(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}
