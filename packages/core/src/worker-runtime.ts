import { backoff, checkSpins, type SharedEvent } from '@twq/event';
import {
  C_DESTROYED,
  CLAIM_CANCEL_REQUESTED,
  CLAIM_QUEUED,
  CLAIM_RUNNING,
  CLAIM_STATE_MASK,
  COMPLETION_WANT,
  H_FLAGS,
  HF_STEAL,
  RUN_ASKED,
  RUN_GO,
  RUN_LEFT,
  RUN_SERVING,
  U_RUN,
  S_CLAIM,
  S_ERROR_LENGTH,
  S_STATUS,
  SLOT_HANDLER_FAILED,
  SLOT_OK,
  W_FAILED,
  W_STOLEN,
  W_GENERATION,
  W_HANDLED,
  W_PARKS,
  W_SPIN_HITS,
  W_STATUS,
  WORKER_READY,
  WORKER_RECLAIMED,
  WORKER_RETIRED,
  WORKER_STARTING,
  WORKER_STOPPED,
} from './memory-layout.js';
import { claimHighestQueued, inflightCount, mostLoaded, tryClaim } from './claims.js';
import { isImpossibleClaim, reportCorruption, showClaim } from './corruption.js';
import { describeValue } from './errors.js';
import { checkOps, type Ops, type Request, type WorkerEnv } from './ops.js';
import { toErrorInfo, writeErrorRecord } from './error-record.js';
import { QueueMemory, type WorkerBlock } from './queue-memory.js';
import { HEADER, createRequests, type RequestObject } from './requests.js';
import { readGeometry } from './memory-layout.js';

/** How often an async handler's env.signal looks at its request's cooperative cancel flag. */
export const CANCEL_POLL_MS = 10;

/** What `WorkerRuntime.handleNext()` (and `steal()`) did. */
export type HandleResult = typeof HANDLED | typeof IDLE | typeof WENT_ASYNC;
/** It handled one request (sync handler): the slot is back with the submitter. */
export const HANDLED = 1;
/** Nothing was pending (or everything pending is claimed by others). */
export const IDLE = 0;
/** The handler returned a promise: the slot completes when it settles. */
export const WENT_ASYNC = -1;

/**
 * The worker side of the protocol, for one worker thread (or, in inline mode,
 * driven by the submitter's own thread).
 *
 * Ownership: a slot is in flight while `fill[s] !== done[s]`; the worker runs
 * it only after winning the CAS of its CLAIM word from QUEUED to RUNNING (see
 * memory-layout.ts), and gives it back by flipping `done[s]` with Atomics.xor:
 * a thief completing a stolen slot flips the owner's DONE too, so DONE is read
 * with Atomics.load, never from a private mirror. Slots of this partition that
 * another party has claimed (a thief, or the submitter's cancel) are kept in
 * `foreign` until they leave flight or read QUEUED again, so the worker does not
 * spin on them.
 *
 * The steps are public so that a test can drive them one at a time:
 *   `hasWork()`        one Atomics.load of each FILL word
 *   `handleNext()`     takes the lowest pending slot, runs the handler, completes it
 *   `pass()`           handleNext() until nothing is pending
 *   `prepareToPark()`  reset the wake event, then re-check for work
 *   `parkSync()` / `parkAsync()`
 */
export class WorkerRuntime {
  readonly memory: QueueMemory;
  readonly worker: number;
  readonly env: WorkerEnv;
  readonly spinBudget: number;
  /** Whether this worker steals queued requests from other partitions when it has none (fixed at creation). */
  readonly stealing: boolean;
  /** Elastic threads: ms of idle parking after which this worker asks to retire; 0: never (a fixed thread count). */
  readonly idleTimeoutMs: number;
  /**
   * Told (slow path) when this worker has asked to retire: its host passes it
   * on to the submitter (a message), which answers through the RUN word.
   */
  onIdle: ((worker: number) => void) | undefined;
  /** Set once this worker has left its partition (RUN GO -> LEFT): its loop returns. */
  private left = false;
  private readonly ops: Ops;
  private readonly block: WorkerBlock;
  private readonly fillWords: Int32Array;
  private readonly doneWords: Int32Array;
  /** Slots of this partition in flight but claimed by someone else, as last seen. */
  private readonly foreign: Int32Array;
  private readonly lastWordMask: number;
  private readonly requests: Request[];
  /** Request views of the other partitions, made at the first steal from each (never per steal). */
  private readonly foreignRequests: (Request[] | undefined)[];
  private readonly contexts: unknown[];
  /** The context for requests this worker runs for another partition (setup(-1, env)). */
  private spareContext: unknown;
  private readonly control: Int32Array;
  /** Header of the slot whose handler runs now (env.cancelled reads its CLAIM word). */
  private current: Int32Array | undefined;
  /** AbortController behind env.signal for the running request, made only when a handler asks. */
  private controller: AbortController | undefined;
  private cancelPoll: ReturnType<typeof setInterval> | undefined;
  /** The promise of an async handler in progress, if any. */
  private inflight: Promise<void> | undefined;
  /** Where the next scan for pending slots starts (the slot after the last one handled). */
  private scanFrom = 0;
  private handled = 0;
  private failed = 0;
  private parks = 0;
  private spinHits = 0;
  private stolen = 0;
  private setUp = false;
  /** The status isStartable() read last (waitStatusChange parks until it changes). */
  private seenStatus = -1;

  constructor(buffer: SharedArrayBuffer, worker: number, ops: Ops, env: Omit<WorkerEnv, 'worker' | 'cancelled' | 'signal'>, spinBudget: number) {
    const g = readGeometry(buffer);
    if (typeof worker !== 'number' || (worker >>> 0) !== worker || worker >= g.threads) {
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
    this.env = makeEnv(this, env, worker);
    this.spinBudget = checkSpins(spinBudget);
    this.ops = ops;
    const block = this.memory.blocks[worker];
    this.block = block;
    this.fillWords = block.fill.words;
    this.doneWords = block.done.words;
    this.lastWordMask = block.done.lastWordMask;
    this.foreign = new Int32Array(this.doneWords.length);
    this.requests = createRequests(buffer, g, ops.layout, worker * g.slotsPerThread, g.slotsPerThread);
    this.foreignRequests = new Array<Request[] | undefined>(g.threads).fill(undefined);
    this.foreignRequests[worker] = this.requests;
    this.contexts = new Array<unknown>(g.slotsPerThread).fill(undefined);
    this.control = this.memory.i32;
    this.stealing = g.threads > 1 && (Atomics.load(this.control, H_FLAGS) & HF_STEAL) !== 0;
    this.idleTimeoutMs = this.memory.idleTimeoutMs();
  }

  /**
   * Runs ops.setup for every slot (the seed's request init), and once more
   * with slot -1 for the spare context a stealing worker runs other partitions'
   * requests with. Throws what setup throws.
   */
  setupSlots(): void {
    const setup = this.ops.setup;
    if (setup !== undefined) {
      for (let s = 0; s < this.requests.length; s++) this.contexts[s] = setup(s, this.env);
      if (this.stealing) this.spareContext = setup(-1, this.env);
    }
    this.setUp = true;
  }

  /** Runs ops.teardown for every slot that was set up (and the spare); reports the first error after trying all. */
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
    if (this.stealing) {
      try {
        teardown(this.spareContext, -1, this.env);
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

  /**
   * Publishes READY: the submitter may now count on this worker. A replacement
   * first takes over its predecessors' counters (the partition's totals, which
   * stats() reports): the predecessor is gone and wrote its last before its
   * death was recorded, which came before the RECLAIMED this worker waited for.
   */
  markReady(): void {
    const c = this.block.state64;
    this.handled = c[W_HANDLED];
    this.failed = c[W_FAILED];
    this.parks = c[W_PARKS];
    this.spinHits = c[W_SPIN_HITS];
    this.stolen = c[W_STOLEN];
    Atomics.store(this.block.state32, W_STATUS, WORKER_READY);
  }

  /** Publishes STOPPED (left the loop because the queue was destroyed). */
  markStopped(): void {
    this.publishCounters();
    Atomics.store(this.block.state32, W_STATUS, WORKER_STOPPED);
    Atomics.notify(this.block.state32, W_STATUS);
  }

  /**
   * Publishes RETIRED (left the loop because it was retired, its slots torn
   * down): the last this worker writes, so a new worker of the partition may start.
   */
  markRetired(): void {
    this.publishCounters();
    Atomics.store(this.block.state32, W_STATUS, WORKER_RETIRED);
    Atomics.notify(this.block.state32, W_STATUS);
  }

  /**
   * Whether this partition may start serving: a first start, the submitter has
   * reclaimed the dead predecessor's slots, or the retired predecessor is done.
   */
  isStartable(): boolean {
    const st = this.status();
    this.seenStatus = st;
    return st === WORKER_STARTING || st === WORKER_RECLAIMED || st === WORKER_RETIRED;
  }

  /**
   * Elastic threads, the worker's first step: idle for idleTimeoutMs, it asks
   * to retire (RUN SERVING -> ASKED by CAS) and tells `onIdle`. False when the
   * word was not SERVING (asked already, or being retired).
   */
  askToRetire(): boolean {
    const won = Atomics.compareExchange(this.block.submitter32, U_RUN, RUN_SERVING, RUN_ASKED) === RUN_SERVING;
    if (won) this.onIdle?.(this.worker);
    return won;
  }

  /**
   * Elastic threads, the worker's last step: once the submitter said GO (the
   * partition takes no placements), leaves by CAS GO -> LEFT. Call only with
   * nothing of its own pending (after a pass found none). False when not
   * retired, or when the submitter took the partition back first (GO -> SERVING).
   */
  leaveIfRetired(): boolean {
    const run = this.block.submitter32;
    if (Atomics.load(run, U_RUN) !== RUN_GO) return false;
    this.left = Atomics.compareExchange(run, U_RUN, RUN_GO, RUN_LEFT) === RUN_GO;
    return this.left;
  }

  /** Whether this worker left its partition (retired): its loop has returned, or returns now. */
  get retired(): boolean {
    return this.left;
  }

  /** Parks (blocking) until the status word changes or `timeoutMs` passes. Worker threads only. */
  waitStatusChange(timeoutMs: number): void {
    // Atomics.wait reads NaN (and so "ten" or undefined) as "forever".
    if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0) {
      throw new RangeError(`waitStatusChange(): timeoutMs must be a number in [0, Infinity], got ${describeValue(timeoutMs)}`);
    }
    // Parks on the status isStartable() last saw, not a fresh read: a RECLAIMED
    // published between the two would otherwise be waited past (found by the
    // model checker: a replacement that sleeps a whole poll interval, or forever
    // without the timeout).
    Atomics.wait(this.block.state32, W_STATUS, this.seenStatus, timeoutMs);
  }

  /** True once the queue has been destroyed: the worker loop then returns. */
  isDestroyed(): boolean {
    return Atomics.load(this.control, C_DESTROYED) !== 0;
  }

  /** True when some slot of this partition is submitted and not claimed by someone else. */
  hasWork(): boolean {
    const fill = this.fillWords;
    const done = this.doneWords;
    const foreign = this.foreign;
    let others = 0;
    for (let w = 0; w < foreign.length; w++) {
      const inflight = Atomics.load(fill, w) ^ Atomics.load(done, w);
      if ((inflight & ~foreign[w]) !== 0) return true;
      others |= inflight & foreign[w];
    }
    return others !== 0 && this.revalidateForeign();
  }

  /** Whether the request running now was asked to stop (env.cancelled). */
  isCancelRequested(): boolean {
    const header = this.current;
    return header !== undefined && (Atomics.load(header, S_CLAIM) & CLAIM_CANCEL_REQUESTED) !== 0;
  }

  /** The AbortSignal behind env.signal: made for the running request when a handler first asks. */
  signalForCurrent(): AbortSignal {
    let controller = this.controller;
    if (controller === undefined) {
      controller = new AbortController();
      this.controller = controller;
      if (this.isCancelRequested()) {
        controller.abort(cancelReason());
      } else if (this.current !== undefined) {
        // Only async handlers can observe an abort event (a sync one returns first):
        // look at the flag on a timer while the request runs; stopped when it settles.
        const c = controller;
        this.cancelPoll = setInterval(() => {
          if (this.isCancelRequested()) {
            c.abort(cancelReason());
            this.stopCancelPoll();
          }
        }, CANCEL_POLL_MS);
      }
    }
    return controller.signal;
  }

  /**
   * Handles the lowest pending slot, if any. Returns HANDLED when it
   * completed one, IDLE when nothing was pending (or everything
   * pending is claimed by others), WENT_ASYNC when the handler went async (the
   * slot completes when its promise settles; see `waitInflight`).
   */
  handleNext(): HandleResult {
    if (this.inflight !== undefined) return WENT_ASYNC;
    for (;;) {
      const s = this.nextPending();
      if (s < 0) {
        if (this.revalidateForeign()) continue;
        return IDLE;
      }
      const header = (this.requests[s] as unknown as RequestObject)[HEADER];
      if (this.claimSlot(header)) return this.runHandler(this.worker, s);
      // Lost the claim: a thief runs it, or the submitter cancelled it; or (slow path, checked here only) nobody could have.
      const claim = Atomics.load(header, S_CLAIM);
      if (isImpossibleClaim(claim, this.memory.geometry.threads)) {
        reportCorruption(this.memory, this.worker, `worker ${this.worker} found slot ${s} in flight with the claim word ${showClaim(claim)}, which no party writes there`);
      }
      this.foreign[s >>> 5] |= 1 << (s & 31);
    }
  }

  /**
   * Takes one queued request from the most loaded other partition (two or more
   * in flight) and runs it with the spare context. Returns what handleNext does.
   */
  steal(): HandleResult {
    if (!this.stealing || this.inflight !== undefined) return IDLE;
    const blocks = this.memory.blocks;
    const victim = mostLoaded(blocks, this.worker, 2);
    if (victim < 0) return IDLE;
    const requests = (this.foreignRequests[victim] ??= this.viewsOf(victim));
    const s = claimHighestQueued(blocks[victim], requests, 0, this.worker, CLAIM_RUNNING);
    if (s < 0) return IDLE;
    this.stolen++;
    const r = this.runHandler(victim, s);
    if (r === HANDLED) this.publishCounters();
    return r;
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
   * the park returns at once (no lost wake-up). A submitter that wants idle
   * workers to steal sets the event of any worker whose event is not SET (see
   * Workqueue.kickThieves), so a kick after this reset is not lost either.
   */
  prepareToPark(): boolean {
    this.block.wake.reset();
    return !this.hasWork() && !this.isDestroyed();
  }

  /**
   * Parks until woken (the submitter's set, or destroy). Elastic threads: for
   * at most idleTimeoutMs, after which an idle worker asks to retire.
   */
  parkSync(): void {
    this.parks++;
    this.publishCounters();
    if (this.idleTimeoutMs === 0) this.block.wake.wait();
    else if (!this.block.wake.wait(this.idleTimeoutMs)) this.askToRetire();
  }

  /** Parks without blocking the thread's event loop (for async handlers); as parkSync otherwise. */
  async parkAsync(): Promise<void> {
    this.parks++;
    this.publishCounters();
    if (this.idleTimeoutMs === 0) await this.block.wake.waitAsync();
    else if (!(await this.block.wake.waitAsync(this.idleTimeoutMs))) this.askToRetire();
  }

  /**
   * The worker loop: handle, steal, spin, park; until the queue is destroyed.
   * Runs synchronously (parking with Atomics.wait) until a handler returns a
   * promise; from then on it awaits and parks with waitAsync, so the worker's
   * event loop keeps running the handlers' promises.
   */
  run(): Promise<void> | undefined {
    for (;;) {
      const n = this.pass();
      if (this.inflight !== undefined) return this.runAsync();
      if (n > 0) continue;
      if (this.isDestroyed()) return undefined;
      if (this.idleTimeoutMs !== 0 && this.leaveIfRetired()) return undefined;
      const stole = this.steal();
      if (stole === WENT_ASYNC) return this.runAsync();
      if (stole !== IDLE) continue;
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
      if (this.idleTimeoutMs !== 0 && this.leaveIfRetired()) return;
      if (this.steal() !== IDLE) continue;
      if (this.spin()) continue;
      if (this.prepareToPark()) await this.parkAsync();
    }
  }

  /**
   * The claim: QUEUED -> RUNNING(this worker) by one compare-and-swap, so that
   * exactly one party runs the request. The sequence number stays.
   */
  private claimSlot(header: Int32Array): boolean {
    return tryClaim(header, this.worker, CLAIM_RUNNING);
  }

  /** The next pending slot of this partition not known to be claimed by others, round-robin from scanFrom; -1 if none. */
  private nextPending(): number {
    const fill = this.fillWords;
    const done = this.doneWords;
    const foreign = this.foreign;
    const last = foreign.length - 1;
    // Round-robin from the slot after the last one handled: a low slot that the
    // submitter keeps refilling must not starve the slots above it.
    let w = this.scanFrom >>> 5;
    let mask = -1 << (this.scanFrom & 31);
    for (let k = 0; k <= last + 1; k++) {
      // Pairs with the submitter's Atomics.store of FILL: its plain writes to the slot come before.
      const inflight = Atomics.load(fill, w) ^ Atomics.load(done, w);
      // A foreign slot that left flight is forgotten (it may come back as new work).
      const f = foreign[w] & inflight;
      foreign[w] = f;
      let pending = inflight & ~f & mask;
      if (w === last) pending &= this.lastWordMask;
      if (pending !== 0) {
        const s = (w << 5) + 31 - Math.clz32(pending & -pending);
        this.scanFrom = s + 1 === this.requests.length ? 0 : s + 1;
        return s;
      }
      mask = -1;
      w = w === last ? 0 : w + 1;
    }
    return -1;
  }

  /**
   * Forgets the foreign slots that read QUEUED again (the slot went round while
   * this worker did not look: handed back, then submitted anew). True if any did.
   */
  private revalidateForeign(): boolean {
    const foreign = this.foreign;
    let found = false;
    for (let w = 0; w < foreign.length; w++) {
      let bits = foreign[w];
      if (bits === 0) continue;
      bits &= Atomics.load(this.fillWords, w) ^ Atomics.load(this.doneWords, w);
      foreign[w] = bits;
      while (bits !== 0) {
        const bit = 31 - Math.clz32(bits & -bits);
        bits &= bits - 1;
        const header = (this.requests[(w << 5) + bit] as unknown as RequestObject)[HEADER];
        if ((Atomics.load(header, S_CLAIM) & CLAIM_STATE_MASK) === CLAIM_QUEUED) {
          foreign[w] &= ~(1 << bit);
          found = true;
        }
      }
    }
    return found;
  }

  private viewsOf(t: number): Request[] {
    const g = this.memory.geometry;
    return createRequests(this.memory.buffer, g, this.ops.layout, t * g.slotsPerThread, g.slotsPerThread);
  }

  /** Runs the handler of slot `s` of partition `t` (this worker's own, or a stolen one). */
  private runHandler(t: number, s: number): HandleResult {
    const requests = t === this.worker ? this.requests : (this.foreignRequests[t] as Request[]);
    const request = requests[s];
    this.current = (request as unknown as RequestObject)[HEADER];
    let result: void | Promise<void>;
    try {
      result = this.ops.handle(request, t === this.worker ? this.contexts[s] : this.spareContext, this.env);
    } catch (e) {
      // Whatever was thrown, `undefined` included, is a failure: `failed` says so, not the value.
      this.complete(t, s, true, e);
      return HANDLED;
    }
    if (result !== undefined && typeof (result as { then?: unknown }).then === 'function') {
      this.inflight = Promise.resolve(result).then(
        () => {
          this.settle(t, s, false, undefined);
        },
        (e: unknown) => {
          this.settle(t, s, true, e === undefined ? new Error('handler rejected with no reason') : e);
        },
      );
      return WENT_ASYNC;
    }
    this.complete(t, s, false, undefined);
    return HANDLED;
  }

  private settle(t: number, s: number, failed: boolean, error: unknown): void {
    this.inflight = undefined;
    this.complete(t, s, failed, error);
    this.publishCounters();
  }

  private stopCancelPoll(): void {
    if (this.cancelPoll !== undefined) {
      clearInterval(this.cancelPoll);
      this.cancelPoll = undefined;
    }
  }

  /**
   * Writes the slot's status (and error record), then flips its DONE bit in
   * partition `t` with Atomics.xor, which hands the slot back to the submitter:
   * everything written before is visible to it once it loads the flipped word.
   * Then sets the completion event, which costs one load unless the submitter
   * is parked on it. `failed`: the handler threw or rejected (with `error`,
   * which may be any value, `undefined` included).
   */
  private complete(t: number, s: number, failed: boolean, error: unknown): void {
    this.current = undefined;
    if (this.controller !== undefined) {
      this.controller = undefined;
      this.stopCancelPoll();
    }
    const requests = t === this.worker ? this.requests : (this.foreignRequests[t] as Request[]);
    const request = requests[s] as unknown as RequestObject;
    // The two outcome counters are published at once (a plain store to this
    // worker's own STATE line): a death before the next batch's publish must
    // not lose them from the partition's totals.
    const counters = this.block.state64;
    if (!failed) {
      request[HEADER][S_STATUS] = SLOT_OK;
      counters[W_HANDLED] = ++this.handled;
    } else {
      writeErrorRecord(this.memory.errorRecord(request.slot), toErrorInfo(error));
      request[HEADER][S_ERROR_LENGTH] = 1;
      request[HEADER][S_STATUS] = SLOT_HANDLER_FAILED;
      counters[W_FAILED] = ++this.failed;
    }
    const block = t === this.worker ? this.block : this.memory.blocks[t];
    Atomics.xor(block.done.words, s >>> 5, 1 << (s & 31));
    signalCompletion(block, this.memory.doorbell);
  }

  /** Plain stores of the counters into this worker's STATE line (only this worker writes them). */
  private publishCounters(): void {
    const c = this.block.state64;
    c[W_HANDLED] = this.handled;
    c[W_FAILED] = this.failed;
    c[W_PARKS] = this.parks;
    c[W_SPIN_HITS] = this.spinHits;
    c[W_STOLEN] = this.stolen;
  }
}

/** The env handed to setup and handle: the adapter's fields, the worker index, and the running request's cancel state. */
function makeEnv(runtime: WorkerRuntime, env: object, worker: number): WorkerEnv {
  const out = { ...env, worker } as Record<string, unknown>;
  Object.defineProperty(out, 'cancelled', { enumerable: true, get: () => runtime.isCancelRequested() });
  Object.defineProperty(out, 'signal', { enumerable: false, get: () => runtime.signalForCurrent() });
  return Object.freeze(out) as unknown as WorkerEnv;
}

function cancelReason(): Error {
  const e = new Error('the submitter cancelled this request while it ran');
  e.name = 'AbortError';
  (e as Error & { code: string }).code = 'ERR_TWQ_CANCELLED';
  return e;
}

/**
 * Wakes a parked submitter, but only once partition `block` has as many free
 * slots as it asked for (WANT): a submitter that waits for a free slot is then
 * woken once for a batch of completions, not once per completion (each futex
 * wake costs about as much as a small request). It may be parked on this
 * partition's completion event (waitAll / drain) or on the queue's doorbell (any
 * free slot, from any worker). When nobody waits both events stay SET and
 * this costs two loads of lines nobody writes. Pairs with the submitter's
 * store of WANT, then reset, then re-check: a worker that sees an event not
 * SET also sees that WANT. WANT never exceeds the slots, so the completion
 * that leaves the partition with nothing in flight always wakes the submitter:
 * no wake-up is lost. Called by whoever completed the slot (owner or thief).
 */
function signalCompletion(block: WorkerBlock, doorbell: SharedEvent): void {
  const completion = block.completion;
  const waitsHere = !completion.isSet();
  const waitsAny = !doorbell.isSet();
  if (!waitsHere && !waitsAny) return;
  if (block.fill.size - inflightCount(block) < Atomics.load(block.completionLine, COMPLETION_WANT)) return;
  if (waitsHere) completion.set();
  if (waitsAny) doorbell.set();
}
