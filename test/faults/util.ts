/**
 * Small helpers of the fault suite: a bounded worker pool, polling with a deadline, the scale knob, and
 * the one place figures are printed (and appended as JSON lines to FAULT_REPORT when set, for the docs).
 */
import { appendFileSync } from 'node:fs';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * FAULT_SCALE scales the interview counts: 1 (the npm script) is the full 1,000; 0.1 is a quick run.
 * Never below `min`, so a tiny scale still exercises every path.
 */
export function scaled(full: number, min = 20): number {
  const raw = Number(process.env.FAULT_SCALE ?? '1');
  const scale = Number.isFinite(raw) && raw > 0 ? raw : 1;
  return Math.max(min, Math.round(full * scale));
}

/** Runs fn over items with at most `concurrency` in flight; results keep the items' order. */
export async function pool<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}

/** Polls until `done()` is true; throws with `what` and the last progress text after timeoutMs. */
export async function waitFor(what: string, done: () => boolean | Promise<boolean>, timeoutMs: number, progress?: () => string): Promise<number> {
  const started = Date.now();
  while (!(await done())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${progress ? `: ${progress()}` : ''}`);
    await sleep(100);
  }
  return Date.now() - started;
}

/** Counts values: {"201": 998, "503": 2}. */
export function tally(values: Iterable<string | number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[String(v)] = (out[String(v)] ?? 0) + 1;
  return out;
}

/** Prints one scenario's figures as a single readable line, and records them for docs/reliability.md. */
export function reportFigures(scenario: string, figures: Record<string, unknown>): void {
  const line = JSON.stringify({ scenario, ...figures });
  process.stderr.write(`      FIGURES ${line}\n`);
  const file = process.env.FAULT_REPORT;
  if (file) appendFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), scenario, ...figures })}\n`);
}
