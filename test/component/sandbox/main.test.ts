/** `npm run sandbox`: one simulator alone, Hireflix by default, Vervoe with `--upstream vervoe`. */
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { call } from '../../support/harness.js';

const MAIN = ['--import', 'tsx', 'src/sandbox/main.ts'];

/** Starts the simulator on a free port and resolves with its base URL and a stop function. */
function start(args: string[]): Promise<{ url: string; out: () => string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [...MAIN, ...args], { env: { ...process.env, SANDBOX_PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      const m = /sandbox listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve({ url: m[1]!, out: () => out, stop: () => new Promise((r) => { child.once('exit', (code) => r(code)); child.kill('SIGTERM'); }) });
    });
    child.once('exit', (code) => reject(new Error(`sandbox exited ${code}: ${out}`)));
  });
}

describe('npm run sandbox', () => {
  it('--upstream vervoe starts the Vervoe simulator alone, with its API and control routes', async function () {
    this.timeout(30000);
    const sb = await start(['--upstream', 'vervoe']);
    try {
      expect(sb.out()).to.match(/^Vervoe sandbox listening on /);
      expect(sb.out()).to.include(`API base (base_url): ${sb.url}/api`);
      const assessments = await call(`${sb.url}/_sandbox/assessments`);
      expect(assessments.status).to.equal(200);
      expect((assessments.body as Array<{ slug: string }>).map((a) => a.slug)).to.include('customer-support-specialist');
      // Vervoe's API under /api: a token needs the keys by Basic auth.
      const token = await call(`${sb.url}/api/public/ats-api/token`);
      expect(token.status).to.equal(400);
      expect(token.body).to.deep.equal({ success: false, errors: 'Provide apiKey/secret please.', msg: 'Provide apiKey/secret please.' });
    } finally {
      expect(await sb.stop()).to.equal(0);
    }
  });

  it('starts Hireflix by default', async function () {
    this.timeout(30000);
    const sb = await start([]);
    try {
      expect(sb.out()).to.match(/^Hireflix sandbox listening on /);
      expect((await call(`${sb.url}/_sandbox/positions`)).status).to.equal(200);
    } finally {
      expect(await sb.stop()).to.equal(0);
    }
  });

  it('refuses an unknown upstream with the usage', function () {
    this.timeout(30000);
    const r = spawnSync(process.execPath, [...MAIN, '--upstream', 'workday'], { encoding: 'utf8' });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.equal('--upstream must be hireflix or vervoe, got workday\nusage: npm run sandbox [-- --upstream hireflix|vervoe] [--state FILE]\n');
  });
});
