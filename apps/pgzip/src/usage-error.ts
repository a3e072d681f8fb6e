/** A command line that cannot be run: the message says what is wrong, as gzip says it; exit status 1. */
export class UsageError extends Error {
  override name = 'UsageError';
}
