import { expect } from 'chai';
import { rmSync } from 'node:fs';
import { COMMANDS, runCli, TOP_USAGE } from '../../../src/cli/run.js';
import { cliProcess, runScript } from '../../support/cli.js';
import { configDir } from '../../support/config.js';
import type { Run } from '../../support/cli.js';

/**
 * The dispatcher in this process: the whole matrix of help and usage cases would take a process start
 * each. The exit code still travels to a real process in the child-process cases below.
 */
async function inProcess(args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    out: (t) => void (stdout += t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => void (stderr += t.endsWith('\n') ? t : `${t}\n`),
    env: {},
  });
  return { code, stdout, stderr };
}

describe('cli: help and usage errors', function () {
  this.timeout(30_000);

  it('--help on the top level, on every command and on a group exits 0 with the help on stdout', async () => {
    const cases: Array<[string[], string]> = [
      [['--help'], 'Usage: cli <command> [options]'],
      [['help'], 'Usage: cli <command> [options]'],
      [['deadletters', '--help'], 'Usage: cli deadletters <list|redeliver> [options]'],
      ...COMMANDS.map((c): [string[], string] => [[...c.words, '--help'], `Usage: cli ${c.words.join(' ')}`]),
    ];
    const runs = await Promise.all(cases.map(([args]) => inProcess(args)));
    runs.forEach((r, i) => {
      const [args, start] = cases[i]!;
      expect(r.code, args.join(' ')).to.equal(0);
      expect(r.stdout.startsWith(start), `${args.join(' ')}: ${r.stdout}`).to.equal(true);
      expect(r.stderr).to.equal('');
    });
    expect(runs[0]!.stdout).to.equal(`${TOP_USAGE}\n`);
    for (const c of COMMANDS) expect(runs[0]!.stdout).to.include(`  ${c.words.join(' ')}`);
  });

  it('bad usage exits 2 with the reason and the usage on stderr, nothing on stdout', async () => {
    const show = COMMANDS.find((c) => c.words.join(' ') === 'interview show')!.usage;
    const list = COMMANDS.find((c) => c.words.join(' ') === 'deadletters list')!.usage;
    const redeliver = COMMANDS.find((c) => c.words.join(' ') === 'deadletters redeliver')!.usage;
    const cases: Array<[string[], string]> = [
      [[], `error: no command given\n\n${TOP_USAGE}\n`],
      [['frobnicate'], `error: unknown command "frobnicate"\n\n${TOP_USAGE}\n`],
      [['interview', 'show'], `error: missing interview id\n\n${show}\n`],
      [['interview', 'show', 'a', 'b'], `error: unexpected argument "b"\n\n${show}\n`],
      [['deadletters', 'list', '--limit', '0'], `error: --limit must be a whole number from 1 to 999999, got "0"\n\n${list}\n`],
      [['deadletters', 'redeliver'], `error: give either one interview id or --all\n\n${redeliver}\n`],
      [['deadletters', 'redeliver', 'x', '--all'], `error: give either one interview id or --all\n\n${redeliver}\n`],
    ];
    const runs = await Promise.all(cases.map(([args]) => inProcess(args)));
    runs.forEach((r, i) => {
      const [args, stderr] = cases[i]!;
      expect(r.code, args.join(' ')).to.equal(2);
      expect(r.stdout, args.join(' ')).to.equal('');
      expect(r.stderr, args.join(' ')).to.equal(stderr);
    });
    const unknownOption = await inProcess(['token', 'create', '--nope']);
    expect(unknownOption.code).to.equal(2);
    expect(unknownOption.stderr).to.match(/^error: Unknown option '--nope'/);
    expect(unknownOption.stderr).to.include('Usage: cli token create [--account ID]');
  });

  it('as a process: exit 0 for help, 2 for bad usage (usage on stderr), 1 for a missing store', async () => {
    const dir = configDir();
    try {
      const [help, usage, missing] = await Promise.all([
        cliProcess(['poll', '--help']),
        cliProcess(['interview', 'show']),
        runScript('src/cli/main.ts', ['deadletters', 'list'], { CONFIG_DIR: dir, SQLITE_PATH: '/nonexistent-dir/bridge.sqlite' }),
      ]);
      expect([help.code, help.stdout.split('\n')[0], help.stderr]).to.deep.equal([0, 'Usage: cli poll [--account ID]', '']);
      expect([usage.code, usage.stdout]).to.deep.equal([2, '']);
      expect(usage.stderr).to.match(/^error: missing interview id\n\nUsage: cli interview show <interview-id> \[--json\]\n/);
      expect(missing.code).to.equal(1);
      expect(missing.stderr).to.equal('error: no SQLite store at /nonexistent-dir/bridge.sqlite (has the bridge run here? is SQLITE_PATH right?)\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
