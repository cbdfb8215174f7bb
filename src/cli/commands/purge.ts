import type { CommandSpec } from '../command.js';
import { flag, str } from '../command.js';
import { CommandFailed, EXIT_FAILED, EXIT_OK, UsageError } from '../errors.js';
import { json } from '../io.js';
import { maskEmail } from '../mask.js';
import type { PurgeOutcome } from '../../domain/purge.js';

/** One line per interview, for people; the same facts in --json. */
interface Row {
  interviewId: string;
  outcome: PurgeOutcome['kind'];
  accountId?: string;
  upstream?: string;
  upstreamId?: string | null;
  status?: string;
  deleted?: string[];
}

const WHY: Record<string, string> = {
  missing: 'no such interview',
  pending: 'still pending upstream: a result may yet come; --force purges it anyway (Workable then never gets one)',
  undelivered: 'its result has not reached Workable yet; --force purges it anyway (the result is then never sent)',
  delivering: 'a delivery to Workable is in flight right now; try again in a minute',
  unreadable: 'its record cannot be read (corrupt, or written by a newer bridge), so it cannot be matched or checked; --force with --interview deletes it and its delivery records by key',
};

/** `purge`: an operator deletes one candidate's data on request (right to erasure). */
export const purge: CommandSpec = {
  words: ['purge'],
  summary: "delete one candidate's data (by email or interview id) from the store",
  options: { email: { type: 'string' }, interview: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' } },
  usage: `Usage: cli purge --email <address> [--force] [--json]
       cli purge --interview <interview-id> [--force] [--json]

Deletes what the bridge stores about a candidate, now, instead of after retention.days: each interview's
record (candidate name, email, phone), its result and PDF report (the report link answers 404 from then
on), and its delivery records (outbox entry, dead letter, attempt log, index entries). --email finds every
interview of that address (any account, compared without regard to case) by reading every interview.

An interview still pending upstream, or whose result Workable has not accepted yet, is kept unless --force
is given. The upstream platform (Hireflix, Vervoe) and Workable keep their own copies: delete the
candidate there too. Should Workable repeat the very same request (same account and callback_url), the
bridge finds the upstream invitation again and the interview comes back; see docs/operations.md.

Exit codes: 0 every interview found was purged; 1 none found, or one was kept (each is named).

Options:
  --email A       every interview of the candidate with this email address
  --interview ID  one interview (the id Workable got); ids starting with "-" are read as ids
  --force         also purge pending interviews and results not yet delivered
  --json          print a JSON array (interviewId, outcome, accountId, status, deleted)

Examples:
  npm run cli -- purge --email lakita.marrero@example.com
  npm run cli -- purge --interview Qyi6OJQWLUy3S7yOKXqAAg`,
  async run(args) {
    const email = str(args, 'email');
    const id = str(args, 'interview');
    if ((email === undefined) === (id === undefined)) throw new UsageError('give either --email or --interview', args.usage);
    if (email !== undefined && !/^[^\s@]+@[^\s@]+$/.test(email.trim())) throw new UsageError('--email must be an email address', args.usage);
    const [{ loadConfig, withStore }, { interviewsByEmail, purgeInterview }] = await Promise.all([import('../context.js'), import('../../domain/purge.js')]);
    const config = loadConfig(args.io.env);
    const rows = await withStore(config, async (store) => {
      const unreadable: string[] = [];
      const ids = id !== undefined ? [id] : await interviewsByEmail(store, email!, unreadable);
      const out: Row[] = [];
      for (const one of ids) out.push(toRow(one, await purgeInterview(store, one, { force: flag(args, 'force') })));
      // An erasure must be complete: a record that could not be read may be this candidate's.
      for (const one of unreadable) out.push({ interviewId: one, outcome: 'unreadable' });
      return out;
    });
    // Masked like every e-mail address the CLI prints, even the one typed in.
    if (rows.length === 0) throw new CommandFailed(`no interview for "${maskEmail(email ?? '')}"`);
    if (id !== undefined && rows[0]!.outcome === 'missing') throw new CommandFailed(`no interview "${id}"`);
    if (flag(args, 'json')) args.io.out(json(rows));
    else {
      for (const r of rows) {
        if (r.outcome === 'purged') {
          args.io.out(`purged ${r.interviewId} (account ${r.accountId}, ${r.status}): ${r.deleted!.length} record(s) deleted, index entries removed`);
        } else if (r.outcome === 'purged-by-key') {
          args.io.out(`purged ${r.interviewId} by key (its record could not be read): ${r.deleted!.length} record(s) deleted (its PDF reports found by their interview id among them), index entries removed`);
        } else args.io.err(`kept "${r.interviewId}": ${WHY[r.outcome] ?? r.outcome}`);
      }
      const upstreams = [...new Set(rows.filter((r) => r.outcome === 'purged').map((r) => `${r.upstream} ${r.upstreamId ?? '(never invited)'}`))];
      if (upstreams.length > 0) args.io.out(`The upstream keeps its own copy; delete the candidate there too: ${upstreams.join(', ')}`);
    }
    return rows.every((r) => r.outcome === 'purged' || r.outcome === 'purged-by-key') ? EXIT_OK : EXIT_FAILED;
  },
};

function toRow(interviewId: string, o: PurgeOutcome): Row {
  if (o.kind === 'missing' || o.kind === 'unreadable') return { interviewId, outcome: o.kind };
  if (o.kind === 'purged-by-key') return { interviewId, outcome: o.kind, deleted: o.deleted };
  const base: Row = { interviewId, outcome: o.kind, accountId: o.record.accountId, upstream: o.record.upstream, upstreamId: o.record.upstreamId, status: o.record.current.status };
  return o.kind === 'purged' ? { ...base, deleted: o.deleted } : base;
}
