import { existsSync } from 'node:fs';
import { expect } from 'chai';
import { runScript } from '../../support/cli.js';

describe('demo', function () {
  this.timeout(50_000);

  it('tells the whole story on a fresh machine and exits 0', async () => {
    const r = await runScript('src/demo/main.ts', [], {}, 45_000);
    expect(r.code, `${r.stdout}\n${r.stderr}`).to.equal(0);
    const out = r.stdout;
    for (const line of [
      '[1/10] Start the bridge in sandbox mode',
      '    ok  GET /interview-templates → 200',
      '      64f0c0ffee00000000000001  Customer Support Specialist',
      '    ok  POST /interviews → 201',
      '    ok  the sandbox sent exactly one invitation',
      '    ok  results_url is set (a Hireflix share link)',
      '    ok  score "80" (4 of 5 stars)',
      '    ok  grade "excelled"',
      '    ok  the body equals the last PUT the receiver got',
      '    ok  the candidate\'s e-mail is masked',
      '\nDemo complete: all 10 steps behaved.\n',
    ]) {
      expect(out).to.include(line);
    }
    // Two PUTs printed by the receiver, the token masked to its first three and last four characters.
    expect(out.match(/┌─ "Workable" received: PUT \/interviews\/\d+\n {2}│ authorization: Bearer wk-…[A-Za-z0-9_-]{4}\n/g)).to.have.length(2);
    expect(out).to.match(/ok {2}it is a PDF \(\d+ bytes, starts with %PDF\)/);
    expect(out).to.not.include('FAILED');
    // The temporary folder is gone afterwards.
    const tempDir = /store and logs {4}(\S+)/.exec(out)?.[1];
    expect(tempDir).to.match(/wvb-demo-/);
    expect(existsSync(tempDir!)).to.equal(false);
  });

  it('says at which step it failed, exits 1, and still cleans up', async () => {
    // An invalid log level makes the bridge refuse to start: step 1 fails.
    const r = await runScript('src/demo/main.ts', [], { LOG_LEVEL: 'bogus' }, 25_000);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.match(/\nFAILED at step 1: the bridge answers GET \/readyz with 200:\nthe bridge exited with code [12] before it was ready:\n/);
    expect(r.stdout).to.include('bogus');
    expect(r.stdout).to.not.include('Demo complete');
    const tempDir = /store and logs {4}(\S+)/.exec(r.stdout)?.[1];
    expect(tempDir).to.match(/wvb-demo-/);
    expect(existsSync(tempDir!)).to.equal(false);
  });
});
