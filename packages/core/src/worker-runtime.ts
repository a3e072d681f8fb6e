import { popcount32 } from '@twq/bitmap';
import { backoff, checkSpins } from '@twq/event';
import {
  C_DESTROYED,
  COMPLETION_WANT,
  S_ERROR_LENGTH,
  S_STATUS,
  SLOT_HANDLER_FAILED,
  SLOT_OK,
  W_FAILED,
  W_GENERATION,
  W_HANDLED,
  W_PARKS,
  W_SPIN_HITS,
  W_STATUS,
  WORKER_READY,
  WORKER_RECLAIMED,
  WORKER_STARTING,
  WORKER_STOPPED,
} from './memory-layout.js';
import { describeValue } from './errors.js';
import { checkOps, type Ops, type Request, type WorkerEnv } from './ops.js';
import { toErrorInfo, writeErrorRecord } from './error-record.js';
import { QueueMemory, type WorkerBlock } from './queue-memory.js';
import { HEADER, createRequests, type RequestObject } from './requests.js';
import { readGeometry } from './memory-layout.js';

/** What `WorkerRuntime.handleNext()` did. */
export type HandleResult = typeof HANDLED | typeof IDLE | typeof WENT_ASYNC;
/** It handled one request (sync handler): the slot is back with the submitter. */
export const HANDLED = 1;
/** Nothing was pending. */
export const IDLE = 0;
/** The handler returned a promise: the slot completes when it settles. */
export const WENT_ASYNC = -1;

/**
 * The worker side of the protocol, for one worker thread (or, in inline mode,
 * driven by the submitter's own thread).
 *
 * Ownership: the worker may read and write slot `s` only while
 * `fill[s] !== done[s]`, and gives it back by flipping `done[s]`. It is the only
 * writer of its DONE bitmap, so it keeps a plain mirror (`doneLocal`) and never
 * has to read its own shared word back.
 *
 * The steps are public so that a test can drive them one at a time:
 *   `hasWork()`        one Atomics.load of each FILL word
 *   `handleNext()`     takes the next pending slot (scanning round-robin from the
 *                      slot after the last one handled), runs the handler, completes it
 *   `pass()`           handleNext() until nothing is pending
 *   `prepareToPark()`  reset the wake event, then re-check for work
 *   `parkSync()` / `parkAsync()`
 */
export class WorkerRuntime {
  readonly memory: QueueMemory;
  readonly worker: number;
  readonly env: WorkerEnv;
  readonly spinBudget: number;
  private readonly ops: Ops;
  private readonly block: WorkerBlock;
  private readonly fillWords: Int32Array;
  private readonly doneWords: Int32Array;
  private readonly doneLocal: Int32Array;
  private readonly lastWordMask: number;
  private readonly requests: Request[];
  private readonly contexts: unknown[];
  private readonly control: Int32Array;
  /** The promise of an async handler in progress, if any. */
  private inflight: Promise<void> | undefined;
  /** Where the next scan for pending slots starts (the slot after the last one handled). */
  private scanFrom = 0;
  private handled = 0;
  private failed = 0;
  private parks = 0;
  private spinHits = 0;
  private setUp = false;

  constructor(buffer: SharedArrayBuffer, worker: number, ops: Ops, env: Omit<WorkerEnv, 'worker'>, spinBudget: number) {
    const g = readGeometry(buffer);
    if ((worker >>> 0) !== worker || worker >= g.threads) {
      throw new RangeError(`worker must be an integer in [0, ${g.threads - 1}], got ${describeValue(worker)}`);
    }
    checkOps(ops);
    if (typeof env !== 'object' || (env as unknown) === null) {
      throw new TypeError(`env must be an object (threads, slotsPerThread, name, options), got ${describeValue(env)}`);
    }
    if (ops.layout.byteLength !== g.requestBytes) {
      throw new TypeError(
        `the ops layout is ${ops.layout.byteLength} bytes but the queue was created with ${g.requestBytes}: both sides must load the same ops with the same options`,
      );
    }
    this.memory = new QueueMemory(buffer, g);
    this.worker = worker;
    this.env = Object.freeze({ ...env, worker });
    this.spinBudget = checkSpins(spinBudget);
    this.ops = ops;
    const block = this.memory.blocks[worker];
    this.block = block;
    this.fillWords = block.fill.words;
    this.doneWords = block.done.words;
    this.lastWordMask = block.done.lastWordMask;
    // The worker is the only writer of DONE: a plain copy stays exact.
    this.doneLocal = new Int32Array(this.doneWords.length);
    for (let w = 0; w < this.doneLocal.length; w++) this.doneLocal[w] = Atomics.load(this.doneWords, w);
    this.requests = createRequests(buffer, g, ops.layout, worker * g.slotsPerThread, g.slotsPerThread);
    this.contexts = new Array<unknown>(g.slotsPerThread).fill(undefined);
    this.control = this.memory.i32;
  }

  /** Runs ops.setup for every slot (the seed's request init). Throws what setup throws. */
  setupSlots(): void {
    const setup = this.ops.setup;
    if (setup !== undefined) {
      for (let s = 0; s < this.requests.length; s++) this.contexts[s] = setup(s, this.env);
    }
    this.setUp = true;
  }

  /** Runs ops.teardown for every slot that was set up; reports the first error after trying all. */
  teardownSlots(): void {
    const teardown = this.ops.teardown;
    if (!this.setUp || teardown === undefined) return;
    this.setUp = false;
    const errors: unknown[] = [];
    for (let s = 0; s < this.requests.length; s++) {
      try {
        teardown(this.contexts[s], s, this.env);
      } catch (e) {
        errors.push(e);
      }
    }
    if (errors.length === 1) throw errors[0] as Error;
    if (errors.length > 1) throw new AggregateError(errors, `teardown failed for ${errors.length} slots`);
  }

  /** Status word of this worker (WORKER_*). */
  status(): number {
    return Atomics.load(this.block.state32, W_STATUS);
  }

  /** Generation of this worker (0 for the first, +1 for each replacement). */
  generation(): number {
    return Atomics.load(this.block.state32, W_GENERATION);
  }

  /** Publishes READY: the submitter may now count on this worker. */
  markReady(): void {
    Atomics.store(this.block.state32, W_STATUS, WORKER_READY);
  }

  /** Publishes STOPPED (left the loop because the queue was destroyed). */
  markStopped(): void {
    this.publishCounters();
    Atomics.store(this.block.state32, W_STATUS, WORKER_STOPPED);
    Atomics.notify(this.block.state32, W_STATUS);
  }

  /** Whether this partition may start serving: a first start, or the submitter has reclaimed the dead predecessor's slots. */
  isStartable(): boolean {
    const st = this.status();
    return st === WORKER_STARTING || st === WORKER_RECLAIMED;
  }

  /** Parks (blocking) until the status word changes or `timeoutMs` passes. Worker threads only. */
  waitStatusChange(timeoutMs: number): void {
    // Atomics.wait reads NaN (and so "ten" or undefined) as "forever".
    if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0) {
      throw new RangeError(`waitStatusChange(): timeoutMs must be a number in [0, Infinity], got ${describeValue(timeoutMs)}`);
    }
    Atomics.wait(this.block.state32, W_STATUS, this.status(), timeoutMs);
  }

  isDestroyed(): boolean {
    return Atomics.load(this.control, C_DESTROYED) !== 0;
  }

  /** True when some slot is submitted and not yet handled (fill != done). */
  hasWork(): boolean {
    const fill = this.fillWords;
    const done = this.doneLocal;
    for (let w = 0; w < done.length; w++) {
      if (Atomics.load(fill, w) !== done[w]) return true;
    }
    return false;
  }

  /**
   * Handles the next pending slot, if any. Returns HANDLED when it completed
   * one, IDLE when nothing was pending, WENT_ASYNC when the handler returned a
   * promise (the slot completes when it settles; see `waitInflight`).
   */
  handleNext(): HandleResult {
    if (this.inflight !== undefined) return WENT_ASYNC;
    const fill = this.fillWords;
    const done = this.doneLocal;
    const last = done.length - 1;
    // Round-robin from the slot after the last one handled: a low slot that the
    // submitter keeps refilling must not starve the slots above it.
    let w = this.scanFrom >>> 5;
    let mask = -1 << (this.scanFrom & 31);
    for (let k = 0; k <= last + 1; k++) {
      // Pairs with the submitter's Atomics.store of FILL: its plain writes to the slot come before.
      let pending = (Atomics.load(fill, w) ^ done[w]) & mask;
      if (w === last) pending &= this.lastWordMask;
      if (pending !== 0) {
        const s = (w << 5) + 31 - Math.clz32(pending & -pending);
        this.scanFrom = s + 1 === this.requests.length ? 0 : s + 1;
        return this.runHandler(s);
      }
      mask = -1;
      w = w === last ? 0 : w + 1;
    }
    return IDLE;
  }

  /** Handles everything pending now; stops early when a handler goes async. Returns the count completed. */
  pass(): number {
    let n = 0;
    for (;;) {
      if (this.handleNext() !== HANDLED) break;
      n++;
    }
    if (n > 0) this.publishCounters();
    return n;
  }

  /** The promise of the async handler in progress (undefined when none). */
  waitInflight(): Promise<void> | undefined {
    return this.inflight;
  }

  /**
   * Polls for work `spinBudget` times with back-off. True when work turned up.
   * The back-off keeps this loop off the FILL line most of the time, so the
   * submitter's writes to it are not slowed down by our reads.
   */
  spin(): boolean {
    for (let i = 0; i < this.spinBudget; i++) {
      if (this.hasWork()) {
        this.spinHits++;
        return true;
      }
      backoff(i);
    }
    return false;
  }

  /**
   * First half of parking: reset the wake event, then look again. Returns true
   * when it is safe to park (no work, not destroyed). The reset comes before the
   * re-check: a submit that lands after the re-check sets the event again, so
   * the park returns at once (no lost wake-up).
   */
  prepareToPark(): boolean {
    this.block.wake.reset();
    return !this.hasWork() && !this.isDestroyed();
  }

  /** Parks until woken (the submitter's set, or destroy). */
  parkSync(): void {
    this.parks++;
    this.publishCounters();
    this.block.wake.wait();
  }

  /** Parks without blocking the thread's event loop (for async handlers). */
  async parkAsync(): Promise<void> {
    this.parks++;
    this.publishCounters();
    await this.block.wake.waitAsync();
  }

  /**
   * The worker loop: handle, spin, park; until the queue is destroyed. Runs
   * synchronously (parking with Atomics.wait) until a handler returns a
   * promise; from then on it awaits and parks with waitAsync, so the worker's
   * event loop keeps running the handlers' promises.
   */
  run(): Promise<void> | undefined {
    for (;;) {
      const n = this.pass();
      if (this.inflight !== undefined) return this.runAsync();
      if (n > 0) continue;
      if (this.isDestroyed()) return undefined;
      if (this.spin()) continue;
      if (this.prepareToPark()) this.parkSync();
    }
  }

  private async runAsync(): Promise<void> {
    for (;;) {
      const inflight = this.inflight;
      if (inflight !== undefined) {
        await inflight;
        continue;
      }
      const n = this.pass();
      if (n > 0 || this.inflight !== undefined) continue;
      if (this.isDestroyed()) return;
      if (this.spin()) continue;
      if (this.prepareToPark()) await this.parkAsync();
    }
  }


  private runHandler(s: number): HandleResult {
    const request = this.requests[s];
    let result: void | Promise<void>;
    try {
      result = this.ops.handle(request, this.contexts[s], this.env);
    } catch (e) {
      this.complete(s, e);
      return HANDLED;
    }
    if (result !== undefined && typeof (result as { then?: unknown }).then === 'function') {
      this.inflight = Promise.resolve(result).then(
        () => {
          this.settle(s, undefined);
        },
        (e: unknown) => {
          this.settle(s, e ?? new Error('handler rejected with no reason'));
        },
      );
      return WENT_ASYNC;
    }
    this.complete(s, undefined);
    return HANDLED;
  }

  private settle(s: number, error: unknown): void {
    this.inflight = undefined;
    this.complete(s, error);
    this.publishCounters();
  }

  /**
   * Writes the slot's status (and error record), then flips its DONE bit, which
   * hands the slot back to the submitter: everything written before is visible to
   * it once it loads the flipped word. Then sets the completion event, which
   * costs one load unless the submitter is parked on it.
   */
  private complete(s: number, error: unknown): void {
    const request = this.requests[s] as unknown as RequestObject;
    if (error === undefined) {
      request[HEADER][S_STATUS] = SLOT_OK;
      this.handled++;
    } else {
      writeErrorRecord(this.memory.errorRecord(request.slot), toErrorInfo(error));
      request[HEADER][S_ERROR_LENGTH] = 1;
      request[HEADER][S_STATUS] = SLOT_HANDLER_FAILED;
      this.failed++;
    }
    const w = s >>> 5;
    const word = this.doneLocal[w] ^ (1 << (s & 31));
    this.doneLocal[w] = word;
    Atomics.store(this.doneWords, w, word);
    this.signalCompletion();
  }

  /**
   * Wakes a parked submitter, but only once this worker has as many free slots
   * as it asked for (WANT): a submitter that waits for a free slot is then
   * woken once for a batch of completions, not once per completion (each futex
   * wake costs about as much as a small request). It may be parked on this
   * worker's completion event (waitAll / drain) or on the queue's doorbell (any
   * free slot, from any worker). When nobody waits both events stay SET and
   * this costs two loads of lines nobody writes. Pairs with the submitter's
   * store of WANT, then reset, then re-check: a worker that sees an event not
   * SET also sees that WANT. WANT never exceeds the slots, so the completion
   * that leaves this worker with nothing to do always wakes the submitter: no
   * wake-up is lost.
   */
  private signalCompletion(): void {
    const completion = this.block.completion;
    const doorbell = this.memory.doorbell;
    const waitsHere = !completion.isSet();
    const waitsAny = !doorbell.isSet();
    if (!waitsHere && !waitsAny) return;
    if (this.freeSlots() < Atomics.load(this.block.completionLine, COMPLETION_WANT)) return;
    if (waitsHere) completion.set();
    if (waitsAny) doorbell.set();
  }

  /** Slots of this worker in the submitter's hands now (slow path only). */
  private freeSlots(): number {
    const fill = this.fillWords;
    const done = this.doneLocal;
    const last = done.length - 1;
    let busy = 0;
    for (let w = 0; w <= last; w++) {
      let pending = Atomics.load(fill, w) ^ done[w];
      if (w === last) pending &= this.lastWordMask;
      busy += popcount32(pending);
    }
    return this.requests.length - busy;
  }

  /** Plain stores of the counters into this worker's STATE line (only this worker writes them). */
  private publishCounters(): void {
    const c = this.block.state64;
    c[W_HANDLED] = this.handled;
    c[W_FAILED] = this.failed;
    c[W_PARKS] = this.parks;
    c[W_SPIN_HITS] = this.spinHits;
  }
}
