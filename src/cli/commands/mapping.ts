import type { CommandSpec } from '../command.js';
import { flag, str } from '../command.js';
import { CommandFailed, EXIT_FAILED, EXIT_OK, UsageError } from '../errors.js';
import { json } from '../io.js';

const indent = (text: string): string => text.split('\n').map((l) => `    ${l}`).join('\n');

/** `mapping check <profile>`: one profile file validated alone, as the server and the watcher would. */
export const mappingCheck: CommandSpec = {
  words: ['mapping', 'check'],
  summary: 'validate one mapping profile file on its own',
  positionals: { min: 1, max: 1, name: 'profile file' },
  usage: `Usage: cli mapping check <profile.yaml>

Validates one mapping profile file with the server's own parser, without the rest of the configuration
(no accounts, environment or store needed): before copying an edited profile into config/mappings/, where
the running bridge picks it up. Prints every problem with its key path and exits 1 when there is any;
otherwise prints "ok" and exits 0.

Example:
  npm run cli -- mapping check ./hireflix-edited.yaml`,
  async run(args) {
    const { readProfileFile } = await import('../mappingPreview.js');
    const path = args.positionals[0] ?? '';
    const { profile, problems } = readProfileFile(path);
    if (!profile) {
      args.io.err(`${problems.length} problem(s) in ${path}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
      return EXIT_FAILED;
    }
    args.io.out(`ok: ${path} is a valid mapping profile`);
    return EXIT_OK;
  },
};

/** `mapping preview --interview <id> [--profile file]`: the payload a profile would produce, delivered nowhere. */
export const mappingPreview: CommandSpec = {
  words: ['mapping', 'preview'],
  summary: 'show what Workable would receive for an interview under a (edited) mapping profile',
  options: { interview: { type: 'string' }, profile: { type: 'string' }, pdf: { type: 'string' }, json: { type: 'boolean' } },
  usage: `Usage: cli mapping preview --interview <id> [--profile profile.yaml] [--pdf out.pdf] [--json]

Reads the interview from the store and its upstream's current state, maps it through the profile (the
account's profile in force, or --profile, an edited file that need not be in config/mappings/), and prints
the payload Workable would be sent, and whether it differs from the one the bridge holds now. Writes the
PDF report the profile would attach to a file and prints its path. Nothing is delivered, nothing in the
store changes, and no share link is created (a completed interview without one shows a placeholder).
Candidate e-mail and phone are masked in the output (the PDF is the real one: it is written readable
only by you). Exits 1 when the interview is unknown, the profile has problems or the upstream cannot be
read.
Sandbox mode: the simulated Hireflix only runs inside the server, so start the server first.

Options:
  --interview ID    the interview (the id Workable got from POST /interviews)
  --profile FILE    a mapping profile file to use instead of the account's profile in force
  --pdf FILE        where to write the PDF (default: <id>.pdf in a new <temp dir>/mapping-preview-XXXXXX/)
  --json            print {interviewId, accountId, profile, upstreamState, status, hold?, payload,
                    sameAsCurrent, placeholders, pdf} instead

Example:
  npm run cli -- mapping preview --interview Qyi6OJQWLUy3S7yOKXqAAg --profile ./hireflix-edited.yaml`,
  async run(args) {
    const id = str(args, 'interview');
    if (id === undefined) throw new UsageError('--interview is required', args.usage);
    const [{ loadConfig, withStore }, preview, { UpstreamRegistry }, { renderReportPdf }, { maskDeep }, fs, os, path] = await Promise.all([
      import('../context.js'),
      import('../mappingPreview.js'),
      import('../../upstreams/registry.js'),
      import('../../reports/pdf.js'),
      import('../mask.js'),
      import('node:fs'),
      import('node:os'),
      import('node:path'),
    ]);
    const config = loadConfig(args.io.env);
    const profileFile = str(args, 'profile');
    let edited: ReturnType<typeof preview.readProfileFile> | undefined;
    if (profileFile !== undefined) {
      edited = preview.readProfileFile(profileFile);
      if (!edited.profile) throw new CommandFailed(`the profile has ${edited.problems.length} problem(s):\n${edited.problems.map((p) => `  - ${p}`).join('\n')}`);
    }
    const registry = new UpstreamRegistry();
    let label = '';
    const result = await withStore(config, async (store) => {
      try {
        return await preview.previewInterview(
          { store, account: (a) => config.accounts.find((x) => x.id === a), upstreamFor: (a) => registry.forAccount(a), publicBaseUrl: config.server.publicBaseUrl, now: new Date() },
          id,
          (account) => {
            label = edited?.profile ? profileFile! : `${args.io.env.CONFIG_DIR ?? 'config'}/mappings/${account.mapping}.yaml (in force)`;
            const p = edited?.profile ?? config.mappings[account.mapping];
            if (!p) throw new preview.PreviewError(`no mapping profile named "${account.mapping}"`);
            return p;
          },
        );
      } catch (err) {
        if (err instanceof preview.PreviewError) throw new CommandFailed(err.message);
        throw new CommandFailed(`cannot read the interview upstream: ${(err as Error).message}`);
      }
    });
    let pdf: string | null = null;
    if (result.report) {
      // The default is a fresh private folder, not a fixed name in the shared temp dir that another user
      // could have planted a link at: the report holds the candidate's data.
      pdf = path.resolve(str(args, 'pdf') ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mapping-preview-')), `${id}.pdf`));
      fs.writeFileSync(pdf, await renderReportPdf(result.report), { mode: 0o600 });
    }
    // Profiles may copy contacts into summaries and details: masked like every CLI output.
    const payload = maskDeep(result.payload, []) as typeof result.payload;
    if (flag(args, 'json')) {
      const { report: _report, ...rest } = result;
      args.io.out(json({ ...rest, payload, profile: label, pdf }));
      return EXIT_OK;
    }
    const lines = [
      `Preview of interview ${result.interviewId} (account ${result.accountId}) under ${label}: nothing delivered, nothing stored.`,
      `  upstream state:  ${result.upstreamState ?? '(deleted upstream)'}${result.unmappedState ? ' (not mapped by the profile: treated as pending)' : ''}`,
      `  status:          ${result.status}`,
    ];
    if (result.hold) lines.push(`  held:            until ${result.hold.until} (${result.hold.reason}): Workable gets nothing new before then`);
    lines.push(
      `  compared with the current payload: ${result.sameAsCurrent ? 'the same' : result.status === 'pending' ? 'different, but pending is never sent' : 'different: the bridge would send this one'}`,
      '',
      'Workable payload:',
      indent(JSON.stringify(payload, null, 2)),
    );
    for (const p of result.placeholders) lines.push(`  (${p} is a placeholder: the real one is made when the result is delivered)`);
    lines.push('', pdf ? `PDF report written to ${pdf}` : 'No PDF report: the profile attaches one to completed results only (report.enabled).');
    args.io.out(lines.join('\n'));
    return EXIT_OK;
  },
};
