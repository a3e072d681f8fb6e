/**
 * Thrown by a blocking wait on a thread where `Atomics.wait` is forbidden (a
 * browser's main thread). The message names the async alternative.
 */
export class BlockingWaitForbiddenError extends TypeError {
  override readonly name = 'BlockingWaitForbiddenError';
  constructor(what: string, asyncAlternative: string) {
    super(
      `${what} would block, and Atomics.wait is not allowed on this thread (a browser's main thread): use ${asyncAlternative} instead`,
    );
  }
}
