import type { CommandSpec } from '../command.js';
import { flag } from '../command.js';
import { CommandFailed, EXIT_OK } from '../errors.js';
import { json, table } from '../io.js';
import type { InterviewView } from '../interviewView.js';

const indent = (text: string): string => text.split('\n').map((l) => `    ${l}`).join('\n');

/** The human-readable form of a view. */
function renderInterview(v: InterviewView): string {
  const out = [
    `Interview ${v.id}`,
    `  account:       ${v.account}`,
    `  upstream:      ${v.upstream.kind} ${v.upstream.id ?? '(not invited yet)'}`,
    ...(v.alsoFollowedBy.length > 0 ? [`  also follows:  ${v.alsoFollowedBy.join(', ')} (the same candidate sent this template again: each gets its own result)`] : []),
    `  template:      ${v.template.id}${v.template.name ? ` (${v.template.name})` : ''}`,
    `  job:           ${v.job.title}${v.job.id ? ` (${v.job.id})` : ''}`,
    `  candidate:     ${v.candidate.name} <${v.candidate.email}>${v.candidate.phone ? ` ${v.candidate.phone}` : ''}`,
    `  callback_url:  ${v.callbackUrl}`,
    `  phase:         ${v.phase}`,
    `  status:        ${v.status}${v.final ? ' (final)' : ''}`,
    `  created:       ${v.createdAt}   updated: ${v.updatedAt}${v.expiresAt ? `   expires: ${v.expiresAt}` : ''}`,
    '',
    `Current payload (sha256 ${v.current.hash}):`,
    indent(JSON.stringify(v.current.payload, null, 2)),
    '',
    v.lastDelivered
      ? `Last delivered: sha256 ${v.lastDelivered.hash} at ${v.lastDelivered.at ?? '?'}${v.lastDelivered.hash === v.current.hash ? ' (the current payload)' : ' (older than the current payload)'}`
      : 'Last delivered: nothing delivered yet',
  ];
  if (v.outbox) {
    // The pending payload is nearly always the current one, already printed above: printed once.
    const same = v.outbox.hash === v.current.hash;
    out.push(
      `In the outbox: sha256 ${v.outbox.hash}${same ? ' (the current payload)' : ''}, ${v.outbox.attempts} attempt(s), next attempt ${v.outbox.nextAttemptAt}` +
        (v.outbox.lastStatus !== null || v.outbox.lastError ? `, last ${v.outbox.lastStatus ?? ''} ${v.outbox.lastError ?? ''}`.trimEnd() : ''),
      ...(same ? [] : [indent(JSON.stringify(v.outbox.payload, null, 2))]),
    );
  } else out.push('In the outbox: nothing pending');
  out.push(
    v.deadLetter
      ? `Dead letter: since ${v.deadLetter.deadAt}, status ${v.deadLetter.status ?? '-'}, ${v.deadLetter.attempts} attempt(s), sha256 ${v.deadLetter.hash}\n  reason: ${v.deadLetter.reason}\n  redeliver with: cli deadletters redeliver ${v.id}`
      : 'Dead letter: none',
    '',
    `Delivery attempts (${v.attempts.length}):`,
  );
  if (v.attempts.length === 0) out.push('  none');
  else {
    const rows = v.attempts.map((a) => [a.at, a.status === undefined ? '-' : String(a.status), a.outcome, `${a.durationMs}ms`, a.error ?? '']);
    out.push(indent(table(['TIME', 'STATUS', 'OUTCOME', 'TOOK', 'ERROR'], rows).trimEnd()));
  }
  return out.join('\n');
}

/** `interview show <id>`. */
export const interviewShow: CommandSpec = {
  words: ['interview', 'show'],
  summary: 'show one interview: mapping, payloads, outbox, dead letter, delivery attempts',
  options: { json: { type: 'boolean' } },
  positionals: { min: 1, max: 1, name: 'interview id' },
  usage: `Usage: cli interview show <interview-id> [--json]

Shows what the bridge knows about one interview (the id Workable got from POST /interviews): account,
upstream id, template, callback_url, phase and status; the current payload; the last payload Workable
accepted; what is waiting in the outbox (attempts, next attempt); the dead letter if any; and every
delivery attempt with its HTTP status and error. Candidate e-mail and phone are masked.
Exits 1 when the id is unknown.

Options:
  --json   print the same as JSON

Example:
  npm run cli -- interview show Qyi6OJQWLUy3S7yOKXqAAg`,
  async run(args) {
    const id = args.positionals[0] ?? '';
    // Loaded on use, so `--help` and the other commands start without the store and domain modules.
    const [{ loadConfig, withStore }, { loadInterviewView }] = await Promise.all([import('../context.js'), import('../interviewView.js')]);
    const config = loadConfig(args.io.env);
    const view = await withStore(config, (store) => loadInterviewView(store, id));
    if (!view) throw new CommandFailed(`no interview with id "${id}"`);
    args.io.out(flag(args, 'json') ? json(view) : renderInterview(view));
    return EXIT_OK;
  },
};
