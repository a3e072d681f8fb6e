import { checkFunction, checkMs } from './checks.js';
import { WorkerStartError, describeValue } from './errors.js';

/**
 * The outcome of a host's start(), settled once: resolved when every worker is
 * ready, or rejected (after `cleanup` stopped whatever was started) when one
 * fails or when `timeoutMs` passes first.
 */
export class StartOutcome {
  readonly promise: Promise<void>;
  private settled = false;
  private readonly timer: ReturnType<typeof setTimeout>;
  private readonly cleanup: () => unknown;
  private resolve!: () => void;
  private reject!: (e: Error) => void;

  /** `hint` ends the timeout's message: what to check when workers never say READY. */
  constructor(timeoutMs: number, hint: string, cleanup: () => unknown) {
    checkMs(timeoutMs, 'timeoutMs');
    if (typeof hint !== 'string') throw new TypeError(`hint must be a string, got ${describeValue(hint)}`);
    checkFunction(cleanup, 'cleanup');
    this.cleanup = cleanup;
    this.promise = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.timer = setTimeout(() => {
      this.fail(new WorkerStartError(-1, `the workers did not all start within ${timeoutMs} ms${hint}`));
    }, timeoutMs);
  }

  /** Whether start() is still under way. */
  get pending(): boolean {
    return !this.settled;
  }

  /** Every worker is ready: start() resolves (once; later calls do nothing). */
  succeed(): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.resolve();
  }

  /** start() failed: cleans up, then rejects with `error` (once; later calls do nothing). */
  fail(error: Error): void {
    if (!(error instanceof Error)) throw new TypeError(`error must be an Error, got ${describeValue(error)}`);
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    void Promise.resolve(this.cleanup()).then(() => {
      this.reject(error);
    });
  }
}
