/**
 * Reads what the bridge's PDF reports show, without external tools: pdfkit writes a classic PDF (plain
 * objects, a Pages tree, one content stream per page, Flate-compressed or not), so its pages, their text lines
 * and the document info can be read directly. Only for pdfkit's output as src/reports/pdf.ts produces it.
 */
import { execFileSync } from 'node:child_process';
import { inflateSync } from 'node:zlib';

/** One text run as drawn: its text and its baseline's distance from the page's bottom edge, in points. */
export interface TextLine {
  text: string;
  x: number;
  y: number;
}

function objects(pdf: Buffer): Map<number, { dict: string; stream?: Buffer }> {
  const source = pdf.toString('latin1');
  const out = new Map<number, { dict: string; stream?: Buffer }>();
  for (const m of source.matchAll(/(\d+) 0 obj\n/g)) {
    const start = (m.index ?? 0) + m[0].length;
    const streamAt = source.indexOf('\nstream\n', start);
    const endAt = source.indexOf('\nendobj', start);
    if (streamAt !== -1 && streamAt < endAt) {
      const dict = source.slice(start, streamAt);
      const length = Number(/\/Length (\d+)/.exec(dict)?.[1] ?? 0);
      const raw = pdf.subarray(streamAt + 8, streamAt + 8 + length);
      out.set(Number(m[1]), { dict, stream: dict.includes('/FlateDecode') ? inflateSync(raw) : raw });
    } else {
      out.set(Number(m[1]), { dict: source.slice(start, endAt) });
    }
  }
  return out;
}

const ref = (dict: string, key: string): number | undefined => {
  const m = new RegExp(`/${key} (\\d+) 0 R`).exec(dict);
  return m ? Number(m[1]) : undefined;
};

/** The text runs of each page, in page order. */
export function pdfPages(pdf: Buffer): TextLine[][] {
  const objs = objects(pdf);
  const catalog = [...objs.values()].find((o) => /\/Type \/Catalog/.test(o.dict));
  const pages = objs.get(ref(catalog?.dict ?? '', 'Pages') ?? -1);
  const kids = [...(/\/Kids \[([^\]]*)\]/.exec(pages?.dict ?? '')?.[1] ?? '').matchAll(/(\d+) 0 R/g)].map((k) => Number(k[1]));
  return kids.map((kid) => {
    const content = objs.get(ref(objs.get(kid)?.dict ?? '', 'Contents') ?? -1)?.stream?.toString('latin1') ?? '';
    // pdfkit writes each run as "1 0 0 1 x y Tm" then "/Fn size Tf" then "[<hex> kern <hex> ...] TJ".
    return [...content.matchAll(/1 0 0 1 ([\d.-]+) ([\d.-]+) Tm\n\/F\d+ [\d.]+ Tf\n\[([^\]]*)\] TJ/g)].map((t) => ({
      x: Number(t[1]),
      y: Number(t[2]),
      text: [...(t[3] ?? '').matchAll(/<([0-9a-f]*)>/gi)].map((h) => Buffer.from(h[1] ?? '', 'hex').toString('latin1')).join(''),
    }));
  });
}

/** Every text run of the document, in order. */
export function pdfLines(pdf: Buffer): string[] {
  return pdfPages(pdf).flat().map((l) => l.text);
}

/** The document info's text entries (Title, Author, Subject, Creator, Producer, CreationDate, ModDate). */
export function pdfInfo(pdf: Buffer): Record<string, string> {
  const source = pdf.toString('latin1');
  const objs = objects(pdf);
  const infoRef = /\/Info (\d+) 0 R/.exec(source.slice(source.lastIndexOf('trailer')))?.[1];
  const dict = objs.get(Number(infoRef))?.dict ?? '';
  const out: Record<string, string> = {};
  for (const m of dict.matchAll(/\/(\w+) (\d+) 0 R/g)) {
    const value = /^\((.*)\)\s*$/s.exec(objs.get(Number(m[2]))?.dict ?? '')?.[1];
    if (value !== undefined) out[m[1] ?? ''] = value.replace(/\\([()\\])/g, '$1');
  }
  return out;
}

/** True when `tool -v` runs (poppler-utils' pdftotext, pdftoppm, pdfinfo). */
export function hasTool(tool: string): boolean {
  try {
    execFileSync(tool, ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
