/**
 * A command line that cannot be run: the message says what is wrong, as gzip
 * says it; exit status 1. `tryHelp`: getopt's errors are followed by "Try
 * 'twq-gzip --help' for more information.", a bad value (-S '') is not.
 */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly tryHelp = true,
  ) {
    super(message);
  }
}
