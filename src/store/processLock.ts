import { mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Another live bridge process has the SQLite file. */
export class StoreInUseError extends Error {
  constructor(readonly path: string, readonly pid: number) {
    super(
      `${path} is in use by another bridge process (pid ${pid}, see ${path}.pid): SQLite serves one process. ` +
        'Stop that one, give this one its own SQLITE_PATH, or run several replicas on Redis (docs/deploy.md)',
    );
    this.name = 'StoreInUseError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, as another user's process.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Marks a SQLite file as this process's with `<path>.pid`, so a second bridge on the same file refuses to
 * start instead of releasing the first one's leases and locks as stale (which the store's open does for a
 * file it believes it has alone). A file left by a process that is gone (SIGKILL, a crash) is taken over.
 * Returns the release, which removes the file only while it still names this process.
 */
export function claimSqliteFile(path: string): () => void {
  const pidFile = `${path}.pid`;
  const mine = String(process.pid);
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${path} is a folder: the SQLite store (SQLITE_PATH, store.sqlite_path) must name a file`);
  mkdirSync(dirname(path), { recursive: true });
  try {
    writeFileSync(pidFile, mine, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const other = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
    if (Number.isInteger(other) && other > 0 && other !== process.pid && alive(other)) throw new StoreInUseError(path, other);
    writeFileSync(pidFile, mine);
  }
  return () => {
    try {
      if (readFileSync(pidFile, 'utf8').trim() === mine) unlinkSync(pidFile);
    } catch {
      // already gone
    }
  };
}
