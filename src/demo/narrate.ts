/**
 * The demo's voice: numbered steps, indented details, and checks that stop the story with the step number
 * when something did not behave. Plain text only, so it reads the same in a terminal, a pipe or CI logs.
 */
export class StepFailed extends Error {
  constructor(
    readonly step: number,
    message: string,
  ) {
    super(message);
    this.name = 'StepFailed';
  }
}

/** Writes the narration and tracks the current step so a failed check can name it. */
export class Narrator {
  private step = 0;

  constructor(
    readonly total: number,
    private readonly write: (line: string) => void = (line) => void process.stdout.write(`${line}\n`),
  ) {}

  get current(): number {
    return this.step;
  }

  /** Starts the next numbered step. */
  begin(title: string): void {
    this.step += 1;
    this.write(`\n[${this.step}/${this.total}] ${title}`);
  }

  /** A detail line (or block) under the current step. */
  say(text: string): void {
    for (const line of text.split('\n')) this.write(`      ${line}`);
  }

  /** A check: prints "ok …" when it holds, otherwise fails the current step with `what`. */
  check(ok: boolean, what: string, detail?: string): void {
    if (!ok) throw new StepFailed(this.step, detail === undefined ? what : detail.includes('\n') ? `${what}:\n${detail}` : `${what} (${detail})`);
    this.write(`    ok  ${what}`);
  }

  /** A raw line outside any step (header, receiver output, summary). */
  raw(text: string): void {
    this.write(text);
  }
}

/** Pretty JSON, for printing bodies. */
export const pretty = (value: unknown): string => JSON.stringify(value, null, 2);

/** Reads a nested field of an unknown JSON value, e.g. at(body, 'interview', 'score'). */
export function at(value: unknown, ...path: Array<string | number>): unknown {
  let v: unknown = value;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}
