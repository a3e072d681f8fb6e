import { ERR_TWQ_INLINE_ASYNC } from './error-codes.js';
import { QueueDestroyedError, TwqError, WaitTimeoutError, describeValue } from './errors.js';
import type { HostEvents, WorkerHost, WorkerInit } from './host.js';
import type { Ops, Request } from './ops.js';
import { DEFAULT_STOP_TIMEOUT_MS } from './options.js';
import type { LayoutSpec } from './request-layout.js';
import { WorkerRuntime } from './worker-runtime.js';
import { Workqueue, type CreateQueueOptions, type SubmitOptions } from './workqueue.js';

/** Options of `InlineQueue.create`: the queue's options, and whether submitted requests run at once (`autoRun`). */
export interface InlineQueueOptions<S extends LayoutSpec, O> extends CreateQueueOptions<S, O> {
  /**
   * true (default): a submitted request is handled at once, on this thread.
   * false: nothing runs until the test calls `step()` / `runAll()`: the
   * protocol's steps can then be driven one at a time.
   */
  autoRun?: boolean;
}

/**
 * Runs the worker runtimes on the submitter's own thread, over the same shared
 * memory and the same protocol code as the threaded queue. For unit tests of an
 * ops module (deterministic: no threads, no timing) and for stepping the
 * protocol in tests.
 */
export class InlineQueue<S extends LayoutSpec = LayoutSpec, O = unknown, C = unknown> extends Workqueue<S, O> {
  readonly runtimes: readonly WorkerRuntime[];
  readonly autoRun: boolean;

  // C (the slot context type) is a type parameter of its own: Ops is invariant in
  // it, so ops from defineOps() (C = undefined, or what setup returns) would not
  // be assignable to Ops<S, unknown, O>.
  constructor(ops: Ops<S, C, O>, options: InlineQueueOptions<S, O> = {}) {
    if (typeof options !== 'object' || (options as unknown) === null) {
      throw new TypeError(`options must be an object or undefined, got ${describeValue(options)}`);
    }
    const autoRun = options.autoRun ?? true;
    if (typeof autoRun !== 'boolean') throw new TypeError(`autoRun must be a boolean, got ${describeValue(autoRun)}`);
    const runtimes: WorkerRuntime[] = [];
    const host: WorkerHost = {
      start(init: WorkerInit, events: HostEvents): Promise<void> {
        for (let t = 0; t < init.threads; t++) {
          const runtime = new WorkerRuntime(
            init.buffer,
            t,
            ops,
            { threads: init.threads, slotsPerThread: init.slotsPerThread, name: init.name, options: init.opsOptions },
            0,
          );
          runtime.setupSlots();
          // Elastic threads: the partitions beyond minThreads are ready when startWorker() says so.
          if (runtime.isStartable() && t < runtime.memory.minThreads()) runtime.markReady();
          runtime.onIdle = (worker) => {
            events.workerIdle(worker);
          };
          runtimes.push(runtime);
        }
        return Promise.resolve();
      },
      startWorker(worker: number): void {
        // Inline, a retired runtime's slots stay set up: it serves again at once.
        runtimes[worker].markReady();
      },
      async stop(force: boolean, timeoutMs = DEFAULT_STOP_TIMEOUT_MS): Promise<void> {
        // Nothing can end a handler on this thread: an async one still in flight
        // after `timeoutMs` (at once when forced) is abandoned, its slots not torn
        // down (it may still use them); destroy() reports its request failed.
        const deadline = performance.now() + (force ? 0 : timeoutMs);
        for (const runtime of runtimes) {
          const inflight = runtime.waitInflight();
          if (inflight !== undefined && !(await settlesBy(inflight, deadline, undefined))) continue;
          runtime.teardownSlots();
          runtime.markStopped();
        }
      },
    };
    // One worker by default; elastic options (minThreads / maxThreads) replace it.
    const elastic = options.minThreads !== undefined || options.maxThreads !== undefined;
    super(ops, elastic ? options : { threads: 1, ...options }, host, 1);
    this.runtimes = runtimes;
    this.autoRun = autoRun;
  }

  /** Creates and starts an inline queue (set-up runs for every slot before it resolves). */
  static async create<S extends LayoutSpec, O, C>(ops: Ops<S, C, O>, options: InlineQueueOptions<S, O> = {}): Promise<InlineQueue<S, O, C>> {
    const queue = new InlineQueue(ops, options);
    await queue.start();
    return queue;
  }

  /** Inline, a full queue first lets the runtimes handle what is pending. */
  override getRequest(): Request<S> | null {
    const request = super.getRequest();
    if (request !== null || !this.autoRun || this.runPending() === 0) return request;
    return super.getRequest();
  }

  /**
   * Inline, nothing else can free a slot while this thread blocks: runs what is
   * pending, and throws instead of waiting forever when that frees nothing.
   */
  override getRequestBlocking(timeoutMs = Infinity): Request<S> {
    // A destroyed queue or a bad timeout: the base class throws the error naming this call.
    if (this.state !== 'open' || typeof timeoutMs !== 'number' || !(timeoutMs >= 0)) return super.getRequestBlocking(timeoutMs);
    const request = super.getRequest() ?? (this.runPending() > 0 ? super.getRequest() : null);
    if (request !== null) return request;
    if (this.runtimes.some((r) => r.waitInflight() !== undefined)) {
      throw new TwqError(
        ERR_TWQ_INLINE_ASYNC,
        `inline queue "${this.name}" has an async handler in flight: getRequestBlocking() cannot block for it on the same thread; use getRequestAsync()`,
      );
    }
    return super.getRequestBlocking(timeoutMs);
  }

  override submit(request: Request<S>, options?: SubmitOptions): void {
    super.submit(request, options);
    if (this.autoRun) this.runtimes[request.worker].pass();
  }

  /** Handles one pending request of worker `worker` (default 0): 1 if it did, 0 if none, -1 if async. */
  step(worker = 0): number {
    if (this.memory.isDestroyed()) throw new QueueDestroyedError(this.name, 'step()');
    if (typeof worker !== 'number' || (worker >>> 0) !== worker || worker >= this.runtimes.length) {
      throw new RangeError(`worker must be an integer in [0, ${this.runtimes.length - 1}], got ${describeValue(worker)}`);
    }
    return this.runtimes[worker].handleNext();
  }

  /** Handles everything pending on every worker (sync handlers); returns how many. */
  runAll(): number {
    if (this.memory.isDestroyed()) throw new QueueDestroyedError(this.name, 'runAll()');
    return this.runPending();
  }

  /** runAll() for this class's own calls (destroy's drain among them). */
  private runPending(): number {
    let n = 0;
    for (const runtime of this.runtimes) n += runtime.pass();
    return n;
  }

  /**
   * Inline, a blocking wait could never end while an async handler is in
   * flight on this same thread: that case throws; use drain().
   */
  override waitAll(timeoutMs = Infinity): void {
    if (this.state === 'open') this.runPending();
    if (this.runtimes.some((r) => r.waitInflight() !== undefined)) {
      throw new TwqError(
        ERR_TWQ_INLINE_ASYNC,
        `inline queue "${this.name}" has an async handler in flight: waitAll() cannot block for it on the same thread; use drain()`,
      );
    }
    super.waitAll(timeoutMs);
  }

  override async drain(options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<void> {
    // The base class checks the options (and names what is wrong) at the end; meanwhile only good ones are used.
    const o = (typeof options === 'object' && (options as unknown) !== null ? options : {}) as { signal?: unknown; timeoutMs?: unknown };
    const signal = o.signal instanceof AbortSignal ? o.signal : undefined;
    const timeoutMs = typeof o.timeoutMs === 'number' && o.timeoutMs >= 0 ? o.timeoutMs : Infinity;
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      this.runPending();
      const inflight = this.runtimes.map((r) => r.waitInflight()).filter((p) => p !== undefined);
      if (inflight.length === 0) break;
      if (!(await settlesBy(Promise.all(inflight), deadline, signal))) throw new WaitTimeoutError('drain()', timeoutMs);
    }
    await super.drain(options);
  }
}

/**
 * Whether `promise` settles before `deadline` (performance.now() time): false
 * once it passes; rejects with the signal's reason when `signal` aborts first.
 * A rejection of `promise` counts as settled.
 */
function settlesBy(promise: Promise<unknown>, deadline: number, signal: AbortSignal | undefined): Promise<boolean> {
  signal?.throwIfAborted();
  const left = deadline - performance.now();
  if (left === Infinity && signal === undefined) return promise.then(() => true, () => true);
  return new Promise<boolean>((resolve, reject) => {
    const timer = left === Infinity ? undefined : setTimeout(() => {
      finish();
      resolve(false);
    }, Math.max(0, left));
    const onAbort = (): void => {
      finish();
      reject(signal?.reason as Error);
    };
    const finish = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const settled = (): void => {
      finish();
      resolve(true);
    };
    promise.then(settled, settled);
  });
}
