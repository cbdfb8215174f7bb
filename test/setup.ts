/**
 * Root hooks and global fixtures for every test run, serial or `--parallel`:
 *
 * - all network is denied except loopback, so component tests can reach the app, the sandbox and Redis on
 *   127.0.0.1 but never anything outside this machine;
 * - the OpenAPI check (test/support/recorder.ts): each test file fails on a bridge answer the document does
 *   not describe; each test process writes what it saw to a run folder; the global teardown (in the main
 *   mocha process, after every worker) merges those tallies and, when the whole suite ran, fails the run on
 *   any documented answer that no test exercised.
 */
import nock from 'nock';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { Context } from 'mocha';
import { setCurrentTest, takeMismatches, tally, verdict, type Tally } from './support/recorder.js';

/** Where each test process writes its tally; set by the global setup, inherited by parallel workers. */
const RUN_DIR_VAR = 'WVB_TEST_RUN_DIR';

/** Every test file of the suite on disk (what `npm test` loads). */
function allTestFiles(dir = 'test'): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? allTestFiles(p) : e.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** The test files this process has run so far. */
const filesRun = new Set<string>();

export function mochaGlobalSetup(): void {
  process.env[RUN_DIR_VAR] = mkdtempSync(join(tmpdir(), 'wvb-test-run-'));
}

export function mochaGlobalTeardown(): void {
  const dir = process.env[RUN_DIR_VAR];
  if (!dir) return;
  const tallies = readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Tally);
  rmSync(dir, { recursive: true, force: true });
  const ran = new Set(tallies.flatMap((t) => t.files));
  const complete = process.env.OPENAPI_COVERAGE === '1' || allTestFiles().every((f) => ran.has(f));
  const { problems, summary } = verdict(tallies, complete);
  console.error(`\n  ${summary}`);
  if (problems.length > 0) throw new Error(`${problems.length} OpenAPI problem(s):\n  - ${problems.join('\n  - ')}`);
}

export const mochaHooks = {
  beforeAll(): void {
    nock.disableNetConnect();
    nock.enableNetConnect((host: string) => /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(host));
  },
  beforeEach(this: Context): void {
    setCurrentTest(this.currentTest?.fullTitle() ?? '');
  },
  afterEach(): void {
    nock.cleanAll();
  },
  // Once per run in serial mode, once per test file in each parallel worker.
  afterAll(this: Context): void {
    nock.enableNetConnect();
    for (const s of this.test?.parent?.suites ?? []) if (s.file) filesRun.add(relative(process.cwd(), resolve(s.file)));
    const dir = process.env[RUN_DIR_VAR];
    if (dir) writeFileSync(join(dir, `${process.pid}.json`), JSON.stringify(tally(filesRun)));
    const problems = takeMismatches();
    if (problems.length > 0) throw new Error(`${problems.length} OpenAPI problem(s):\n  - ${problems.join('\n  - ')}`);
  },
};
