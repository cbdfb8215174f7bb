/**
 * The README's walkthrough, run as written: the `sh` blocks between the walkthrough markers, pasted into
 * bash in order, against a fresh zero-config start (`src/server.ts` in sandbox mode, its data directory in a
 * temporary folder that is also the shell's working directory, as the project folder is for a reader),
 * with `npm run receiver` as the callback receiver. Then the bridge is restarted on the same data directory:
 * the first run's interview still answers, and the whole walkthrough runs again.
 */
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { call, eventually, freePort } from '../../support/harness.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
// The shell's working directory is the temporary folder, so tsx is named by its file, not by package name.
const TSX = import.meta.resolve('tsx');

/** The `sh` blocks between `<!-- walkthrough:begin` and `<!-- walkthrough:end -->`, in order. */
export function walkthroughBlocks(readme: string): string[] {
  const begin = readme.indexOf('<!-- walkthrough:begin');
  const end = readme.indexOf('<!-- walkthrough:end -->');
  if (begin < 0 || end < begin) throw new Error('README.md has no walkthrough markers');
  return [...readme.slice(begin, end).matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

interface Ids {
  RUN: string;
  ID: string;
  ID2: string;
  ID3: string;
}

interface Proc {
  child: ChildProcess;
  out(): string;
  stop(): Promise<void>;
}

function run(script: string, cwd: string, env: NodeJS.ProcessEnv): Proc {
  const child = spawn(process.execPath, ['--import', TSX, join(ROOT, script)], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    child,
    out: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

describe('README walkthrough (run as written)', function () {
  this.timeout(180_000);
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let bridge: Proc | undefined;
  let receiver: Proc | undefined;
  const blocks = walkthroughBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'));

  async function startBridge(): Promise<Proc> {
    const p = run('src/server.ts', dir, env);
    await eventually(async () => {
      if (p.child.exitCode !== null) throw new Error(`the bridge exited:\n${p.out()}`);
      return (await call(`http://127.0.0.1:${env.PORT}/readyz`).catch(() => ({ status: 0 }))).status === 200;
    }, 'the bridge to be ready', 60_000);
    return p;
  }

  /** Pastes the blocks into one bash, as a reader pastes them into one terminal; stops at the first failure. */
  function paste(): { status: number | null; out: string } {
    const script = `set -e\n${blocks.join('\n')}\necho "WALKTHROUGH-DONE RUN=$RUN ID=$ID ID2=$ID2 ID3=$ID3"\n`;
    const r = spawnSync('bash', ['-c', script], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
    const out = `${r.stdout}${r.stderr}`;
    if (process.env.WALKTHROUGH_PRINT) console.log(out); // WALKTHROUGH_PRINT=1: show what a reader sees
    return { status: r.status, out };
  }

  function ids(out: string): Ids {
    const m = /WALKTHROUGH-DONE RUN=(\d+) ID=(\S+) ID2=(\S+) ID3=(\S+)/.exec(out);
    if (!m) throw new Error(`the walkthrough did not finish:\n${out}`);
    return { RUN: m[1]!, ID: m[2]!, ID2: m[3]!, ID3: m[4]! };
  }

  function checkRun(out: string): Ids {
    const got = ids(out);
    expect(out).to.include('same interview_id');
    expect(out).to.include('"phone":"+17859916256"');
    expect(out).to.match(/\{"status":"completed","results_url":"http:\/\/127\.0\.0\.1:\d+\/_sandbox\/shared\/[^"]+","interview":\{"score":"80","grade":"excelled"/);
    expect(out).to.match(new RegExp(`"url":"http://127\\.0\\.0\\.1:${env.PORT}/reports/[A-Za-z0-9_-]{32}\\.pdf"`));
    expect(out).to.include('200 application/pdf');
    expect(out).to.match(/\{"url":"http:\/\/127\.0\.0\.1:\d+\/_sandbox\/shared\/[^"]+","ttl":"364","ttl_units":"days"\}/);
    expect(out).to.include('{"status":"declined"}');
    expect(out).to.include('{"status":"expired"}');
    expect(out).to.include('both followers completed');
    expect(out).not.to.match(/TypeError|Cannot read properties|"status":5\d\d/);
    return got;
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wvb-walk-'));
    const [port, sandboxPort, receiverPort] = [await freePort(), await freePort(), await freePort()];
    env = { ...process.env, PORT: String(port), SANDBOX_PORT: String(sandboxPort), RECEIVER_PORT: String(receiverPort), CONFIG_DIR: join(ROOT, 'config'), LOG_LEVEL: 'warn' };
    for (const k of ['REDIS_URL', 'REDIS_PREFIX', 'OPS_TOKEN', 'SQLITE_PATH', 'BRIDGE_MODE', 'PUBLIC_BASE_URL', 'SANDBOX_TOKEN', 'SANDBOX_WORKABLE_TOKEN']) delete env[k];
    receiver = run('src/demo/receiverMain.ts', dir, env);
    await eventually(() => receiver!.out().includes('listening on'), 'the receiver to listen');
    bridge = await startBridge();
  });

  after(async () => {
    await bridge?.stop();
    await receiver?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has the blocks to paste', () => {
    expect(blocks.length).to.be.greaterThanOrEqual(3);
  });

  let first: Ids;

  it('runs on a fresh start, and the receiver prints the PUTs Workable would receive', async () => {
    const r = paste();
    expect(r.status, r.out).to.equal(0);
    first = checkRun(r.out);
    // Each ending reached the receiver as a PUT with the callback token.
    await eventually(() => (receiver!.out().match(/"Workable" received: PUT \/interviews\/\d+-[123]/g) ?? []).length >= 3, 'three PUTs at the receiver');
    const printed = receiver!.out();
    expect(printed).to.match(/"Workable" received: PUT \/interviews\/\d+-1\n {2}│ authorization: Bearer \S+…\S+/);
    for (const status of ['completed', 'declined', 'expired']) expect(printed).to.include(`"status": "${status}"`);
    // The same candidate twice: each callback URL got its own PUT, from one Hireflix interview.
    await eventually(() => /PUT \/interviews\/\d+-4\n/.test(receiver!.out()) && /PUT \/interviews\/\d+-5\n/.test(receiver!.out()), 'a PUT at each of the two callback URLs');
    const ids = /ID4=(\S+) ID5=(\S+)/.exec(r.out);
    expect(ids?.[1]).to.be.a('string').and.not.equal(ids?.[2]);
  });

  it('after a restart: the first run\'s interviews still answer, and the walkthrough runs again', async () => {
    await bridge!.stop();
    bridge = await startBridge();
    const token = (JSON.parse(readFileSync(join(dir, 'data/sandbox-credentials.json'), 'utf8')) as { inboundToken: string }).inboundToken;
    const old = await call(`http://127.0.0.1:${env.PORT}/interviews/${first.ID}`, { token });
    expect(old.status).to.equal(200);
    expect(old.body).to.include({ status: 'completed' });
    const link = await call(`http://127.0.0.1:${env.PORT}/interviews/${first.ID}/shared-link`, { token });
    expect(link.status).to.equal(200);
    // A reader whose shell still holds the first run's variables re-pastes steps 2 and 3: the same id, and
    // the simulator still has its invitation (before, it started empty and step 3 failed on `[0].id`).
    const again = spawnSync('bash', ['-c', `set -e\n${blocks[0]}\nRUN=${first.RUN}
[ "$(invite $RUN-1 lakita.$RUN@example.com | pick interview_id)" = "${first.ID}" ] && echo "same interview_id"
curl -s "$S/_sandbox/interviews?email=lakita.$RUN@example.com" | pick 0.state
curl -s "$S/_sandbox/invitations"`], { cwd: dir, env, encoding: 'utf8' });
    expect(again.status, again.stderr).to.equal(0);
    const [same, state, invitations] = again.stdout.trim().split('\n');
    expect([same, state]).to.deep.equal(['same interview_id', 'completed']);
    expect(JSON.parse(invitations!)).to.deep.include({ positionId: '64f0c0ffee00000000000001', email: `lakita.${first.RUN}@example.com`, count: 1 });
    // Then the whole walkthrough again, with this run's fresh e-mails and callbacks.
    const r = paste();
    expect(r.status, r.out).to.equal(0);
    const second = checkRun(r.out);
    expect(second.ID).not.to.equal(first.ID);
  });
});
