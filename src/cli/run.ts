/**
 * The dispatcher: finds the subcommand, parses its options with node:util parseArgs (strict), prints help,
 * and turns errors into the exit codes scripts rely on: 0 ok, 1 failed or not found, 2 usage or configuration.
 * Commands import the store, config and domain modules only when they run, so help and `token create`
 * start in a fraction of the time.
 */
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import type { CommandSpec } from './command.js';
import { accountsList } from './commands/accounts.js';
import { configValidate } from './commands/config.js';
import { deadlettersList, deadlettersRedeliver } from './commands/deadletters.js';
import { doctor } from './commands/doctor.js';
import { interviewShow } from './commands/interview.js';
import { mappingCheck, mappingPreview } from './commands/mapping.js';
import { poll } from './commands/poll.js';
import { purge } from './commands/purge.js';
import { tokenCreate } from './commands/token.js';
import { CommandFailed, ConfigError, EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from './errors.js';
import type { Io } from './io.js';

/** Every command, in the order the top-level help lists them. */
export const COMMANDS: readonly CommandSpec[] = [configValidate, tokenCreate, accountsList, interviewShow, deadlettersList, deadlettersRedeliver, poll, purge, doctor, mappingCheck, mappingPreview];

export const TOP_USAGE = `Usage: cli <command> [options]        (npm run cli -- <command> [options])

Operator commands for the Workable video bridge. They read the same configuration as the server:
CONFIG_DIR (default: config), the environment, REDIS_URL (Redis store) or SQLITE_PATH (SQLite store).

Commands:
${COMMANDS.map((c) => `  ${c.words.join(' ').padEnd(24)}${c.summary}`).join('\n')}

Every command takes --help. Exit codes: 0 ok, 1 failed or not found, 2 usage or configuration error.`;

const isHelp = (a: string | undefined): boolean => a === '--help' || a === '-h';

/** Help for a group word such as "deadletters": its subcommands. */
function groupUsage(group: string): string {
  const subs = COMMANDS.filter((c) => c.words[0] === group);
  return `Usage: cli ${group} <${subs.map((c) => c.words[1]).join('|')}> [options]\n\n${subs
    .map((c) => `  ${c.words.join(' ').padEnd(24)}${c.summary}`)
    .join('\n')}\n\nRun cli ${group} <subcommand> --help for its options.`;
}

/** Picks the command named by the first words of argv; throws UsageError when there is none. */
function resolve(argv: string[]): { spec?: CommandSpec; rest: string[]; help?: string } {
  const [first, second] = argv;
  if (first === undefined) throw new UsageError('no command given', TOP_USAGE);
  if (isHelp(first) || first === 'help') return { rest: [], help: TOP_USAGE };
  const group = COMMANDS.filter((c) => c.words[0] === first);
  if (group.length === 0) throw new UsageError(`unknown command "${first}"`, TOP_USAGE);
  const single = group.find((c) => c.words.length === 1);
  if (single) return { spec: single, rest: argv.slice(1) };
  const spec = group.find((c) => c.words[1] === second);
  if (spec) return { spec, rest: argv.slice(2) };
  if (isHelp(second)) return { rest: [], help: groupUsage(first) };
  throw new UsageError(second === undefined ? `"${first}" needs a subcommand` : `unknown command "${first} ${second}"`, groupUsage(first));
}

/** The shape of an interview id the bridge issued with a leading "-" (22 base64url characters). */
const DASH_ID = /^-[A-Za-z0-9_-]{21}$/;
// eslint-disable-next-line no-control-regex -- NUL delimits the placeholder: no command-line argument can contain one
const PLACEHOLDER = /\u0000id(\d+)\u0000/g;

/**
 * Interview ids are base64url, and ids issued before they stopped starting with "-" (about one in 32) look
 * like a bundle of short options to parseArgs. Arguments of exactly that shape that are not one of the
 * command's own options are swapped for placeholders before parsing and put back after, so
 * `interview show -yEfi2mSifxQ43PM7p9JlA` and `--interview -yEf…` work as written (and `-- <id>` still does).
 */
function shieldIds(args: string[], options: NonNullable<ParseArgsConfig['options']>): { args: string[]; restore: (s: string) => string } {
  const own = new Set(Object.entries(options).flatMap(([name, o]) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])]));
  const held: string[] = [];
  const end = args.indexOf('--');
  const shielded = args.map((a, i) => {
    if ((end !== -1 && i > end) || own.has(a) || !DASH_ID.test(a)) return a;
    held.push(a);
    return `\u0000id${held.length - 1}\u0000`;
  });
  return { args: shielded, restore: (s) => s.replace(PLACEHOLDER, (_, n: string) => held[Number(n)] ?? '') };
}

async function dispatch(argv: string[], io: Io): Promise<number> {
  const { spec, rest, help } = resolve(argv);
  if (help !== undefined || !spec) {
    io.out(help ?? TOP_USAGE);
    return EXIT_OK;
  }
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  const options = { ...spec.options, help: { type: 'boolean' as const, short: 'h' } };
  const ids = shieldIds(rest, options);
  try {
    const raw = parseArgs({ args: ids.args, options, allowPositionals: true, strict: true });
    parsed = {
      values: Object.fromEntries(Object.entries(raw.values).map(([k, v]) => [k, typeof v === 'string' ? ids.restore(v) : (v as boolean | undefined)])),
      positionals: raw.positionals.map(ids.restore),
    };
  } catch (err) {
    throw new UsageError(ids.restore((err as Error).message), spec.usage);
  }
  if (parsed.values.help === true) {
    io.out(spec.usage);
    return EXIT_OK;
  }
  const want = spec.positionals ?? { min: 0, max: 0, name: 'argument' };
  if (parsed.positionals.length < want.min) throw new UsageError(`missing ${want.name}`, spec.usage);
  if (parsed.positionals.length > want.max) throw new UsageError(`unexpected argument "${parsed.positionals[want.max]}"`, spec.usage);
  return spec.run({ values: parsed.values, positionals: parsed.positionals, io, usage: spec.usage });
}

/** Runs the CLI over argv (without node and script) and returns the exit code; never throws. */
export async function runCli(argv: string[], io: Io): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`error: ${err.message}\n\n${err.usage}`);
      return EXIT_USAGE;
    }
    if (err instanceof ConfigError) {
      io.err(`Configuration has ${err.problems.length} problem(s):\n${err.problems.map((p) => `  - ${p}`).join('\n')}`);
      return EXIT_USAGE;
    }
    io.err(`error: ${err instanceof CommandFailed ? err.message : `${(err as Error).name}: ${(err as Error).message}`}`);
    return EXIT_FAILED;
  }
}
