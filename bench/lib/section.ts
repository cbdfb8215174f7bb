/** What each benchmark part hands back: a titled markdown section and its targets, met or not. */
import { fileURLToPath } from 'node:url';

export interface Target {
  name: string;
  goal: string;
  measured: string;
  met: boolean;
}

export interface Section {
  title: string;
  /** Markdown: the table, then how it was measured and how to reproduce it. */
  body: string;
  targets: Target[];
}

/** A markdown table from a header row and data rows. */
export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function renderSection(s: Section): string {
  return `## ${s.title}\n\n${s.body.trim()}\n`;
}

export function renderTargets(targets: Target[]): string {
  return table(
    ['target', 'goal', 'measured (median)', 'met'],
    targets.map((t) => [t.name, t.goal, t.measured, t.met ? 'yes' : '**no**']),
  );
}

/** True when the module at `url` is the script node was started with (run as `node --import tsx bench/x.ts`). */
export function isMain(url: string): boolean {
  return process.argv[1] !== undefined && fileURLToPath(url) === process.argv[1];
}

/** Standalone runner for one part: print its section, exit non-zero on an error (never on a missed target). */
export async function runStandalone(run: () => Promise<Section>): Promise<void> {
  try {
    const s = await run();
    process.stdout.write(`\n${renderSection(s)}\n${renderTargets(s.targets)}\n`);
    process.exit(0);
  } catch (err) {
    console.error(err);
    process.exit(1);
  }
}
