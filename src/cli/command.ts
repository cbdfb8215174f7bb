import type { ParseArgsConfig } from 'node:util';
import type { Io } from './io.js';

/** Parsed arguments handed to a command: option values by name, then the positionals. */
export interface CommandArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  io: Io;
  /** The command's own usage, for UsageErrors raised while checking values. */
  usage: string;
}

/** One subcommand: its words, help text, accepted options, and what it does. Returns the exit code. */
export interface CommandSpec {
  /** e.g. ['deadletters', 'redeliver'], or ['poll']. */
  words: string[];
  summary: string;
  /** Full help text: usage line, description, options, an example. */
  usage: string;
  options?: NonNullable<ParseArgsConfig['options']>;
  /** How many positionals the command takes (default none). */
  positionals?: { min: number; max: number; name: string };
  run(args: CommandArgs): number | Promise<number>;
}

/** Reads an option that parseArgs declared as a string. */
export const str = (args: CommandArgs, name: string): string | undefined => {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
};

/** Reads an option that parseArgs declared as a boolean. */
export const flag = (args: CommandArgs, name: string): boolean => args.values[name] === true;
