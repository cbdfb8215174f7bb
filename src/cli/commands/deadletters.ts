import type { CommandSpec } from '../command.js';
import { flag, str } from '../command.js';
import { CommandFailed, EXIT_OK, UsageError } from '../errors.js';
import { json, table } from '../io.js';
import { withoutAnswer } from '../../workable/answerReason.js';

/** More than any real backlog; `--all` pages through in batches of this size. */
const BATCH = 1000;

/** `deadletters list`: results Workable refused or that could not be delivered within the horizon. */
export const deadlettersList: CommandSpec = {
  words: ['deadletters', 'list'],
  summary: 'list results that were given up on (oldest first)',
  options: { limit: { type: 'string' }, json: { type: 'boolean' } },
  usage: `Usage: cli deadletters list [--limit N] [--json]

Lists dead letters, oldest first: results Workable refused (400/401/403/404/422) or that could not be
delivered within the delivery horizon. The payload itself is not listed; see cli interview show <id>.

Options:
  --limit N   at most N entries (default 50)
  --json      print a JSON array (interviewId, accountId, deadAt, status, reason, attempts, callbackUrl)

Example:
  npm run cli -- deadletters list --limit 10`,
  async run(args) {
    const raw = str(args, 'limit') ?? '50';
    if (!/^[1-9]\d{0,5}$/.test(raw)) throw new UsageError(`--limit must be a whole number from 1 to 999999, got "${raw}"`, args.usage);
    const [{ loadConfig, withStore }, { listDeadLetters }] = await Promise.all([import('../context.js'), import('../../domain/outbox.js')]);
    const config = loadConfig(args.io.env);
    const letters = await withStore(config, (store) => listDeadLetters(store, Number(raw)));
    const rows = letters.map((d) => ({
      interviewId: d.interviewId,
      accountId: d.accountId,
      deadAt: d.deadAt,
      status: d.status ?? null,
      // Letters written before Workable's answers were dropped may hold a snippet of one: never shown.
      reason: withoutAnswer(d.reason),
      attempts: d.attempts,
      callbackUrl: d.callbackUrl,
    }));
    if (flag(args, 'json')) args.io.out(json(rows));
    else if (rows.length === 0) args.io.out('no dead letters');
    else {
      args.io.out(
        table(
          ['INTERVIEW', 'ACCOUNT', 'DEAD SINCE', 'STATUS', 'ATTEMPTS', 'REASON'],
          rows.map((r) => [r.interviewId, r.accountId, r.deadAt, r.status === null ? '-' : String(r.status), String(r.attempts), r.reason]),
        ),
      );
    }
    return EXIT_OK;
  },
};

/** `deadletters redeliver`: back into the outbox, due now, with a fresh attempt count and horizon. */
export const deadlettersRedeliver: CommandSpec = {
  words: ['deadletters', 'redeliver'],
  summary: 'move dead letters back to the outbox so they are sent again',
  options: { all: { type: 'boolean' } },
  positionals: { min: 0, max: 1, name: 'interview id' },
  usage: `Usage: cli deadletters redeliver <interview-id>
       cli deadletters redeliver --all

Moves a dead letter (or every one) back into the outbox, due now, with a fresh attempt count and
retry horizon. The running bridge sends it within a second; fix the cause first (e.g. the Workable
token), or it will be refused again. Exits 1 when the interview has no dead letter.

Options:
  --all   redeliver every dead letter

Example:
  npm run cli -- deadletters redeliver Qyi6OJQWLUy3S7yOKXqAAg`,
  async run(args) {
    const id = args.positionals[0];
    const all = flag(args, 'all');
    if ((id === undefined) === !all) throw new UsageError('give either one interview id or --all', args.usage);
    const [{ loadConfig, withStore }, { listDeadLetters, outboxSize, redeliver }] = await Promise.all([import('../context.js'), import('../../domain/outbox.js')]);
    const config = loadConfig(args.io.env);
    const moved: string[] = [];
    const size = await withStore(config, async (store) => {
      const now = new Date();
      if (id !== undefined) {
        if (await redeliver(store, id, now)) moved.push(id);
        else throw new CommandFailed(`no dead letter for interview "${id}"`);
      } else {
        for (;;) {
          const batch = await listDeadLetters(store, BATCH);
          if (batch.length === 0) break;
          const before = moved.length;
          for (const d of batch) if (await redeliver(store, d.interviewId, now)) moved.push(d.interviewId);
          // A short batch is the last; a batch where nothing moved would only be listed again.
          if (batch.length < BATCH || moved.length === before) break;
        }
      }
      return outboxSize(store);
    });
    if (moved.length === 0) args.io.out('no dead letters to redeliver');
    for (const m of moved) args.io.out(`moved ${m} from the dead letters to the outbox (due now)`);
    if (moved.length > 0) args.io.out(`${moved.length} redelivered; ${size} result(s) now in the outbox`);
    return EXIT_OK;
  },
};
