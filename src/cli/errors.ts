/**
 * The CLI's exit codes and the errors that carry them, so scripts can tell "what I asked for failed"
 * (1) from "I asked wrongly" (2) without parsing text.
 */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Bad arguments: exit 2, with the command's usage printed on stderr. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The usage text of the command that was misused. */
    readonly usage: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The configuration cannot be read or has problems: exit 2, every problem listed. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`configuration has ${problems.length} problem(s)`);
    this.name = 'ConfigError';
  }
}

/** The thing asked for failed or does not exist: exit 1. */
export class CommandFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandFailed';
  }
}
