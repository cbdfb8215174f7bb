/**
 * Keeps a simulator's records in a JSON file, so a simulator restarted on the same file still knows the
 * interviews it invited (the bridge's store remembers them too: without this, a restarted sandbox answered
 * the bridge's old interview ids with nothing). Written after every request that can change something
 * (anything but GET and HEAD), atomically: a temporary file renamed over the old one, so a process killed
 * mid-write leaves the previous snapshot, never half of one.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type Koa from 'koa';

/** What a sandbox state offers for persistence: its records as plain JSON, and the way back. */
export interface Persistable {
  snapshot(): unknown;
  restore(data: unknown): void;
}

/** The file's envelope: which simulator wrote it and in which format, so a foreign file is refused. */
interface Envelope {
  simulator: string;
  version: 1;
  savedAt: string;
  data: unknown;
}

export class SandboxStateFileError extends Error {
  constructor(file: string, reason: string) {
    super(`sandbox state file ${file}: ${reason} (delete it to start the simulator empty)`);
    this.name = 'SandboxStateFileError';
  }
}

/**
 * Loads `file` into `target` when it exists (a missing file is an empty simulator), and returns a Koa
 * middleware that saves `target` after every request that may have changed it.
 */
export function persistToFile(simulator: string, file: string, target: Persistable): { middleware: Koa.Middleware; save(): void } {
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new SandboxStateFileError(file, (err as Error).message);
  }
  if (text !== undefined) {
    let parsed: Partial<Envelope>;
    try {
      parsed = JSON.parse(text) as Partial<Envelope>;
    } catch {
      throw new SandboxStateFileError(file, 'not JSON');
    }
    if (parsed.simulator !== simulator || parsed.version !== 1) throw new SandboxStateFileError(file, `not a version 1 ${simulator} sandbox state`);
    target.restore(parsed.data);
  }
  const save = (): void => {
    const envelope: Envelope = { simulator, version: 1, savedAt: new Date().toISOString(), data: target.snapshot() };
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(envelope));
    renameSync(tmp, file);
  };
  const middleware: Koa.Middleware = async (ctx, next) => {
    try {
      await next();
    } finally {
      if (ctx.method !== 'GET' && ctx.method !== 'HEAD') save();
    }
  };
  return { middleware, save };
}
