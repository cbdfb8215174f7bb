import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { COMMANDS, runCli } from '../../../src/cli/run.js';
import { keys } from '../../../src/domain/keys.js';
import type { InterviewRecord } from '../../../src/domain/types.js';
import { createStore } from '../../../src/store/index.js';
import { cli, cliProcess } from '../../support/cli.js';
import { configDir } from '../../support/config.js';
import type { Run } from '../../support/cli.js';

/** An id of the shape the bridge issued before ids stopped starting with "-" (about one in 32 did). */
const DASH_ID = '-yEfi2mSifxQ43PM7p9JlA';
/** One that also looks like a long option. */
const DOUBLE_DASH_ID = '--Efi2mSifxQ43PM7p9JlA';

/** Every command that takes an interview id, as a positional or as --interview, from the command table. */
const ID_COMMANDS = COMMANDS.filter((c) => /interview id/.test(c.positionals?.name ?? '') || c.options?.interview !== undefined);

const argsFor = (words: string[], usesOption: boolean, id: string): string[] => (usesOption ? [...words, '--interview', id] : [...words, id]);

describe('cli: interview ids with a leading "-"', function () {
  this.timeout(30_000);
  let dir: string;
  let env: Record<string, string>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wvb-dash-'));
    env = { CONFIG_DIR: configDir(), SQLITE_PATH: join(dir, 'bridge.sqlite') };
    const store = await createStore({ kind: 'sqlite', path: env.SQLITE_PATH! });
    const record: InterviewRecord = {
      id: DASH_ID,
      accountId: 'sandbox',
      upstream: 'hireflix',
      upstreamId: 'hf-1',
      templateId: 'tpl-1',
      jobTitle: 'Engineer',
      callbackUrl: 'https://acme.workable.com/spi/v1/interviews/1',
      candidate: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
      createdAt: '2026-12-01T10:00:00.000Z',
      updatedAt: '2026-12-01T10:00:00.000Z',
      phase: 'invited',
      current: { status: 'pending' },
    };
    await store.set(keys.interview(DASH_ID), record);
    await store.close();
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(env.CONFIG_DIR!, { recursive: true, force: true });
  });

  it('the command table has id-taking commands (the rest of this suite covers each)', () => {
    expect(ID_COMMANDS.map((c) => c.words.join(' '))).to.include.members(['interview show', 'deadletters redeliver']);
  });

  it('every command that takes an id reads "-…" and "--…" ids as ids, not options (as written and after --)', async () => {
    for (const c of ID_COMMANDS) {
      const usesOption = c.options?.interview !== undefined;
      for (const id of [DASH_ID, DOUBLE_DASH_ID, '-unknownIdUnknownId0_-']) {
        for (const args of [argsFor(c.words, usesOption, id), usesOption ? [...c.words, `--interview=${id}`] : [...c.words, '--', id]]) {
          let stderr = '';
          const code = await runCli(args, { out: () => undefined, err: (t) => void (stderr += t), env });
          // Never a usage error: the id reached the command (found, or not found by that id).
          expect(code, `${args.join(' ')}: ${stderr}`).to.be.oneOf([0, 1]);
          expect(stderr, args.join(' ')).to.not.match(/Unknown option|ambiguous/);
          if (code === 1) expect(stderr, args.join(' ')).to.include(`"${id}"`);
        }
      }
    }
  });

  it('interview show <-id> prints the interview, in a real process', async () => {
    const r: Run = await cliProcess(['interview', 'show', DASH_ID], env);
    expect(r.stderr).to.equal('');
    expect(r.code).to.equal(0);
    expect(r.stdout).to.include(`Interview ${DASH_ID}\n  account:       sandbox\n`);
  });

  it('deadletters redeliver <-id> answers for that id', async () => {
    const r = await cli(['deadletters', 'redeliver', DASH_ID], env);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.equal(`error: no dead letter for interview "${DASH_ID}"\n`);
  });

  it('an unknown short option is still refused', async () => {
    const r = await cli(['interview', 'show', '-x', DASH_ID], env);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/^error: Unknown option '-x'/);
  });
});
