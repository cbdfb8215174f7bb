/** Where a command writes: injected so the dispatcher never reaches for process.* itself. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
}

/** The real process streams and environment. */
export const processIo: Io = {
  out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  env: process.env,
};

/** Pretty JSON followed by a newline: the `--json` output of every command. */
export const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/**
 * A plain-text table: columns padded to their widest cell. No colours, so the output reads the same in a
 * terminal, a pipe and a log file.
 */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}
