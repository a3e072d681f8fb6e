import { destroyOptionsError } from './checks.js';
// The emitted .d.ts names Symbol.asyncDispose: this keeps the library that declares it
// in the .d.ts, for consumers whose lib has no esnext.disposable (e.g. es2022 + dom, no @types/node).
/// <reference lib="esnext.disposable" preserve="true" />
import { BlockingWaitForbiddenError, backoff, canBlock, type SharedEvent } from '@twq/event';
import { claimState, claimedBy, inflightCount, queuedClaim, requestCancel } from './claims.js';
import { CORRUPTED_NAME, corruptionMessage, isImpossibleClaim, isImpossibleWorkerStatus, showClaim } from './corruption.js';
import { Deadlines } from './deadlines.js';
import { readQueueFailure, recordHostFailure, type WorkerExitEvent } from './death-report.js';
import {
  ERR_TWQ_CANCELLED,
  ERR_TWQ_CORRUPTED,
  ERR_TWQ_DESTROYED,
  ERR_TWQ_FAILED,
  ERR_TWQ_HANDLER_FAILED,
  ERR_TWQ_NOT_STARTED,
  ERR_TWQ_STARTED,
  ERR_TWQ_TIMEOUT,
  ERR_TWQ_WORKER_DIED,
} from './error-codes.js';
import { readErrorRecord, remoteDetails } from './error-record.js';
import {
  DoneCallbackError,
  QueueCorruptedError,
  QueueDestroyedError,
  QueueFailedError,
  ReentrantCallError,
  RemoteError,
  RequestStateError,
  TwqError,
  WaitTimeoutError,
  describeValue,
} from './errors.js';
import type { WorkerHost, WorkerInit } from './host.js';
import { CrossOriginIsolationError } from './isolation-error.js';
import { DESTROYED, DESTROYING, FAILED, LIFECYCLE_NAMES, NEW, OPEN, STARTING, type Lifecycle, type LifecycleName } from './lifecycle.js';
import {
  C_DESTROYED,
  CLAIM_CANCELLED,
  CLAIM_QUEUED,
  CLAIM_RUNNING,
  COMPLETION_WANT,
  HF_STEAL,
  RUN_ASKED,
  RUN_GO,
  RUN_LEFT,
  RUN_SERVING,
  S_CLAIM,
  S_STATUS,
  SLOT_CANCELLED,
  SLOT_HANDLER_FAILED,
  SLOT_OK,
  SLOT_WORKER_DIED,
  U_LOST_TO_DEATH,
  U_RUN,
  U_WAKES_SENT,
  W_EXIT_CODE,
  W_FAILED,
  W_GENERATION,
  W_HANDLED,
  W_PARKS,
  W_SPIN_HITS,
  W_STATUS,
  W_STOLEN,
  WORKER_DEAD,
  WORKER_READY,
  WORKER_RECLAIMED,
  WORKER_RETIRED,
  writeHeader,
} from './memory-layout.js';
import { checkOps, type Ops, type Request } from './ops.js';
import { DEFAULT_STOP_TIMEOUT_MS, checkRequestTimeout, resolveOptions, type HelpMode, type HostOptions, type PlacementPolicy, type QueueOptions } from './options.js';
import { QueueMemory, WORKER_STATUS_NAMES, allocateQueueMemory, type WorkerBlock, type WorkerStatusName } from './queue-memory.js';
import { HEADER, createRequests, type RequestObject } from './requests.js';
import type { LayoutSpec } from './request-layout.js';
import { SlotBook } from './slot-book.js';
import { SubmitterHelper, isAsyncFunction } from './submitter-helper.js';

/** Longest a blocking wait parks before it re-checks for dead workers. */
export const WAIT_SLICE_MS = 50;

const WAIT_FREE = 0;
const WAIT_IDLE = 1;

/**
 * One partition's counters in `stats()`. The worker's counters (handled,
 * failed, parks, spinHits, stolen) are totals over every generation of the
 * partition's worker: a replacement carries on from its predecessor's (what
 * the dead worker ran in its last moments before it could publish a park or
 * spin count may be missing; handled and failed are published per request).
 */
export interface WorkerStats {
  readonly worker: number;
  readonly status: WorkerStatusName;
  /** Replacements so far (0 for the first worker of this partition). */
  readonly generation: number;
  /** Requests whose handler completed, by this partition's workers (all generations). */
  readonly handled: number;
  /** Requests whose handler threw or rejected, by this partition's workers (all generations). */
  readonly failed: number;
  readonly parks: number;
  readonly spinHits: number;
  /** Requests this worker took from other partitions' queues (stealing). */
  readonly stolen: number;
  readonly wakesSent: number;
  readonly lostToDeath: number;
}

/** What `stats()` returns: requests submitted, completed and outstanding, and each worker's counters. */
export interface QueueStats {
  readonly name: string;
  /** Partitions of the shared memory: maxThreads (each worker's counters are in `workers`). */
  readonly threads: number;
  /** Workers that start with the queue and always stay (elastic threads; = threads when fixed). */
  readonly minThreads: number;
  /** The most workers (= threads). */
  readonly maxThreads: number;
  /** Workers that take placements now: started (or starting) and not retired, minThreads to maxThreads. */
  readonly liveThreads: number;
  /** The most live workers so far. */
  readonly peakThreads: number;
  /** Workers started beyond minThreads so far (growth; replacements of dead workers are not counted). */
  readonly threadsStarted: number;
  /** Workers retired after idleTimeoutMs idle so far. */
  readonly threadsRetired: number;
  /** ms an idle worker waits before it retires while more than minThreads are live. */
  readonly idleTimeoutMs: number;
  readonly slotsPerThread: number;
  readonly policy: PlacementPolicy;
  /** Requests submitted so far. */
  readonly submitted: number;
  /** Requests passed to the done callback so far. */
  readonly completed: number;
  /** Submitted and not yet passed to the done callback. */
  readonly outstanding: number;
  /** Requests cancelled before any thread ran them (their done callback gets ERR_TWQ_CANCELLED, or ERR_TWQ_TIMEOUT when their deadline passed). */
  readonly cancelled: number;
  /** Requests reported with ERR_TWQ_TIMEOUT: not started by their deadline (counted in `cancelled` too), or run past it and its grace (their worker terminated). */
  readonly timedOut: number;
  /** Whether idle workers steal queued requests from the other partitions. */
  readonly steal: boolean;
  /** When the submitter runs queued requests itself ('auto', 'always', 'never'). */
  readonly help: HelpMode;
  /** Requests the submitter ran itself while it would have parked. */
  readonly helped: number;
  readonly workers: readonly WorkerStats[];
}

/** Options of one `submit()`. */
export interface SubmitOptions {
  /**
   * Cancels the request when it aborts (as `queue.cancel(request)` does): not
   * yet started, it is never handled and its done callback gets an error with
   * code 'ERR_TWQ_CANCELLED'; running, its handler sees `env.cancelled` /
   * `env.signal`. An already aborted signal cancels it at once.
   */
  signal?: AbortSignal;
  /**
   * This request's deadline, in ms from now (overrides the queue's
   * `requestTimeoutMs`). Not started by then: never run, and its done callback
   * gets a RemoteError named 'TimeoutError' with code 'ERR_TWQ_TIMEOUT'.
   * Running by then: its handler sees `env.cancelled` / `env.signal`.
   */
  timeoutMs?: number;
}

/** Options of a queue: QueueOptions, and the done callback that replaces the ops' `done`. */
export interface CreateQueueOptions<S extends LayoutSpec, O> extends QueueOptions<O> {
  /** Done callback on the submitter; overrides the ops module's `done`. */
  onDone?: (request: Request<S>, error: RemoteError | undefined) => void;
}

/** The options of a queue on threads (@twq/node's and @twq/browser's createQueue): the queue's own and the host's. */
export interface HostedQueueOptions<S extends LayoutSpec, O> extends CreateQueueOptions<S, O>, HostOptions<WorkerExitEvent> {}

/**
 * The submitter side of a queue. There is exactly one submitter: the thread
 * that created the queue; the object cannot be used from another thread (it
 * holds the submitter's private bookkeeping), and nothing in the API attaches
 * a second submitter to the same memory.
 *
 * Its parts: the lifecycle (lifecycle.ts), the slot bookkeeping (SlotBook:
 * which slot is free, claimed, pending), waiting (spin, then park on an event
 * in bounded slices), the reporting of results to the done callback, and stats.
 */
export class Workqueue<S extends LayoutSpec = LayoutSpec, O = unknown> {
  readonly name: string;
  /** Partitions of the shared memory: maxThreads. */
  readonly threads: number;
  /** Elastic threads: the workers that start with the queue and always stay. */
  readonly minThreads: number;
  /** Elastic threads: the most workers (= threads). */
  readonly maxThreads: number;
  /** Elastic threads: ms an idle worker waits before it retires. */
  readonly idleTimeoutMs: number;
  readonly slotsPerThread: number;
  readonly policy: PlacementPolicy;
  readonly spinBudget: number;
  /** Whether minThreads < maxThreads (workers start and retire). */
  private readonly elastic: boolean;
  /**
   * The partitions that take placements (the submitter's private list: it alone
   * starts and retires workers), the first `liveCount` entries; `cursor`
   * indexes it. `isLive` by partition.
   */
  private readonly live: Int32Array;
  private liveCount: number;
  private readonly isLive: Uint8Array;
  /** The partition whose worker was started last while it is not yet READY (one start at a time), else -1. */
  private starting = -1;
  private peakThreads: number;
  private threadsStarted = 0;
  private threadsRetired = 0;
  /** The shared memory: the host seam's (see memoryOf), not the user's. */
  protected readonly memory: QueueMemory;
  protected readonly host: WorkerHost;
  private readonly opsOptions: O | undefined;
  private readonly done: ((request: Request<S>, error: RemoteError | undefined) => void) | undefined;
  private readonly requests: Request<S>[];
  private readonly blocks: readonly WorkerBlock[];
  private readonly book: SlotBook;
  private readonly deathErrors: (RemoteError | undefined)[];
  /** Per slot: the abort signal given to submit() and its listener, removed when the slot is reaped. */
  private readonly aborts: (AbortLink | undefined)[];
  /** Whether idle workers steal (fixed at creation; written into the header for them). */
  readonly steal: boolean;
  private cancelledCount = 0;
  private timedOutCount = 0;
  /** The queue's default request deadline (requestTimeoutMs; Infinity: none). */
  readonly requestTimeoutMs: number;
  /** How long a request may run past its deadline before its worker is terminated (timeoutGraceMs). */
  readonly timeoutGraceMs: number;
  /** Per-request deadlines; `timed` once any was set (reap looks at them only then). */
  private readonly deadlines: Deadlines;
  private timed: boolean;
  /** When the submitter runs queued requests itself ('auto', 'always', 'never'). */
  readonly help: HelpMode;
  /** The submitter's helping side; undefined with help: 'never'. */
  private readonly helper: SubmitterHelper | undefined;
  /** Whether blocking waits (and async waits) run queued requests before they park. */
  private readonly helpBlocking: boolean;
  private readonly helpAsync: boolean;
  /**
   * Whether the last blocking wait ended by running a request: the next one
   * tries to help before it spins. Spinning first would cost a whole spin
   * budget per request helped, which is what a submitter whose worker is
   * descheduled (a loaded machine) pays over and over.
   */
  private helping = false;
  /** Hands a slot the submitter took (cancel, help) back: flips its FILL bit back. Made once. */
  private readonly handBack: (t: number, w: number, mask: number) => void;
  private readonly batching: boolean;
  /** Free slots a submitter waiting for one asks to be woken for (half the slots). */
  private readonly wakeBatch: number;
  private cursor = 0;
  private lifecycle: Lifecycle = NEW;
  private submitted = 0;
  private completed = 0;
  private destroyPromise: Promise<void> | undefined;
  /** Set while a graceful destroy drains: aborting it ends the drain (destroy({ force: true }) meanwhile). */
  private destroyHurry: AbortController | undefined;
  /** Whether destroy() was forced (at the call, or later while it ran). */
  private destroyForced = false;
  /** The timeout a graceful destroy ran out of, if it did. */
  private destroyTimedOutMs: number | undefined;
  /** Set once destroy() has asked the host to stop. */
  private stopping = false;
  /** Set once the queue has failed: every later call throws it. */
  private failure: QueueFailedError | undefined;

  constructor(ops: Ops<S, unknown, O>, options: CreateQueueOptions<S, O> | undefined, host: WorkerHost, parallelism: number) {
    checkOps(ops);
    const o = resolveOptions(options, parallelism);
    const onDone = options?.onDone;
    if (onDone !== undefined && typeof onDone !== 'function') {
      throw new TypeError(`onDone must be a function or undefined, got ${describeValue(onDone)}`);
    }
    const h = host as Partial<WorkerHost> | null;
    if (typeof host !== 'object' || h === null || typeof h.start !== 'function' || typeof h.stop !== 'function') {
      throw new TypeError(`host must be a WorkerHost, an object with start() and stop() methods, got ${describeValue(host)}`);
    }
    const elastic = o.minThreads < o.maxThreads;
    if (elastic && typeof h.startWorker !== 'function') {
      throw new TypeError(`minThreads (${o.minThreads}) < maxThreads (${o.maxThreads}) needs a host that starts workers later (a WorkerHost with startWorker()), got ${describeValue(host)}`);
    }
    if (typeof SharedArrayBuffer !== 'function') throw new CrossOriginIsolationError('SharedArrayBuffer is not defined here');
    this.memory = allocateQueueMemory(o.threads, o.slotsPerThread, ops.layout.byteLength);
    const { buffer, geometry: g } = this.memory;
    writeHeader(this.memory.i32, g, o.steal && o.threads > 1 ? HF_STEAL : 0, o.minThreads, elastic ? o.idleTimeoutMs : 0);
    for (const block of this.memory.blocks) {
      block.wake.initUnsynchronized(false);
      block.completion.initUnsynchronized(false);
    }
    // Partitions beyond minThreads wait for growth: no worker, none has left a start to wait for.
    for (let t = o.minThreads; t < o.maxThreads; t++) {
      this.memory.blocks[t].state32[W_STATUS] = WORKER_RETIRED;
      this.memory.blocks[t].submitter32[U_RUN] = RUN_LEFT;
    }
    this.minThreads = o.minThreads;
    this.maxThreads = o.maxThreads;
    this.idleTimeoutMs = o.idleTimeoutMs;
    this.elastic = elastic;
    this.live = new Int32Array(o.maxThreads);
    this.isLive = new Uint8Array(o.maxThreads);
    for (let t = 0; t < o.minThreads; t++) {
      this.live[t] = t;
      this.isLive[t] = 1;
    }
    this.liveCount = o.minThreads;
    this.peakThreads = o.minThreads;
    this.memory.doorbell.initUnsynchronized(false);
    this.name = o.name;
    this.threads = o.threads;
    this.slotsPerThread = o.slotsPerThread;
    this.policy = o.policy;
    this.batching = o.policy === 'batch';
    this.wakeBatch = Math.max(1, o.slotsPerThread >> 1);
    this.spinBudget = o.spinBudget;
    this.opsOptions = o.opsOptions;
    this.host = host;
    this.done = onDone ?? ops.done;
    this.requests = createRequests(buffer, g, ops.layout, 0, o.threads * o.slotsPerThread) as Request<S>[];
    this.blocks = this.memory.blocks;
    this.book = new SlotBook(this.blocks, o.slotsPerThread);
    this.deathErrors = new Array<RemoteError | undefined>(this.requests.length).fill(undefined);
    this.aborts = new Array<AbortLink | undefined>(this.requests.length).fill(undefined);
    this.steal = o.steal && o.threads > 1;
    this.help = o.help;
    this.requestTimeoutMs = o.requestTimeoutMs;
    this.timed = o.requestTimeoutMs !== Infinity;
    this.timeoutGraceMs = o.timeoutGraceMs;
    this.deadlines = new Deadlines(
      this.requests.length,
      (slot) => {
        this.deadlinePassed(slot);
      },
      (slot) => {
        this.gracePassed(slot);
      },
    );
    this.helpBlocking = o.help === 'always' || (o.help === 'auto' && !isAsyncFunction(ops.handle));
    this.helpAsync = o.help === 'always';
    this.helper =
      o.help === 'never'
        ? undefined
        : new SubmitterHelper(ops, this.memory, this.requests, {
            threads: o.threads,
            slotsPerThread: o.slotsPerThread,
            name: o.name,
            options: o.opsOptions,
          });
    const book = this.book;
    this.handBack = (t, w, mask) => {
      book.handBack(t, w, mask);
    };
  }

  /** What the host passes to each worker. */
  workerInit(): WorkerInit {
    return {
      buffer: this.memory.buffer,
      name: this.name,
      threads: this.threads,
      slotsPerThread: this.slotsPerThread,
      spinBudget: this.spinBudget,
      opsOptions: this.opsOptions,
    };
  }

  /** Starts the workers through the host; on failure the queue is left destroyed. */
  async start(): Promise<this> {
    if (this.lifecycle !== NEW) throw new TwqError(ERR_TWQ_STARTED, `queue "${this.name}": start() was already called`);
    this.lifecycle = STARTING;
    try {
      // A host whose event loop hears of a death (Node's supervisor messages, a
      // page's worker events) reports it here, so that the dead worker's slots
      // are reclaimed at once, not at the submitter's next wait.
      await this.host.start(this.workerInit(), {
        workerDied: () => {
          this.onWorkerDied();
        },
        workerIdle: () => {
          this.onWorkerIdle();
        },
      });
    } catch (e) {
      this.lifecycle = DESTROYED;
      Atomics.store(this.memory.i32, C_DESTROYED, 1);
      throw e;
    }
    try {
      // The submitter's own context for the requests it runs while helping.
      this.helper?.setup();
    } catch (e) {
      Atomics.store(this.memory.i32, C_DESTROYED, 1);
      for (const block of this.blocks) block.wake.set();
      await this.host.stop(true);
      this.lifecycle = DESTROYED;
      throw e;
    }
    // A destroy() during start() has moved the lifecycle on: it stays there.
    if ((this.lifecycle as Lifecycle) === STARTING) this.lifecycle = OPEN;
    return this;
  }

  /** A host's report of a death: reclaim now (a failure is kept for the next call to throw). */
  private onWorkerDied(): void {
    if (this.lifecycle !== OPEN) return;
    try {
      this.checkHealth();
    } catch {
      // checkHealth recorded the failure: every later call throws it.
    }
  }

  /** A host's report of an idle worker asking to retire: answered now (never from inside a done callback: see serveRetireAsks). */
  private onWorkerIdle(): void {
    if (this.lifecycle === OPEN) this.serveRetireAsks();
  }

  /**
   * A free request, or null when every slot is in use (the seed's
   * get_request). If the slot still holds an earlier result, its done callback
   * runs first. Fill the request's fields, then `submit` it.
   */
  getRequest(): Request<S> | null {
    if (this.lifecycle !== OPEN) this.throwClosed('getRequest()');
    // The live partitions (all of them, in order, for a fixed thread count).
    const live = this.live;
    const n = this.liveCount;
    let i = this.cursor;
    for (let k = 0; k < n; k++) {
      const t = live[i];
      const s = this.book.findFree(t);
      if (s >= 0) {
        this.cursor = this.batching ? i : i + 1 === n ? 0 : i + 1;
        return this.claim(t, s);
      }
      i = i + 1 === n ? 0 : i + 1;
    }
    // Slow path only: nothing free. Elastic: a backlog, so one more worker
    // (its partition's slots are free at once); a dead worker's slots are reclaimed here.
    if (this.elastic && this.grow()) return this.getRequest();
    this.checkHealth();
    return null;
  }

  /**
   * Elastic threads, growth (slow path: no live partition has a free slot):
   * makes the lowest partition that is not live take placements, unless all
   * are live or the worker started last is not READY yet (one start at a
   * time). Its worker, if it has not left yet (RUN GO), is kept by one CAS;
   * else (LEFT, and its thread gone: RETIRED) the host starts a new one,
   * which serves what is placed there meanwhile (thieves may take it first).
   * A partition whose thread is still leaving is passed over. True if one
   * more partition is live.
   */
  private grow(): boolean {
    if (this.liveCount === this.maxThreads) return false;
    if (this.starting >= 0) {
      if (this.blocks[this.starting].status() !== WORKER_READY) return false;
      this.starting = -1;
    }
    for (let t = 0; t < this.maxThreads; t++) {
      if (this.isLive[t] === 1) continue;
      const block = this.blocks[t];
      const words = block.submitter32;
      let run = Atomics.load(words, U_RUN);
      if (run === RUN_GO) {
        run = Atomics.compareExchange(words, U_RUN, RUN_GO, RUN_SERVING);
        // Won: the worker had not left; it serves what is placed now.
        if (run === RUN_GO) return this.addLive(t);
      }
      if (run === RUN_LEFT) {
        // Its last thread still tears down: another partition, or later.
        if (block.status() !== WORKER_RETIRED) continue;
        Atomics.store(words, U_RUN, RUN_SERVING);
        this.starting = t;
        this.threadsStarted++;
        (this.host.startWorker as (worker: number) => void)(t);
        return this.addLive(t);
      }
      // SERVING or ASKED out of placement: a replacement of a worker that died retiring serves it.
      Atomics.compareExchange(words, U_RUN, RUN_ASKED, RUN_SERVING);
      return this.addLive(t);
    }
    return false;
  }

  private addLive(t: number): boolean {
    this.live[this.liveCount++] = t;
    this.isLive[t] = 1;
    if (this.liveCount > this.peakThreads) this.peakThreads = this.liveCount;
    return true;
  }

  /**
   * Elastic threads: answers every worker that asks to retire (RUN ASKED).
   * Slow path: the host's report, and the submitter's waits. Not from inside a
   * done callback: a getRequest() under way there may be about to claim a slot
   * of the partition it would retire.
   */
  private serveRetireAsks(): void {
    if (!this.elastic || this.book.reportingDepth !== 0) return;
    for (let t = 0; t < this.maxThreads; t++) if (this.blocks[t].run() === RUN_ASKED) this.answerAsk(t);
  }

  /**
   * Retires worker `t` (RUN ASKED -> GO, then wakes it to leave) when more
   * than minThreads are live and it is idle: out of placement first, then
   * nothing of its in flight, no slot of it handed out by getRequest (which
   * could be submitted later) and its wake event not set (nothing woke it
   * since it last went to park). Else denies (ASKED -> SERVING). See memory-layout.ts.
   */
  private answerAsk(t: number): void {
    const block = this.blocks[t];
    if (this.isLive[t] === 1) {
      const keep =
        this.lifecycle !== OPEN || this.liveCount <= this.minThreads || this.book.isBusy(t) || this.book.hasClaimed(t) || block.wake.isSet();
      if (keep) {
        Atomics.compareExchange(block.submitter32, U_RUN, RUN_ASKED, RUN_SERVING);
        return;
      }
      this.removeLive(t);
      this.threadsRetired++;
      // It said READY (it parked since): growth need not wait for it any more.
      if (this.starting === t) this.starting = -1;
    }
    if (Atomics.compareExchange(block.submitter32, U_RUN, RUN_ASKED, RUN_GO) === RUN_ASKED) block.wake.set();
  }

  private removeLive(t: number): void {
    let i = 0;
    while (this.live[i] !== t) i++;
    this.live.copyWithin(i, i + 1, this.liveCount);
    this.liveCount--;
    this.isLive[t] = 0;
    this.cursor = 0;
  }

  /** Waits (blocking the thread, in bounded slices) until a request is free. */
  getRequestBlocking(timeoutMs = Infinity): Request<S> {
    if (this.lifecycle !== OPEN) this.throwClosed('getRequestBlocking()');
    if (!canBlock()) throw new BlockingWaitForbiddenError('getRequestBlocking()', 'getRequestAsync()');
    const deadline = deadlineOf(timeoutMs, 'getRequestBlocking()');
    for (;;) {
      const r = this.getRequest();
      if (r !== null) return r;
      // From a done callback, a wait could be for the slots that only the callback's return frees: refused, never a deadlock.
      if (this.book.reportingDepth !== 0) {
        throw new ReentrantCallError(this.name, 'getRequestBlocking()', 'while no slot is free: a blocking wait there may wait for a slot that only the callback\'s return frees; use getRequest() (null when none is free) or getRequestAsync()');
      }
      this.waitSync(WAIT_FREE, -1, deadline, timeoutMs, 'getRequestBlocking()');
    }
  }

  /** Resolves with a free request; never blocks the thread. Rejects when `signal` aborts. */
  async getRequestAsync(options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<Request<S>> {
    if (this.lifecycle !== OPEN) this.throwClosed('getRequestAsync()');
    checkWaitOptions(options, 'getRequestAsync()');
    const { signal, timeoutMs = Infinity } = options;
    const deadline = deadlineOf(timeoutMs, 'getRequestAsync()');
    signal?.throwIfAborted();
    const first = this.getRequest();
    if (first !== null) return first;
    this.host.hold?.();
    try {
      for (;;) {
        await this.waitAsync(WAIT_FREE, -1, deadline, timeoutMs, 'getRequestAsync()', signal);
        const r = this.getRequest();
        if (r !== null) return r;
      }
    } finally {
      this.host.release?.();
    }
  }

  /**
   * Hands a filled request to its worker: a plain store of the slot's CLAIM
   * word (QUEUED, next sequence number), one Atomics.store of the FILL word
   * (which publishes both), then a wake-up that costs a notify only if the
   * worker is parked. `options.signal` cancels it when it aborts.
   */
  submit(request: Request<S>, options?: SubmitOptions): void {
    if (this.lifecycle !== OPEN) this.throwClosed('submit()');
    const slot = (request as Partial<Request> | null)?.slot;
    if (slot === undefined || this.requests[slot] !== request) {
      throw new RequestStateError(
        `submit() needs a request obtained from queue "${this.name}" by getRequest(), got ${describeRequest(request)}`,
      );
    }
    const t = request.worker;
    const s = slot - t * this.slotsPerThread;
    if (!this.book.isClaimed(t, s)) {
      throw new RequestStateError(
        `request in slot ${slot} of queue "${this.name}" is not held by the submitter (already submitted, or not obtained from getRequest())`,
      );
    }
    const timeoutMs = options === undefined ? this.requestTimeoutMs : this.linkOptions(request, options);
    const header = (request as unknown as RequestObject)[HEADER];
    // Plain store: the slot is the submitter's until the book's FILL store publishes it.
    header[S_CLAIM] = queuedClaim(header[S_CLAIM]);
    this.book.submit(t, s);
    const block = this.blocks[t];
    this.submitted++;
    if (block.wake.set()) block.submitter64[U_WAKES_SENT]++;
    if (timeoutMs !== Infinity) {
      this.timed = true;
      this.deadlines.set(slot, timeoutMs);
    }
    const link = this.aborts[slot];
    if (link !== undefined && link.signal.aborted) this.cancel(request);
  }

  /**
   * Cancels a submitted request. Not yet started (its CLAIM word still
   * QUEUED): one compare-and-swap takes it, the submitter hands the slot back by
   * flipping its FILL bit back, no thread ever runs it, and its done callback
   * gets a RemoteError named 'AbortError' with code 'ERR_TWQ_CANCELLED' (at the
   * usual time: when the slot is reused, or in waitAll / drain). Returns true.
   * Already running: raises the cooperative flag its handler reads
   * (`env.cancelled`, `env.signal`) and returns false; the request completes as
   * its handler decides. Finished, or not submitted: returns false. Exactly once either way.
   */
  cancel(request: Request<S>): boolean {
    if (this.lifecycle !== OPEN) this.throwClosed('cancel()');
    const slot = (request as Partial<Request> | null)?.slot;
    if (slot === undefined || this.requests[slot] !== request) {
      throw new RequestStateError(
        `cancel() needs a request obtained from queue "${this.name}" by getRequest(), got ${describeRequest(request)}`,
      );
    }
    const t = request.worker;
    const s = slot - t * this.slotsPerThread;
    if (!this.book.isPending(t, s) || !this.book.isInFlight(t, s)) return false;
    const header = (request as unknown as RequestObject)[HEADER];
    for (;;) {
      const c = Atomics.load(header, S_CLAIM);
      const state = claimState(c);
      if (state === CLAIM_QUEUED) {
        if (Atomics.compareExchange(header, S_CLAIM, c, (c & ~CLAIM_STATE_MASK_ALL) | CLAIM_CANCELLED) !== c) continue;
        // Won: no thread will touch the slot. Hand it back (FILL == DONE again).
        header[S_STATUS] = SLOT_CANCELLED;
        this.book.handBack(t, s >>> 5, 1 << (s & 31));
        this.cancelledCount++;
        return true;
      }
      if (state === CLAIM_RUNNING) requestCancel(header);
      else if (isImpossibleClaim(c, this.threads)) this.failCorrupted(`slot ${slot} is in flight with the claim word ${showClaim(c)}, which no party writes there`);
      return false;
    }
  }

  /**
   * Blocks until every submitted request is handled, then runs the done
   * callbacks of all of them. Parks in slices of WAIT_SLICE_MS so that a dead
   * worker is noticed even though this thread's event loop is frozen. Throws
   * BlockingWaitForbiddenError on a browser's main thread: use `drain()` there.
   */
  waitAll(timeoutMs = Infinity): void {
    if (this.lifecycle !== OPEN) this.throwClosed('waitAll()');
    if (!canBlock()) throw new BlockingWaitForbiddenError('waitAll()', 'drain()');
    const deadline = deadlineOf(timeoutMs, 'waitAll()');
    for (let t = 0; t < this.threads; t++) {
      while (this.book.isBusy(t)) this.waitSync(WAIT_IDLE, t, deadline, timeoutMs, 'waitAll()');
    }
    this.reapAll('waitAll()');
  }

  /** Resolves when every submitted request is handled and its done callback has run. Never blocks. */
  async drain(options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<void> {
    // Open, or destroying (destroy() drains through here: an inline queue runs its handlers in drain()).
    if ((this.lifecycle !== OPEN && this.lifecycle !== DESTROYING) || this.failure !== undefined) this.throwClosed('drain()');
    checkWaitOptions(options, 'drain()');
    await this.drainInternal(options.signal, options.timeoutMs ?? Infinity);
  }

  /**
   * Drains (unless `force`), stops every worker (which tears its slots down)
   * and releases the queue. Bounded: a graceful destroy waits at most
   * `timeoutMs` (default: the host's `stopTimeoutMs`, 5000 ms) for the
   * requests in flight and the workers' teardown, then terminates the workers;
   * a handler that never returns cannot keep it (or the process) alive.
   * Requests still outstanding then are reported failed to the done callback,
   * once each: ERR_TWQ_DESTROYED ("not finished within N ms", or "destroyed
   * with force"); those stranded on a worker that died without replacement,
   * ERR_TWQ_FAILED. Idempotent: every call returns the same promise, and a
   * `force` call during a graceful destroy hurries it (the workers are
   * terminated at once; the promise settles once they are gone).
   */
  destroy(options: { force?: boolean; timeoutMs?: number } = {}): Promise<void> {
    // Refused before anything happens: the queue stays open.
    const refused = destroyOptionsError(options);
    if (refused !== undefined) return Promise.reject(refused);
    const force = options.force === true;
    if (this.destroyPromise === undefined) {
      this.destroyPromise = this.destroyOnce(force, options.timeoutMs ?? this.stopTimeoutMs);
    } else if (force) {
      this.hurryDestroy();
    }
    return this.destroyPromise;
  }

  /** How long a graceful destroy() waits by default: the host's `stopTimeoutMs` (DEFAULT_STOP_TIMEOUT_MS for the inline queue). */
  get stopTimeoutMs(): number {
    return this.host.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
  }

  /** `await using queue = ...`: destroys the queue (gracefully, within stopTimeoutMs) when the scope ends. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.destroy();
  }

  /** True once destroy() has been called, or start() failed (which leaves the queue destroyed). */
  get destroyed(): boolean {
    return this.lifecycle >= DESTROYING;
  }

  /** Where the queue is in its life: 'new', 'starting', 'open', 'failed', 'destroying' or 'destroyed'. */
  get state(): LifecycleName {
    return LIFECYCLE_NAMES[this.lifecycle];
  }

  /**
   * A snapshot of the counters. A worker's handled and failed counts are
   * published as each request completes, its parks, spin hits and steals per
   * batch (they may lag slightly); each is a total over every generation of
   * the partition's worker (see WorkerStats).
   */
  stats(): QueueStats {
    const workers: WorkerStats[] = this.blocks.map((b, worker) => ({
      worker,
      status: WORKER_STATUS_NAMES[b.status()],
      generation: Atomics.load(b.state32, W_GENERATION),
      handled: b.state64[W_HANDLED],
      failed: b.state64[W_FAILED],
      parks: b.state64[W_PARKS],
      spinHits: b.state64[W_SPIN_HITS],
      stolen: b.state64[W_STOLEN],
      wakesSent: b.submitter64[U_WAKES_SENT],
      lostToDeath: b.submitter64[U_LOST_TO_DEATH],
    }));
    return {
      name: this.name,
      threads: this.threads,
      minThreads: this.minThreads,
      maxThreads: this.maxThreads,
      liveThreads: this.liveCount,
      peakThreads: this.peakThreads,
      threadsStarted: this.threadsStarted,
      threadsRetired: this.threadsRetired,
      idleTimeoutMs: this.idleTimeoutMs,
      slotsPerThread: this.slotsPerThread,
      policy: this.policy,
      submitted: this.submitted,
      completed: this.completed,
      outstanding: this.submitted - this.completed,
      cancelled: this.cancelledCount,
      timedOut: this.timedOutCount,
      steal: this.steal,
      help: this.help,
      helped: this.helper?.helped ?? 0,
      workers,
    };
  }

  /**
   * Runs the done callback of every request already handled; never waits.
   * Returns how many ran. With `settle()`, the task layer's completion pump.
   */
  collect(): number {
    if (this.lifecycle !== OPEN) this.throwClosed('collect()');
    const before = this.completed;
    this.reapAll('collect()');
    return this.completed - before;
  }

  /**
   * Like `collect()`, but when nothing is handled yet and some requests are in
   * flight, waits (never blocking the thread) until some are, then runs those.
   * `wakeBatch`: completions a worker makes before it wakes this wait (default
   * 1; larger trades latency for fewer wake-ups when the queue is saturated).
   * Unlike drain(), it returns while other requests still run. Resolves with
   * how many done callbacks ran (0 when nothing was in flight).
   */
  async settle(options: { signal?: AbortSignal; timeoutMs?: number; wakeBatch?: number } = {}): Promise<number> {
    if (this.lifecycle !== OPEN) this.throwClosed('settle()');
    checkWaitOptions(options, 'settle()');
    const { signal, timeoutMs = Infinity, wakeBatch = 1 } = options;
    if (!Number.isInteger(wakeBatch) || wakeBatch < 1) {
      throw new RangeError(`settle(): options.wakeBatch must be an integer >= 1, got ${describeValue(wakeBatch)}`);
    }
    const deadline = deadlineOf(timeoutMs, 'settle()');
    const before = this.completed;
    this.reapAll('settle()');
    if (this.completed !== before || this.submitted === this.completed) return this.completed - before;
    signal?.throwIfAborted();
    for (let i = 0; i < this.spinBudget; i++) {
      backoff(i);
      this.reapAll('settle()');
      if (this.completed !== before) return this.completed - before;
    }
    this.host.hold?.();
    try {
      while (this.completed === before && this.submitted !== this.completed) {
        // Ask every worker to ring the doorbell after `wakeBatch` more
        // completions (an idle one: once idle again, so that a request
        // submitted meanwhile rings too).
        for (let t = 0; t < this.threads; t++) {
          const want = Math.min(this.slotsPerThread, this.slotsPerThread - this.busySlots(t) + wakeBatch);
          Atomics.store((this.blocks[t]).completionLine, COMPLETION_WANT, want);
        }
        this.memory.doorbell.reset();
        this.reapAll('settle()');
        if (this.completed !== before) break;
        this.checkHealth();
        this.reapAll('settle()');
        if (this.completed !== before) break;
        const remaining = deadline - performance.now();
        if (remaining <= 0) throw new WaitTimeoutError('settle()', timeoutMs);
        await this.memory.doorbell.waitAsync(Math.min(WAIT_SLICE_MS, remaining), signal);
        if ((this.lifecycle as Lifecycle) === DESTROYED) this.throwClosed('settle()');
        this.reapAll('settle()');
      }
    } finally {
      this.host.release?.();
    }
    return this.completed - before;
  }

  /** Slots worker `t` owns now (submitted, not handled). */
  private busySlots(t: number): number {
    let busy = 0;
    for (let s = this.book.nextInFlight(t, 0); s >= 0; s = s + 1 < this.slotsPerThread ? this.book.nextInFlight(t, s + 1) : -1) busy++;
    return busy;
  }

  // ---- internals -----------------------------------------------------------

  private claim(t: number, s: number): Request<S> {
    const slot = t * this.slotsPerThread + s;
    // The earlier result is taken (no longer pending) before its done callback
    // runs, and the slot claimed only after it returned: a callback that throws
    // leaves the slot reported and free (its error goes to the caller), never
    // claimed by nobody; one that re-enters never gets this slot (see reap).
    if (this.book.takeResult(t, s)) this.reap(slot);
    this.book.claim(t, s);
    return this.requests[slot];
  }

  /**
   * A request's deadline passed. Not started: cancelled by its claim (then
   * reported as a timeout). Running on a worker: the cooperative flag, and a
   * grace after which that worker is terminated.
   */
  private deadlinePassed(slot: number): void {
    if (this.lifecycle !== OPEN || this.cancel(this.requests[slot])) return;
    const header = (this.requests[slot] as unknown as RequestObject)[HEADER];
    const c = Atomics.load(header, S_CLAIM);
    const running = claimState(c) === CLAIM_RUNNING && claimedBy(c) < this.threads;
    if (running && this.timeoutGraceMs !== Infinity && this.host.terminateWorker !== undefined) this.deadlines.grace(slot, this.timeoutGraceMs);
  }

  /** A request ran past its deadline and grace: ends the worker running it (its death reports the request as a timeout). */
  private gracePassed(slot: number): void {
    if (this.lifecycle !== OPEN) return;
    const request = this.requests[slot];
    const t = request.worker;
    if (!this.book.isInFlight(t, slot - t * this.slotsPerThread)) return;
    const c = Atomics.load((request as unknown as RequestObject)[HEADER], S_CLAIM);
    if (claimState(c) !== CLAIM_RUNNING || claimedBy(c) >= this.threads) return;
    this.host.terminateWorker?.(claimedBy(c), {
      name: 'TimeoutError',
      message: `terminated: the request in slot ${slot} ran past its deadline (${this.deadlines.msOf(slot)} ms) and ${this.timeoutGraceMs} ms of grace`,
    });
  }

  /**
   * submit()'s options (slow path: only when given), checked before anything
   * changes: ties `signal` to the request's slot until it is reaped; returns
   * the request's timeout.
   */
  private linkOptions(request: Request<S>, options: SubmitOptions): number {
    if (typeof options !== 'object' || (options as unknown) === null) {
      throw new TypeError(`submit(): options must be an object or undefined, got ${describeValue(options)}`);
    }
    const timeoutMs = options.timeoutMs === undefined ? this.requestTimeoutMs : checkRequestTimeout(options.timeoutMs, 'submit(): options.timeoutMs');
    const signal = options.signal;
    if (signal === undefined) return timeoutMs;
    if (!(signal instanceof AbortSignal)) {
      throw new TypeError(`submit(): options.signal must be an AbortSignal or undefined, got ${describeValue(signal)}`);
    }
    const listener = (): void => {
      if (this.lifecycle === OPEN) this.cancel(request);
    };
    this.aborts[request.slot] = { signal, listener };
    if (!signal.aborted) signal.addEventListener('abort', listener, { once: true });
    return timeoutMs;
  }

  /**
   * Runs the done callback of a slot that is back in the submitter's hands,
   * its result already taken (no longer pending: exactly once, whatever the
   * callback does). While the callback runs the slot is `reporting`, so no
   * call it makes hands the slot out again: the request stays the callback's.
   * A throw propagates to the caller, with the bookkeeping done.
   */
  private reap(slot: number): void {
    this.completed++;
    const request = this.requests[slot];
    const link = this.aborts[slot];
    if (link !== undefined) {
      this.aborts[slot] = undefined;
      link.signal.removeEventListener('abort', link.listener);
    }
    const header = (request as unknown as RequestObject)[HEADER];
    const status = header[S_STATUS];
    // Before the callback: the slot may be reused from inside it.
    const timedOutMs = this.timed ? this.deadlines.clear(slot) : -1;
    // A success is a slot some party claimed (RUNNING) and marked OK; anything else is reported as what it is.
    const error = status === SLOT_OK && claimState(header[S_CLAIM]) === CLAIM_RUNNING ? undefined : this.reportedError(request, status, timedOutMs);
    const done = this.done;
    if (done === undefined) return;
    this.book.beginReport(slot);
    try {
      done(request, error);
    } finally {
      this.book.endReport();
    }
  }

  /** The error reported for a slot that is not a success (see reap). */
  private reportedError(request: Request<S>, status: number, timedOutMs: number): RemoteError {
    const slot = request.slot;
    const worker = request.worker;
    if (status === SLOT_HANDLER_FAILED) {
      const info = readErrorRecord(this.memory.errorRecord(slot));
      return new RemoteError(ERR_TWQ_HANDLER_FAILED, info.name, info.message, worker, info.stack, remoteDetails(info));
    }
    if (status === SLOT_WORKER_DIED) {
      const error = this.deathErrors[slot] as RemoteError;
      this.deathErrors[slot] = undefined;
      return error;
    }
    if (status === SLOT_CANCELLED && timedOutMs >= 0) {
      this.timedOutCount++;
      return new RemoteError(ERR_TWQ_TIMEOUT, 'TimeoutError', `the request in slot ${slot} of queue "${this.name}" did not start within its deadline (${timedOutMs} ms)`, worker);
    }
    if (status === SLOT_CANCELLED) {
      return new RemoteError(ERR_TWQ_CANCELLED, 'AbortError', `the request in slot ${slot} of queue "${this.name}" was cancelled before it started`, worker);
    }
    // Not a result any party writes (an unknown status, or a success nobody claimed): never reported as a success.
    return this.corrupted(request, `status ${status}, claim ${showClaim((request as unknown as RequestObject)[HEADER][S_CLAIM])}`);
  }

  /**
   * Runs the done callback of every submitted request that is back, each
   * taken before its callback runs and looked for afresh after it (a callback
   * may have re-entered and reported or submitted others). A callback that
   * throws does not stop the others: what they threw is returned, in order
   * (undefined when none threw; no allocation then).
   */
  private reportReady(): unknown[] | undefined {
    let errors: unknown[] | undefined;
    for (let slot = this.book.takeReady(0); slot >= 0; slot = this.book.takeReady(slot + 1)) {
      try {
        this.reap(slot);
      } catch (e) {
        (errors ??= []).push(e);
      }
    }
    return errors;
  }

  /** reportReady(), then a DoneCallbackError naming `call` if any callback threw. */
  private reapAll(call: string): void {
    const errors = this.reportReady();
    if (errors !== undefined) throw new DoneCallbackError(this.name, call, errors);
  }

  /**
   * Fails the queue over a slot that came back with a result no party writes
   * (see corruption.ts): returns the error its done callback gets. Slow path.
   */
  private corrupted(request: Request<S>, found: string): RemoteError {
    const what = `the request in slot ${request.slot} came back with ${found}, which no party writes`;
    this.markCorrupted(what);
    return new RemoteError(ERR_TWQ_CORRUPTED, CORRUPTED_NAME, corruptionMessage(what), request.worker);
  }

  /** Fails the queue over a control word found impossible in `what` (slow paths only), and throws the failure. */
  private failCorrupted(what: string): never {
    throw this.markCorrupted(what);
  }

  /** Every later call throws QueueCorruptedError, and the shared failure flag wakes anyone parked. */
  private markCorrupted(what: string): QueueFailedError {
    recordHostFailure(this.memory, { name: CORRUPTED_NAME, message: corruptionMessage(what) });
    this.failure ??= new QueueCorruptedError(this.name, corruptionMessage(what));
    if (this.lifecycle === OPEN) this.lifecycle = FAILED;
    return this.failure;
  }

  /** WAIT_FREE: some worker has a free slot. WAIT_IDLE: worker `t` has nothing in flight. */
  private isReady(kind: number, t: number): boolean {
    if (kind === WAIT_IDLE) return !this.book.isBusy(t);
    // Only where getRequest places (elastic: it also grows, which isReady does not see: it returns in a slice).
    for (let i = 0; i < this.liveCount; i++) if (this.book.findFree(this.live[i]) >= 0) return true;
    return false;
  }

  /**
   * One round of waiting for worker `t`: spin with back-off, then reset its
   * completion event, re-check, and park for at most one slice. The reset
   * comes before the re-check, so a completion after the re-check sets the
   * event and the park returns at once.
   */
  private waitSync(kind: number, t: number, deadline: number, timeoutMs: number, call: string): void {
    if (this.helping) {
      if ((this.helper as SubmitterHelper).runOne(this.handBack, true) >= 0) return;
      this.helping = false;
    }
    for (let i = 0; i < this.spinBudget; i++) {
      if (this.isReady(kind, t)) return;
      backoff(i);
    }
    // Rather than park: run a queued request here (the caller's loop looks again).
    if (this.helpBlocking && (this.helper as SubmitterHelper).runOne(this.handBack, true) >= 0) {
      this.helping = true;
      return;
    }
    this.eventToPark(kind, t, deadline, timeoutMs, call)?.wait(this.parkSlice(deadline));
  }

  /**
   * Prepares to park (see prepareToWait), re-checks, reclaims the slots of any
   * dead worker, re-checks, wakes idle thieves: the event to park on, or
   * undefined when the wait is over. Throws WaitTimeoutError once the deadline
   * has passed.
   */
  private eventToPark(kind: number, t: number, deadline: number, timeoutMs: number, call: string): SharedEvent | undefined {
    // A blocked submitter hears no timer: the request deadlines that passed are acted on here.
    if (this.timed) this.deadlines.expireDue();
    const completion = this.prepareToWait(kind, t);
    if (this.isReady(kind, t)) return undefined;
    this.checkHealth();
    if (this.isReady(kind, t)) return undefined;
    if (deadline - performance.now() <= 0) throw new WaitTimeoutError(call, timeoutMs);
    this.kickThieves();
    return completion;
  }

  /** How long one park may last: a slice, or less when the wait's deadline or a request's comes first. */
  private parkSlice(deadline: number): number {
    const slice = sliceBefore(deadline);
    return this.timed ? Math.min(slice, this.deadlines.msUntilNext()) : slice;
  }

  /**
   * First half of parking. WAIT_IDLE parks on worker `t`'s completion event;
   * WAIT_FREE on the queue's doorbell, which any worker rings, since any of
   * them may free the next slot. First say how many free slots to be woken for
   * (WANT: half the slots when waiting for a free one, so that one wake-up
   * brings a batch; all of them for waitAll / drain), then reset the event. The
   * caller re-checks before it parks: a completion after the re-check finds the
   * event reset, reads this WANT, and sets the event once it is met (see
   * WorkerRuntime.signalCompletion).
   */
  private prepareToWait(kind: number, t: number): SharedEvent {
    if (kind === WAIT_FREE) {
      for (const block of this.blocks) Atomics.store(block.completionLine, COMPLETION_WANT, this.wakeBatch);
      this.memory.doorbell.reset();
      return this.memory.doorbell;
    }
    const block = this.blocks[t];
    Atomics.store(block.completionLine, COMPLETION_WANT, this.slotsPerThread);
    block.completion.reset();
    return block.completion;
  }

  private async waitAsync(
    kind: number,
    t: number,
    deadline: number,
    timeoutMs: number,
    call: string,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    if (this.helpAsync && (this.helper as SubmitterHelper).runOne(this.handBack, false) >= 0) return;
    const completion = this.eventToPark(kind, t, deadline, timeoutMs, call);
    if (completion === undefined) return;
    await completion.waitAsync(this.parkSlice(deadline), signal);
    if (this.lifecycle === DESTROYED) this.throwClosed(call);
  }

  /**
   * Before the submitter parks: wakes every worker that has nothing of its own
   * while some partition has a request queued behind another, so that it
   * steals. Sets only events that are not SET (a parked worker's, or one that
   * has just reset to park and re-checks: the kick is not lost); costs one load
   * per worker otherwise. Slow path only.
   */
  private kickThieves(): void {
    if (!this.steal) return;
    let backlog = false;
    for (const block of this.blocks) {
      if (inflightCount(block) > 1) {
        backlog = true;
        break;
      }
    }
    if (!backlog) return;
    for (let i = 0; i < this.liveCount; i++) {
      const u = this.live[i];
      const block = this.blocks[u];
      if (!block.wake.isSet() && !this.book.isBusy(u) && block.wake.set()) block.submitter64[U_WAKES_SENT]++;
    }
  }

  private async drainInternal(signal: AbortSignal | undefined, timeoutMs: number): Promise<void> {
    const deadline = deadlineOf(timeoutMs, 'drain()');
    signal?.throwIfAborted();
    this.host.hold?.();
    try {
      for (let t = 0; t < this.threads; t++) {
        while (this.book.isBusy(t)) await this.waitAsync(WAIT_IDLE, t, deadline, timeoutMs, 'drain()', signal);
      }
    } finally {
      this.host.release?.();
    }
    this.reapAll('drain()');
  }

  /**
   * Slow-path health check: throws if the queue has failed; reclaims the slots
   * of any worker reported dead. Costs one load per worker; never on the hot path.
   */
  private checkHealth(): void {
    // A dead worker's running requests fail as its death (WORKER_DIED) whether
    // or not it is replaced: reclaimed first, even when the queue has failed.
    this.reclaimDead();
    this.serveRetireAsks();
    const failed = readQueueFailure(this.memory);
    if (failed !== undefined) {
      this.failure ??= this.failureOf(failed);
      if (this.lifecycle === OPEN) this.lifecycle = FAILED;
      throw this.failure;
    }
  }

  /**
   * Reclaims the slots of every worker reported dead and not yet reclaimed.
   * `checkStatus`: a status word no party writes fails the queue (not once the
   * workers are gone: destroy() then reports what is left, whatever the words say).
   */
  private reclaimDead(checkStatus = true): void {
    for (let t = 0; t < this.threads; t++) {
      const status = this.blocks[t].status();
      if (status === WORKER_DEAD) this.reclaim(t);
      else if (checkStatus && isImpossibleWorkerStatus(status)) this.failCorrupted(`worker ${t}'s status word holds ${status}, no worker status`);
    }
  }

  private failureOf(failed: NonNullable<ReturnType<typeof readQueueFailure>>): QueueFailedError {
    const { worker, reason } = failed;
    if (reason.name === CORRUPTED_NAME) return new QueueCorruptedError(this.name, reason.message);
    const what = worker === undefined ? 'the host failed' : `worker ${worker} is gone and was not replaced`;
    return new QueueFailedError(this.name, `${what}: ${reason.name}: ${reason.message}`);
  }

  /**
   * Takes back the slots a dead worker was running: in every partition (it may
   * have stolen), each in-flight slot whose CLAIM says RUNNING by worker `t` is
   * marked failed (its done callback gets a WorkerDiedError) and handed back by
   * flipping its FILL bit back, so that fill == done again. Slots still QUEUED
   * stay in flight: the replacement, or a thief, runs them; nothing is lost.
   * Then publishes RECLAIMED so that a replacement may start.
   */
  private reclaim(t: number): void {
    const block = this.blocks[t];
    const info = readErrorRecord(this.memory.deathRecord(t));
    const exitCode = block.state32[W_EXIT_CODE];
    const errorOf = (slot: number): RemoteError => {
      if (this.timed && this.deadlines.terminated(slot)) {
        // Ended for this request: its death is its timeout (any other it ran meanwhile is a death).
        this.timedOutCount++;
        return new RemoteError(
          ERR_TWQ_TIMEOUT,
          'TimeoutError',
          `the request in slot ${slot} of queue "${this.name}" ran past its deadline (${this.deadlines.msOf(slot)} ms) and ${this.timeoutGraceMs} ms of grace: worker ${t} was terminated`,
          t,
        );
      }
      return new RemoteError(
        ERR_TWQ_WORKER_DIED,
        'WorkerDiedError',
        `worker ${t} of queue "${this.name}" died (exit code ${exitCode}) before finishing the request in slot ${slot}: ${info.name}: ${info.message}`,
        t,
      );
    };
    let lost = 0;
    for (let u = 0; u < this.threads; u++) {
      for (let s = this.book.nextInFlight(u, 0); s >= 0; s = this.book.nextInFlight(u, s + 1)) {
        const slot = u * this.slotsPerThread + s;
        // The dead thread writes nothing more: its RUNNING claims are final.
        const c = Atomics.load((this.requests[slot] as unknown as RequestObject)[HEADER], S_CLAIM);
        if (claimState(c) !== CLAIM_RUNNING || claimedBy(c) !== t) continue;
        this.failSlot(slot, errorOf(slot));
        this.book.handBack(u, s >>> 5, 1 << (s & 31));
        lost++;
      }
    }
    block.submitter64[U_LOST_TO_DEATH] = block.submitter64[U_LOST_TO_DEATH] + lost;
    Atomics.store(block.state32, W_STATUS, WORKER_RECLAIMED);
    Atomics.notify(block.state32, W_STATUS);
  }

  /**
   * Takes back every slot worker `t` owns (it is dead, or every worker is
   * gone), each marked failed with its `errorOf(slot)` for reap to report.
   * Returns how many. Slow path only.
   */
  private takeBackFailed(t: number, errorOf: (slot: number) => RemoteError): number {
    let n = 0;
    for (let s = this.book.nextInFlight(t, 0); s >= 0; s = this.book.nextInFlight(t, s + 1)) {
      const slot = t * this.slotsPerThread + s;
      this.failSlot(slot, errorOf(slot));
      n++;
    }
    this.book.takeBack(t);
    return n;
  }

  /** Marks a slot failed with `error`, for reap to report. */
  private failSlot(slot: number, error: RemoteError): void {
    (this.requests[slot] as unknown as RequestObject)[HEADER][S_STATUS] = SLOT_WORKER_DIED;
    this.deathErrors[slot] = error;
  }

  /**
   * The one destroy: drain for at most `timeoutMs` (unless `force`), then stop
   * the workers with what is left of it (terminated at once when forced, out
   * of time, or the drain failed), then report what is still outstanding.
   */
  private async destroyOnce(force: boolean, timeoutMs: number): Promise<void> {
    const wasOpen = this.lifecycle === OPEN;
    this.lifecycle = DESTROYING;
    this.destroyForced = force;
    const deadline = performance.now() + timeoutMs;
    let terminate = force;
    // What done callbacks threw: thrown once every request is reported and the workers are stopped.
    const callbackErrors: unknown[] = [];
    if (wasOpen && !force) {
      const hurry = new AbortController();
      this.destroyHurry = hurry;
      try {
        // drain() rather than the internal loop: an inline queue runs its handlers there.
        await this.drain({ timeoutMs, signal: hurry.signal });
      } catch (e) {
        // Callbacks that threw in the drain leave nothing in flight (every request was reported): no reason to terminate.
        if (e instanceof DoneCallbackError) {
          callbackErrors.push(...e.errors);
        } else {
          if (e instanceof WaitTimeoutError) this.destroyTimedOutMs = timeoutMs;
          terminate = true;
        }
      }
      this.destroyHurry = undefined;
    }
    Atomics.store(this.memory.i32, C_DESTROYED, 1);
    for (const block of this.blocks) block.wake.set();
    this.stopping = true;
    try {
      await this.host.stop(terminate || this.destroyForced, Math.max(0, deadline - performance.now()));
    } finally {
      this.lifecycle = DESTROYED;
      this.deadlines.stop();
      const thrown = this.failOutstanding();
      if (thrown !== undefined) callbackErrors.push(...thrown);
      this.helper?.teardown();
    }
    // Only now, with every request reported and the workers stopped: what the callbacks threw.
    if (callbackErrors.length !== 0) throw new DoneCallbackError(this.name, 'destroy()', callbackErrors);
  }

  /** destroy({ force: true }) during a graceful destroy: end its drain now, or hurry the host's stop. */
  private hurryDestroy(): void {
    if (this.destroyForced) return;
    this.destroyForced = true;
    this.destroyHurry?.abort(new QueueDestroyedError(this.name, 'a graceful destroy (destroy({ force: true }) was called)'));
    // The first stop() settles the destroy promise: this one only hurries it.
    if (this.stopping) this.host.stop(true, 0).catch(() => undefined);
  }

  /**
   * After the workers are gone: reports every request still outstanding,
   * exactly once, even if callbacks throw; returns what they threw.
   */
  private failOutstanding(): unknown[] | undefined {
    this.reclaimDead(false);
    for (let t = 0; t < this.threads; t++) {
      this.takeBackFailed(t, (slot) => this.outstandingError(t, slot));
    }
    return this.reportReady();
  }

  /**
   * Why a request still outstanding once the workers are gone failed: stranded
   * on a worker that died without replacement, or cut short by the queue's
   * failure during a graceful destroy (ERR_TWQ_FAILED); else the destroy was
   * forced, or ran out of time (ERR_TWQ_DESTROYED).
   */
  private outstandingError(t: number, slot: number): RemoteError {
    const failed = readQueueFailure(this.memory);
    if (failed !== undefined) {
      const status = this.blocks[t].status();
      const stranded = failed.worker === undefined || status === WORKER_DEAD || status === WORKER_RECLAIMED;
      if (stranded || !this.destroyForced) {
        const failure = this.failure ?? this.failureOf(failed);
        const details = { remoteCode: undefined, cause: failure, hasCause: true, errors: undefined };
        return new RemoteError(ERR_TWQ_FAILED, failure.name, `${failure.message} (the request in slot ${slot} was left unfinished)`, t, undefined, details);
      }
    }
    let why = `destroyed before the request in slot ${slot} was handled`;
    if (this.destroyForced) why = `destroyed with force before the request in slot ${slot} was handled`;
    else if (this.destroyTimedOutMs !== undefined) why = `destroyed: the request in slot ${slot} was not finished within ${this.destroyTimedOutMs} ms`;
    return new RemoteError(ERR_TWQ_DESTROYED, 'QueueDestroyedError', `queue "${this.name}" was ${why}`, t);
  }

  private throwClosed(call: string): never {
    if (this.lifecycle === NEW || this.lifecycle === STARTING) {
      throw new TwqError(ERR_TWQ_NOT_STARTED, `queue "${this.name}" is not started: ${call} needs await queue.start() first (createQueue() and InlineQueue.create() do it)`);
    }
    if (this.failure !== undefined && this.destroyPromise === undefined) throw this.failure;
    throw new QueueDestroyedError(this.name, call);
  }
}

/** How long one park may last: a slice, or less when the deadline comes first. */
function sliceBefore(deadline: number): number {
  // Never negative: the deadline may pass between the caller's check and this read (a
  // negative park is a RangeError); a zero park returns at once and the next check throws.
  return Math.max(0, Math.min(WAIT_SLICE_MS, deadline - performance.now()));
}

/** Clears a claim's state and cooperative flag; keeps claimer and sequence (the CAS keeps the sequence number). */
const CLAIM_STATE_MASK_ALL = 0b111;

interface AbortLink {
  readonly signal: AbortSignal;
  readonly listener: () => void;
}

function deadlineOf(timeoutMs: number, call: string): number {
  if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0) {
    throw new RangeError(`${call}: timeoutMs must be a number in [0, Infinity], got ${describeValue(timeoutMs)}`);
  }
  return timeoutMs === Infinity ? Infinity : performance.now() + timeoutMs;
}

/** The options of the async waits: an object, with a real AbortSignal if any (timeoutMs is checked by deadlineOf). */
function checkWaitOptions(options: unknown, call: string): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${call}: options must be an object or undefined, got ${describeValue(options)}`);
  }
  const signal = (options as { signal?: unknown }).signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`${call}: options.signal must be an AbortSignal or undefined, got ${describeValue(signal)}`);
  }
}

function describeRequest(value: unknown): string {
  if (value === null || typeof value !== 'object') return describeValue(value);
  const slot = (value as { slot?: unknown }).slot;
  return slot === undefined ? 'an object that is not a twq request' : `a request for slot ${String(slot)} of another queue`;
}

/** The shared memory of a queue, for a host or a test of the protocol (not for applications). */
export function memoryOf<S extends LayoutSpec, O>(queue: Workqueue<S, O>): QueueMemory {
  if (!(queue instanceof Workqueue)) throw new TypeError(`queue must be a Workqueue, got ${describeValue(queue)}`);
  return queue['memory'];
}
