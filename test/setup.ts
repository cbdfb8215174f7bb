/**
 * Root hooks for every test: all network is denied except loopback, so component tests can reach the app,
 * the sandbox and Redis on 127.0.0.1 but never anything outside this machine.
 */
import nock from 'nock';
import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Context, Suite } from 'mocha';
import { setCurrentTest, verdict } from './openapi/recorder.js';

/** Every test file of the suite on disk (what `npm test` loads). */
function allTestFiles(dir = 'test'): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? allTestFiles(p) : e.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** True when this run loaded every test file: then every documented answer must have been exercised. */
function wholeSuite(root: Suite): boolean {
  const loaded = new Set(root.suites.map((s) => (s.file ? relative(process.cwd(), resolve(s.file)) : '')));
  return allTestFiles().every((f) => loaded.has(f));
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
  afterAll(this: Context): void {
    nock.enableNetConnect();
    // The OpenAPI document against every bridge answer of this run (test/openapi/recorder.ts).
    const root = this.test?.parent;
    const complete = process.env.OPENAPI_COVERAGE === '1' || (root !== undefined && wholeSuite(root));
    const { problems, summary } = verdict(complete);
    console.error(`\n  ${summary}`);
    if (problems.length > 0) throw new Error(`${problems.length} OpenAPI problem(s):\n  - ${problems.join('\n  - ')}`);
  },
};
