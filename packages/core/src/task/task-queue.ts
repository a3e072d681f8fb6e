import { destroyOptionsError } from '../checks.js';
import { QueueDestroyedError, describeValue, type RemoteError } from '../errors.js';
import type { Request } from '../ops.js';
import type { LayoutSpec } from '../request-layout.js';
import type { Workqueue } from '../workqueue.js';
import { TaskAbortedError } from './task-errors.js';

/** How a task queue turns inputs into slots and slots into results. */
export interface TaskCodec<I, R, S extends LayoutSpec = LayoutSpec> {
  /** Fills a claimed request with `input`; throws a typed error when it cannot. */
  write(request: Request<S>, input: I): void;
  /** Marks a claimed request whose input could not be written: its worker does nothing with it. */
  skip(request: Request<S>): void;
  /** The result of a handled request (called in the done callback, before the slot is reused). */
  read(request: Request<S>): R;
  /** Throws when `input` cannot be written, before a slot is taken (else write() throws, and the slot goes as a skip). */
  validate?(input: I): void;
}

/** Options of `run()`. */
export interface RunOptions {
  /**
   * Rejects the promise with an AbortError when it aborts. A task not yet
   * started never runs (waiting for a slot, it leaves the backlog; queued in a
   * slot, it is cancelled there: `Workqueue.cancel`); one already running
   * finishes, and its result is dropped.
   */
  signal?: AbortSignal;
  /** As `signal`, after this many ms: not yet started, the task never runs; running, its result is dropped. */
  timeoutMs?: number;
}

/** Options of `map()`. */
export interface MapOptions {
  /** true (default): results in input order; false: in completion order. */
  ordered?: boolean;
  /** Stops the iteration (it throws an AbortError) when it aborts; its tasks not yet started never run. */
  signal?: AbortSignal;
  /** Inputs in flight at most (the backpressure window). Default: twice the queue's slots. */
  concurrency?: number;
}

/** Where a finished request's result goes: a collector (map, all) instead of a promise. */
interface Collector {
  deliver(tag: number, value: unknown, error: unknown): void;
}

// Promise without a closure per request: one executor for all, which hands
// the resolving functions over through these two variables.
let takenResolve: ((value: unknown) => void) | undefined;
let takenReject: ((error: unknown) => void) | undefined;
function takeResolvers(resolve: (value: unknown) => void, reject: (error: unknown) => void): void {
  takenResolve = resolve;
  takenReject = reject;
}

type Resolve = ((value: unknown) => void) | Collector;

/** Stands in the backlog for a task cancelled while it waited for a slot: flushBacklog skips it. */
const DROPPED: Collector = Object.freeze({ deliver(): void {} });

/** What cancelling a task found: it never runs, or it was already running (or done). */
const NOT_STARTED = 1;
const ALREADY_RUNNING = 0;

const SUBMIT_TAGGED = Symbol('submitTagged');
const CANCEL_TASKS = Symbol('cancelTasks');

/**
 * Promises, collections and streams over a Workqueue: the task API.
 *
 * One promise per `run()` (no other allocation on the way, no closure): its
 * resolving functions wait in per-slot arrays, and the queue's done callback
 * settles them. A completion pump (one async loop, running while anything is
 * in flight) calls the queue's `settle()`, which wakes on the first finished
 * request and runs the done callbacks of every finished one: promises settle
 * in batches, one sweep per wake-up, whatever the request rate. Inputs that
 * find no free slot wait in a FIFO backlog that the pump drains as slots free.
 *
 * The done callback never runs user code synchronously (it only resolves
 * promises and fills collectors), so a `.then` that calls `run()` again never
 * re-enters the queue's bookkeeping.
 */
export class TaskQueue<I, R, S extends LayoutSpec = LayoutSpec> {
  private queueRef: Workqueue<S> | undefined;
  private readonly codec: TaskCodec<I, R, S>;
  private resolves: (Resolve | undefined)[] = [];
  private rejects: (((error: unknown) => void) | undefined)[] = [];
  private tags: Float64Array = new Float64Array(0);
  /** The request in each slot (for cancel): written in fill(), no allocation. */
  private slotRequests: (Request<S> | undefined)[] = [];
  /** Backlog, a FIFO of parallel arrays from `head`. */
  private bInput: unknown[] = [];
  private bResolve: Resolve[] = [];
  private bReject: (((error: unknown) => void) | undefined)[] = [];
  private bTag: number[] = [];
  private head = 0;
  /** Backlog entries from `head` on that were cancelled (DROPPED). */
  private dropped = 0;
  private inflight = 0;
  private pumping = false;
  private closed = false;
  private destroyPromise: Promise<void> | undefined;
  private failure: unknown;
  private readonly name: string;
  private batchWake = ONE_WAKE;

  /** `this.onDone` is what the queue must be created with (its done callback). */
  constructor(codec: TaskCodec<I, R, S>, name: string) {
    this.codec = codec;
    this.name = name;
  }

  /** The done callback to create the queue with; one function for all requests. */
  readonly onDone = (request: Request<S>, error: RemoteError | undefined): void => {
    const s = request.slot;
    const resolve = this.resolves[s];
    const reject = this.rejects[s];
    this.resolves[s] = undefined;
    this.rejects[s] = undefined;
    this.inflight--;
    if (resolve === undefined) return; // a skipped request, or an aborted run()
    let value: unknown;
    let failed: unknown = error;
    if (failed === undefined) {
      try {
        value = this.codec.read(request);
      } catch (e) {
        failed = e;
      }
    }
    if (typeof resolve === 'function') {
      if (failed === undefined) resolve(value);
      else (reject as (error: unknown) => void)(failed);
    } else {
      resolve.deliver(this.tags[s], value, failed);
    }
  };

  /** Attaches the queue created with `onDone`. Called once by the adapter. */
  attach(queue: Workqueue<S>): void {
    this.queueRef = queue;
    const slots = queue.threads * queue.slotsPerThread;
    this.resolves = new Array<Resolve | undefined>(slots).fill(undefined);
    this.rejects = new Array<((error: unknown) => void) | undefined>(slots).fill(undefined);
    this.tags = new Float64Array(slots);
    this.slotRequests = new Array<Request<S> | undefined>(slots).fill(undefined);
    this.batchWake = { wakeBatch: Math.max(1, queue.slotsPerThread >> 1) };
  }

  /** The slot queue underneath (for stats(); its slot API must not be used alongside). */
  get queue(): Workqueue<S> {
    if (this.queueRef === undefined) throw new TypeError('this task queue has no queue attached');
    return this.queueRef;
  }

  get threads(): number {
    return this.queue.threads;
  }

  /** Requests submitted or waiting for a slot, whose results are not delivered yet. */
  get pending(): number {
    return this.inflight + this.bInput.length - this.head - this.dropped;
  }

  /** True once destroy() has been called. */
  get destroyed(): boolean {
    return this.closed;
  }

  /**
   * Runs one task: resolves with its result, rejects with the handler's error
   * (a RemoteError, as `done` gets it), a ValueCloneError / RangeError for an
   * input that cannot be sent, or an AbortError for `signal` / `timeoutMs`.
   * Never blocks: safe on a browser's main thread.
   */
  run(input: I, options?: RunOptions): Promise<R> {
    const p = new Promise<unknown>(takeResolvers);
    let resolve = takenResolve as (value: unknown) => void;
    let reject = takenReject as (error: unknown) => void;
    if (this.closed) {
      reject(this.closedError('run()'));
      return p as Promise<R>;
    }
    if (options !== undefined) {
      const guarded = guard(this, options, resolve, reject);
      if (guarded === undefined) return p as Promise<R>;
      resolve = guarded.resolve;
      reject = guarded.reject;
    }
    this.enqueue(input, resolve, reject, 0);
    return p as Promise<R>;
  }

  /** Runs every input; resolves with the results in order, or rejects with the first failure. */
  all(inputs: Iterable<I>): Promise<R[]> {
    const p = new Promise<unknown>(takeResolvers);
    const resolve = takenResolve as (value: unknown) => void;
    const reject = takenReject as (error: unknown) => void;
    if (this.closed) {
      reject(this.closedError('all()'));
      return p as Promise<R[]>;
    }
    if ((inputs as unknown) === null || typeof (inputs as Partial<Iterable<I>>)[Symbol.iterator] !== 'function') {
      reject(new TypeError(`all(): inputs must be an iterable (an array), got ${describeValue(inputs)}`));
      return p as Promise<R[]>;
    }
    const collector = new AllCollector(resolve, reject);
    let n = 0;
    for (const input of inputs) this.enqueue(input, collector, undefined, n++);
    collector.expect(n);
    return p as Promise<R[]>;
  }

  /**
   * Runs a task per input of `source` (an iterable or async iterable, endless
   * or not) and yields the results: in input order (`ordered`, the default) or
   * as they finish. At most `concurrency` inputs are in flight: the source is
   * read only as results are taken, so memory stays flat on an endless source.
   * A failed task ends the iteration with its error. Breaking out of the loop
   * stops reading the source (its `return()` is called).
   */
  map(source: Iterable<I> | AsyncIterable<I>, options: MapOptions = {}): AsyncIterableIterator<R> {
    if (typeof options !== 'object' || (options as unknown) === null) {
      throw new TypeError(`map(): options must be an object or undefined, got ${describeValue(options)}`);
    }
    const { ordered = true, signal, concurrency } = options;
    if (typeof ordered !== 'boolean') throw new TypeError(`map(): options.ordered must be a boolean, got ${describeValue(ordered)}`);
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new TypeError(`map(): options.signal must be an AbortSignal or undefined, got ${describeValue(signal)}`);
    }
    const window = concurrency ?? 2 * this.queue.threads * this.queue.slotsPerThread;
    if (!Number.isInteger(window) || window < 1 || window > MAX_CONCURRENCY) {
      throw new RangeError(`map(): options.concurrency must be an integer in [1, ${MAX_CONCURRENCY}], got ${describeValue(concurrency)}`);
    }
    const iterator = openSource(source);
    if (!iterator.async && signal === undefined) return new SyncMapIterator(this, iterator.iterator as Iterator<I>, window, ordered);
    return mapResults(this, iterator, window, ordered, signal);
  }

  /**
   * Enqueues for map() (a symbol-keyed method: not part of the API).
   * @internal
   */
  [SUBMIT_TAGGED](input: I, collector: Collector, tag: number): void {
    this.enqueue(input, collector, undefined, tag);
  }

  /**
   * Waits for every task (unless `force`), then destroys the queue, within
   * `timeoutMs` (default: the queue's `stopTimeoutMs`) in all, as the queue's
   * destroy() does. With `force`, or once out of time, tasks still waiting for
   * a slot reject with QueueDestroyedError and those in flight as the queue
   * reports them. Idempotent; a `force` call during a graceful one hurries it.
   */
  destroy(options: { force?: boolean; timeoutMs?: number } = {}): Promise<void> {
    // Refused before anything happens: the queue stays open.
    const refused = destroyOptionsError(options);
    if (refused !== undefined) return Promise.reject(refused);
    const force = options.force === true;
    if (this.destroyPromise === undefined) {
      this.destroyPromise = this.destroyOnce(force, options.timeoutMs);
    } else if (force) {
      this.rejectBacklog(new QueueDestroyedError(this.name, 'a task waiting for a slot'));
      this.queue.destroy({ force: true }).catch(() => undefined);
    }
    return this.destroyPromise;
  }

  /** `await using` support: `destroy()`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.destroy();
  }

  // ---- internals -----------------------------------------------------------

  private enqueue(input: unknown, resolve: Resolve, reject: ((error: unknown) => void) | undefined, tag: number): void {
    if (this.codec.validate !== undefined) {
      try {
        this.codec.validate(input as I);
      } catch (e) {
        settleWith(resolve, reject, tag, e);
        return;
      }
    }
    if (this.head === this.bInput.length && this.failure === undefined) {
      let request: Request<S> | null;
      try {
        request = this.queue.getRequest();
      } catch (e) {
        settleWith(resolve, reject, tag, e);
        return;
      }
      if (request !== null) {
        this.fill(request, input, resolve, reject, tag);
        return;
      }
    }
    if (this.failure !== undefined) {
      settleWith(resolve, reject, tag, this.failure);
      return;
    }
    this.bInput.push(input);
    this.bResolve.push(resolve);
    this.bReject.push(reject);
    this.bTag.push(tag);
    this.ensurePump();
  }

  /** Writes and submits a claimed request; a request whose input cannot be written goes as a skip. */
  private fill(request: Request<S>, input: unknown, resolve: Resolve, reject: ((error: unknown) => void) | undefined, tag: number): void {
    const s = request.slot;
    try {
      this.codec.write(request, input as I);
      this.resolves[s] = resolve;
      this.rejects[s] = reject;
      this.tags[s] = tag;
      this.slotRequests[s] = request;
    } catch (e) {
      // No way to hand a claimed slot back: it goes to its worker as a no-op.
      this.codec.skip(request);
      settleWith(resolve, reject, tag, e);
    }
    this.queue.submit(request);
    this.inflight++;
    this.ensurePump();
  }

  private ensurePump(): void {
    if (this.pumping) return;
    this.pumping = true;
    void this.pump();
  }

  /** Moves backlog into free slots, then waits for completions; while anything is in flight or waiting. */
  private async pump(): Promise<void> {
    try {
      for (;;) {
        this.flushBacklog();
        if (this.inflight === 0 && this.head === this.bInput.length) break;
        // Saturated (inputs wait for slots): wake for a batch of completions,
        // not each one. Else every result is awaited on its own: wake at once.
        const saturated = this.head < this.bInput.length;
        await this.queue.settle(saturated ? this.batchWake : ONE_WAKE);
      }
    } catch (e) {
      this.fail(e);
    } finally {
      this.pumping = false;
    }
  }

  private flushBacklog(): void {
    while (this.head < this.bInput.length) {
      if (this.bResolve[this.head] === DROPPED) {
        this.head++;
        this.dropped--;
        continue;
      }
      const request = this.queue.getRequest();
      if (request === null) break;
      const i = this.head++;
      const input = this.bInput[i];
      const resolve = this.bResolve[i];
      const reject = this.bReject[i];
      this.bInput[i] = undefined;
      this.fill(request, input, resolve, reject, this.bTag[i]);
    }
    if (this.head === this.bInput.length) {
      if (this.head !== 0) this.clearBacklog();
    } else if (this.head > BACKLOG_COMPACT && this.head * 2 > this.bInput.length) {
      this.bInput.splice(0, this.head);
      this.bResolve.splice(0, this.head);
      this.bReject.splice(0, this.head);
      this.bTag.splice(0, this.head);
      this.head = 0;
    }
  }

  /**
   * Cancels the tasks whose results go to `owner` (a run()'s resolver or a
   * map()'s collector) and have not started: those waiting for a slot leave
   * the backlog; those queued in a slot are cancelled by the queue's claim
   * (their done callback, ERR_TWQ_CANCELLED, then finds the owner settled or
   * closed). Returns NOT_STARTED when every such task was stopped before it
   * ran, else ALREADY_RUNNING. Slow path: scans the backlog and the slots.
   * A symbol-keyed method: not part of the API.
   * @internal
   */
  [CANCEL_TASKS](owner: Resolve): number {
    let outcome = NOT_STARTED;
    for (let i = this.head; i < this.bInput.length; i++) {
      if (this.bResolve[i] !== owner) continue;
      this.dropped++;
      this.bResolve[i] = DROPPED;
      this.bReject[i] = undefined;
      this.bInput[i] = undefined;
    }
    const queue = this.queueRef;
    if (queue === undefined || queue.state !== 'open') return ALREADY_RUNNING;
    for (let s = 0; s < this.resolves.length; s++) {
      if (this.resolves[s] !== owner) continue;
      const request = this.slotRequests[s];
      if (request !== undefined && !queue.cancel(request)) outcome = ALREADY_RUNNING;
    }
    return outcome;
  }

  private clearBacklog(): void {
    this.bInput.length = 0;
    this.bResolve.length = 0;
    this.bReject.length = 0;
    this.bTag.length = 0;
    this.head = 0;
    this.dropped = 0;
  }

  /** The queue failed (or was destroyed under the pump): every waiting and in-flight task rejects with it. */
  private fail(error: unknown): void {
    this.failure ??= error;
    this.rejectBacklog(error);
    for (let s = 0; s < this.resolves.length; s++) {
      const resolve = this.resolves[s];
      if (resolve === undefined) continue;
      const reject = this.rejects[s];
      this.resolves[s] = undefined;
      this.rejects[s] = undefined;
      settleWith(resolve, reject, this.tags[s], error);
    }
  }

  private rejectBacklog(error: unknown): void {
    for (let i = this.head; i < this.bInput.length; i++) settleWith(this.bResolve[i], this.bReject[i], this.bTag[i], error);
    this.clearBacklog();
  }

  private async destroyOnce(force: boolean, timeoutMs: number | undefined): Promise<void> {
    this.closed = true;
    const deadline = performance.now() + (timeoutMs ?? this.queue.stopTimeoutMs);
    if (!force) {
      // Graceful: let the pump hand every waiting input to a worker first, while there is time.
      while (this.pumping && this.head < this.bInput.length && performance.now() < deadline) {
        await new Promise((resolve) => {
          setTimeout(() => {
            resolve(undefined);
          }, 1);
        });
      }
    }
    this.rejectBacklog(new QueueDestroyedError(this.name, 'a task waiting for a slot'));
    await this.queue.destroy({ force, timeoutMs: Math.max(0, deadline - performance.now()) });
  }

  private closedError(call: string): Error {
    return new QueueDestroyedError(this.name, call);
  }
}

const ONE_WAKE = { wakeBatch: 1 };

/** Largest map() concurrency. */
export const MAX_CONCURRENCY = 1 << 24;
const BACKLOG_COMPACT = 1024;

function settleWith(resolve: Resolve, reject: ((error: unknown) => void) | undefined, tag: number, error: unknown): void {
  if (typeof resolve === 'function') (reject as (error: unknown) => void)(error);
  else resolve.deliver(tag, undefined, error);
}

/** What guard() needs of a TaskQueue. */
interface TaskCanceller {
  [CANCEL_TASKS](owner: Resolve): number;
}

/** Wraps a run()'s resolvers for its signal / timeout (the slow path: closures only here). */
function guard(
  tasks: TaskCanceller,
  options: RunOptions,
  resolve: (value: unknown) => void,
  reject: (error: unknown) => void,
): { resolve: (value: unknown) => void; reject: (error: unknown) => void } | undefined {
  if (typeof options !== 'object' || (options as unknown) === null) {
    reject(new TypeError(`run(): options must be an object or undefined, got ${describeValue(options)}`));
    return undefined;
  }
  const { signal, timeoutMs } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    reject(new TypeError(`run(): options.signal must be an AbortSignal or undefined, got ${describeValue(signal)}`));
    return undefined;
  }
  if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0)) {
    reject(new RangeError(`run(): options.timeoutMs must be a number in [0, Infinity], got ${describeValue(timeoutMs)}`));
    return undefined;
  }
  if (signal?.aborted === true) {
    reject(new TaskAbortedError('run(): the signal was already aborted; the task was not started', signal.reason));
    return undefined;
  }
  if (signal === undefined && (timeoutMs === undefined || timeoutMs === Infinity)) return { resolve, reject };
  let settled = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const finish = (): void => {
    settled = true;
    if (timer !== undefined) clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  };
  const onAbort = (): void => {
    if (settled) return;
    finish();
    reject(new TaskAbortedError(`run(): aborted by its signal; ${stopped(tasks, wrapped.resolve)}`, signal?.reason));
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  if (timeoutMs !== undefined && timeoutMs !== Infinity) {
    timer = setTimeout(() => {
      if (settled) return;
      finish();
      reject(new TaskAbortedError(`run(): timed out after ${timeoutMs} ms; ${stopped(tasks, wrapped.resolve)}`));
    }, timeoutMs);
  }
  const wrapped: { resolve: (value: unknown) => void; reject: (error: unknown) => void } = {
    resolve: (value) => {
      if (settled) return;
      finish();
      resolve(value);
    },
    reject: (error) => {
      if (settled) return;
      finish();
      reject(error);
    },
  };
  return wrapped;
}

/** Cancels a run()'s task (see cancelTasksOf) and says what became of it. */
function stopped(tasks: TaskCanceller, owner: (value: unknown) => void): string {
  return tasks[CANCEL_TASKS](owner) === NOT_STARTED ? 'the task had not started and never runs' : 'the task had started: it runs to its end, and its result is dropped';
}

/** all(): one promise for every input. */
class AllCollector implements Collector {
  private readonly results: unknown[] = [];
  private remaining = -1;
  private delivered = 0;
  private failed = false;
  constructor(
    private readonly resolve: (value: unknown) => void,
    private readonly reject: (error: unknown) => void,
  ) {}

  expect(n: number): void {
    this.remaining = n - this.delivered;
    if (this.remaining === 0 && !this.failed) this.resolve(this.results);
  }

  deliver(tag: number, value: unknown, error: unknown): void {
    if (this.failed) return;
    if (error !== undefined) {
      this.failed = true;
      this.reject(error);
      return;
    }
    this.results[tag] = value;
    this.delivered++;
    if (this.remaining > 0 && --this.remaining === 0) this.resolve(this.results);
  }
}

type SourceIterator<I> = Iterator<I> | AsyncIterator<I>;

function openSource<I>(source: Iterable<I> | AsyncIterable<I>): { iterator: SourceIterator<I>; async: boolean } {
  if ((source as unknown) !== null && typeof source === 'object') {
    const asyncIt = (source as Partial<AsyncIterable<I>>)[Symbol.asyncIterator];
    if (typeof asyncIt === 'function') return { iterator: asyncIt.call(source), async: true };
  }
  const it = (source as unknown) == null ? undefined : (source as Partial<Iterable<I>>)[Symbol.iterator];
  if (typeof it !== 'function') {
    throw new TypeError(`map(): source must be an iterable or async iterable, got ${describeValue(source)}`);
  }
  return { iterator: it.call(source), async: false };
}

/**
 * map()'s results, in a ring of `window` entries. Ordered: entry = input
 * number % window (the inputs in flight are consecutive and fewer than
 * `window`, so they never collide). Unordered: entries in arrival order, a
 * FIFO. The consumer sleeps on one promise at a time, not one per item.
 */
class MapCollector implements Collector {
  readonly values: unknown[];
  readonly errors: unknown[];
  readonly state: Uint8Array;
  arrived = 0;
  wake: (() => void) | undefined;
  closed = false;
  constructor(
    readonly window: number,
    readonly ordered: boolean,
  ) {
    this.values = new Array<unknown>(window).fill(undefined);
    this.errors = new Array<unknown>(window).fill(undefined);
    this.state = new Uint8Array(window);
  }

  deliver(tag: number, value: unknown, error: unknown): void {
    if (this.closed) return;
    const i = this.ordered ? tag % this.window : this.arrived % this.window;
    this.arrived++;
    this.values[i] = value;
    this.errors[i] = error;
    this.state[i] = error === undefined ? READY : FAILED;
    const wake = this.wake;
    if (wake !== undefined) {
      this.wake = undefined;
      wake();
    }
  }
}

const EMPTY = 0;
const READY = 1;
const FAILED = 2;

let takenWake: (() => void) | undefined;
function takeWake(resolve: () => void): void {
  takenWake = resolve;
}

async function* mapResults<I, R, S extends LayoutSpec>(
  tasks: TaskQueue<I, R, S>,
  source: { iterator: SourceIterator<I>; async: boolean },
  window: number,
  ordered: boolean,
  signal: AbortSignal | undefined,
): AsyncGenerator<R, void, undefined> {
  const c = new MapCollector(window, ordered);
  const it = source.iterator;
  let next = 0; // inputs submitted
  let yielded = 0; // results taken
  let exhausted = false;
  let onAbort: (() => void) | undefined;
  if (signal !== undefined) {
    onAbort = () => {
      const wake = c.wake;
      c.wake = undefined;
      wake?.();
    };
    signal.addEventListener('abort', onAbort, { once: true });
  }
  try {
    for (;;) {
      signal?.throwIfAborted();
      // Keep the window full: read the source only while there is room.
      while (!exhausted && next - yielded < window) {
        const step = source.async ? await (it as AsyncIterator<I>).next() : (it as Iterator<I>).next();
        if (step.done === true) {
          exhausted = true;
          break;
        }
        tasks[SUBMIT_TAGGED](step.value, c, next++);
        if (signal?.aborted === true) break;
      }
      if (yielded === next) {
        if (exhausted) return;
        continue;
      }
      const i = yielded % window;
      if (c.state[i] === EMPTY) {
        const p = new Promise<void>(takeWake);
        c.wake = takenWake;
        await p;
        continue;
      }
      const state = c.state[i];
      const value = c.values[i];
      const error = c.errors[i];
      c.values[i] = undefined;
      c.errors[i] = undefined;
      c.state[i] = EMPTY;
      yielded++;
      if (state === FAILED) throw error;
      yield value as R;
    }
  } finally {
    c.closed = true;
    // Ended early (break, abort, a failed task): what has not started never runs.
    if (yielded < next) tasks[CANCEL_TASKS](c);
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
    if (!exhausted) {
      await (it as AsyncIterator<I>).return?.();
    }
  }
}

const DONE: IteratorResult<never, undefined> = Object.freeze({ value: undefined, done: true });

/**
 * map() over a synchronous source without a signal, as a plain async
 * iterator: a result that is ready costs one settled promise, and the
 * consumer waits on one promise per empty ring entry, not one per item (an
 * async generator costs several per item).
 */
class SyncMapIterator<I, R, S extends LayoutSpec> implements AsyncIterableIterator<R> {
  private readonly c: MapCollector;
  private submitted = 0;
  private yielded = 0;
  private exhausted = false;
  private finished = false;

  constructor(
    private readonly tasks: TaskQueue<I, R, S>,
    private readonly it: Iterator<I>,
    private readonly window: number,
    ordered: boolean,
  ) {
    this.c = new MapCollector(window, ordered);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private readonly retry = (): Promise<IteratorResult<R>> => this.next();

  next(): Promise<IteratorResult<R>> {
    if (this.finished) return Promise.resolve(DONE);
    const c = this.c;
    const window = this.window;
    try {
      while (!this.exhausted && this.submitted - this.yielded < window) {
        const step = this.it.next();
        if (step.done === true) {
          this.exhausted = true;
          break;
        }
        this.tasks[SUBMIT_TAGGED](step.value, c, this.submitted++);
      }
    } catch (e) {
      this.close(false);
      return Promise.reject(e);
    }
    if (this.yielded === this.submitted) {
      this.close(false);
      return Promise.resolve(DONE);
    }
    const i = this.yielded % window;
    const state = c.state[i];
    if (state === EMPTY) {
      const p = new Promise<void>(takeWake);
      c.wake = takenWake;
      return p.then(this.retry);
    }
    const value = c.values[i];
    const error = c.errors[i];
    c.values[i] = undefined;
    c.errors[i] = undefined;
    c.state[i] = EMPTY;
    this.yielded++;
    if (state === FAILED) {
      this.close(true);
      return Promise.reject(error);
    }
    return Promise.resolve({ value: value as R, done: false });
  }

  return(): Promise<IteratorResult<R>> {
    this.close(true);
    return Promise.resolve(DONE);
  }

  private close(early: boolean): void {
    if (this.finished) return;
    this.finished = true;
    this.c.closed = true;
    if (this.yielded < this.submitted) this.tasks[CANCEL_TASKS](this.c);
    if (early && !this.exhausted) this.it.return?.();
  }
}
