/**
 * One bridge process per SQLite file (docs/deploy.md): a second bridge on the same file refuses to start
 * instead of releasing the first one's leases and locks as stale; a file left by a process that is gone is
 * taken over.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { startBridge } from '../../src/runtime.js';
import { claimSqliteFile, StoreInUseError } from '../../src/store/processLock.js';
import { testConfig } from '../support/bridgeConfig.js';

const ACCOUNT = `  - id: acme
    name: Acme
    token_sha256: ["${'a'.repeat(64)}"]
    workable_token: { env: ACME_WORKABLE_TOKEN }
    upstream: { kind: hireflix, endpoint: "http://127.0.0.1:9/me", api_key: { env: ACME_API_KEY } }
    webhooks: false
    mapping: hireflix
    default_country: US
`;
const configOn = (path: string) => testConfig({ port: 0, accountsYaml: ACCOUNT, env: { SQLITE_PATH: path, ACME_WORKABLE_TOKEN: 'wk', ACME_API_KEY: 'key' } });

/** No scheduler, and the log lines dropped. */
const QUIET = { scheduler: false, logDestination: { write: () => true } as unknown as NodeJS.WritableStream };

describe('one bridge process per SQLite file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wvb-pidfile-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A live process that is not this one. */
  async function otherProcess(): Promise<{ pid: number; stop: () => Promise<void> }> {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await once(child, 'spawn');
    return {
      pid: child.pid!,
      stop: async () => {
        child.kill('SIGKILL');
        await once(child, 'exit');
      },
    };
  }

  it('a bridge on a file another live process has refuses to start, names the file and the way out, and starts nothing', async () => {
    const path = join(dir, 'bridge.sqlite');
    const other = await otherProcess();
    try {
      writeFileSync(`${path}.pid`, String(other.pid));
      const config = configOn(path);
      let caught: unknown;
      await startBridge(config, QUIET).then(
        (b) => b.shutdown(),
        (err: unknown) => (caught = err),
      );
      expect(caught).to.be.instanceOf(StoreInUseError);
      expect((caught as Error).message).to.equal(
        `${path} is in use by another bridge process (pid ${other.pid}, see ${path}.pid): SQLite serves one process. Stop that one, give this one its own SQLITE_PATH, or run several replicas on Redis (docs/deploy.md)`,
      );
      expect(existsSync(path), 'the store was not opened').to.equal(false);
      expect(readFileSync(`${path}.pid`, 'utf8')).to.equal(String(other.pid));
    } finally {
      await other.stop();
    }
  });

  it('takes over a file whose process is gone, and removes its mark on shutdown', async () => {
    const path = join(dir, 'bridge.sqlite');
    const gone = await otherProcess();
    await gone.stop();
    writeFileSync(`${path}.pid`, String(gone.pid));
    const config = configOn(path);
    const bridge = await startBridge(config, QUIET);
    expect(readFileSync(`${path}.pid`, 'utf8')).to.equal(String(process.pid));
    await bridge.shutdown();
    expect(existsSync(`${path}.pid`)).to.equal(false);
  });

  it('a folder given as the SQLite file is named as such, and a file SQLite cannot open says why', async () => {
    let caught: unknown;
    await startBridge(configOn(dir), QUIET).then((b) => b.shutdown(), (err: unknown) => (caught = err));
    expect((caught as Error).message).to.equal(`${dir} is a folder: the SQLite store (SQLITE_PATH, store.sqlite_path) must name a file`);
    const notADatabase = join(dir, 'junk.sqlite');
    writeFileSync(notADatabase, 'x'.repeat(4096));
    caught = undefined;
    await startBridge(configOn(notADatabase), QUIET).then((b) => b.shutdown(), (err: unknown) => (caught = err));
    expect((caught as Error).message).to.match(new RegExp(`^sqlite store is unavailable: cannot open ${notADatabase} \\(SQLITE_NOTADB: .+\\)$`));
    expect(existsSync(`${notADatabase}.pid`), 'the mark is removed when the start fails').to.equal(false);
  });

  it('release leaves a mark that names another process', () => {
    const path = join(dir, 'x.sqlite');
    const release = claimSqliteFile(path);
    writeFileSync(`${path}.pid`, '999999');
    release();
    expect(readFileSync(`${path}.pid`, 'utf8')).to.equal('999999');
  });
});
