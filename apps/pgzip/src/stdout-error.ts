/**
 * A write to standard output failed: gzip stops there (EPIPE kills it with
 * SIGPIPE; ENOSPC and the rest: one message, exit status 1), whatever files
 * remain.
 */
export class StdoutError extends Error {
  override name = 'StdoutError';
  readonly code: string | undefined;
  constructor(cause: unknown) {
    super((cause as { message?: string }).message ?? String(cause), { cause });
    const code = (cause as { code?: unknown }).code;
    this.code = typeof code === 'string' ? code : undefined;
  }
}
