import {
  QueueMemory,
  WorkerStartError,
  readErrorRecord,
  readGeometry,
  recordQueueFailure,
  recordWorkerDeath,
  toErrorInfo,
  type ErrorInfo,
  type HostEvents,
  type QueueStats,
  type WorkerHost,
  type WorkerInit,
} from '@twq/core';
import { hasLifeLocks, lifeLockPrefix, watchLifeLock } from './life-lock.js';
import { PROTOCOL_TAG, isProtocolMessage, type FromWorker, type ToWorker } from './protocol.js';

export interface BrowserHostOptions {
  readonly spawn: (index: number) => Worker;
  readonly replaceDeadWorkers: boolean;
  readonly startTimeoutMs: number;
  readonly stopTimeoutMs: number;
  readonly onWorkerExit: ((event: WorkerExitEvent) => void) | undefined;
}

/** What `onWorkerExit` learns when a worker dies while the queue runs. */
export interface WorkerExitEvent {
  readonly worker: number;
  readonly error: { readonly name: string; readonly message: string };
  /** Whether a replacement is being started. */
  readonly replaced: boolean;
}

/** Browsers have no exit codes; this is the one a WorkerDiedError names. */
const EXIT_CODE = 1;

/** One Worker object; a partition has a new one after each replacement. */
interface Instance {
  readonly index: number;
  readonly worker: Worker;
  readonly lock: string | null;
  ready: boolean;
  gone: boolean;
  /** The last error event the page heard from this worker. */
  lastError: ErrorInfo | undefined;
  unwatch: () => void;
  /** Settles when the worker says it has left its loop, or is gone. */
  readonly stopped: Promise<void>;
  markStopped: () => void;
}

/**
 * Starts, watches and stops the Web Workers of one queue, on the submitter's
 * thread (a page, or a worker that owns a queue of its own).
 *
 * How a death is learnt, since a dedicated worker has no 'exit' event:
 * - a worker whose code fails after it started (an uncaught error or
 *   rejection, a self.close() from a handler) reports its own death through
 *   the shared memory before it closes (see serve-ops.ts), then says 'died';
 * - any other end (terminated by other code, a crash) shows up as the grant of
 *   the worker's life lock (see life-lock.ts), and the page reports it.
 * Either way the submitter then reclaims the in-flight slots and fails them
 * with WorkerDiedError; the host starts a replacement, as @twq/node does, or
 * fails the queue when `replaceDeadWorkers` is false.
 */
export class BrowserHost implements WorkerHost {
  private readonly options: BrowserHostOptions;
  private readonly instances: (Instance | undefined)[] = [];
  private memory: QueueMemory | undefined;
  private init: WorkerInit | undefined;
  private events: HostEvents | undefined;
  private lockPrefix: string | undefined;
  private lockSerial = 0;
  private readyCount = 0;
  private started = false;
  private stopping = false;
  private failed = false;
  private startOutcome: { resolve: () => void; reject: (e: Error) => void } | undefined;
  private startTimer: ReturnType<typeof setTimeout> | undefined;
  private statusOf: ((worker: number) => string) | undefined;

  constructor(options: BrowserHostOptions) {
    this.options = options;
  }

  /**
   * Gives the host a way to read a worker's status word, through the queue's
   * public stats(), to tell whether a worker that is gone reported its own death.
   */
  attach(queue: { stats(): QueueStats }): void {
    this.statusOf = (worker) => queue.stats().workers[worker]?.status ?? 'unknown';
  }

  start(init: WorkerInit, events: HostEvents): Promise<void> {
    this.init = init;
    this.events = events;
    this.memory = new QueueMemory(init.buffer, readGeometry(init.buffer));
    this.lockPrefix = hasLifeLocks() ? lifeLockPrefix(init.name) : undefined;
    return new Promise<void>((resolve, reject) => {
      this.startOutcome = { resolve, reject };
      this.startTimer = setTimeout(() => {
        this.failStart(
          new WorkerStartError(
            -1,
            `the workers did not all start within ${this.options.startTimeoutMs} ms (does the worker script call serveOps() from '@twq/browser/worker'?)`,
          ),
        );
      }, this.options.startTimeoutMs);
      for (let t = 0; t < init.threads && this.isStarting(); t++) this.spawn(t);
    });
  }

  /** Whether creation is still under way (a spawn may have failed it). */
  private isStarting(): boolean {
    return this.startOutcome !== undefined;
  }

  async stop(force: boolean): Promise<void> {
    this.stopping = true;
    const live = this.instances.filter((i): i is Instance => i !== undefined);
    for (const inst of live) inst.unwatch();
    if (!force && live.length > 0) {
      // The destroy flag and every wake event are set: workers leave their
      // loops, tear their slots down and say 'stopped'. Past the timeout, terminate.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.all(live.map((i) => i.stopped)),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, this.options.stopTimeoutMs);
        }),
      ]);
      clearTimeout(timer);
    }
    for (const inst of live) inst.worker.terminate();
    this.instances.fill(undefined);
  }

  private spawn(t: number): void {
    const init = this.init as WorkerInit;
    let worker: Worker;
    try {
      worker = this.options.spawn(t);
    } catch (e) {
      this.startFailed(t, undefined, toErrorInfo(e));
      return;
    }
    let markStopped = (): void => undefined;
    const stopped = new Promise<void>((resolve) => {
      markStopped = resolve;
    });
    const lock = this.lockPrefix === undefined ? null : `${this.lockPrefix}:${t}:${this.lockSerial++}`;
    const inst: Instance = {
      index: t,
      worker,
      lock,
      ready: false,
      gone: false,
      lastError: undefined,
      unwatch: () => undefined,
      stopped,
      markStopped,
    };
    this.instances[t] = inst;
    worker.addEventListener('message', (event: MessageEvent) => {
      this.onMessage(inst, event.data);
    });
    worker.addEventListener('error', (event: Event) => {
      this.onError(inst, event);
    });
    const message: ToWorker = {
      twq: PROTOCOL_TAG,
      type: 'init',
      init,
      worker: t,
      lock,
      failQueueOnDeath: !this.options.replaceDeadWorkers,
    };
    try {
      worker.postMessage(message);
    } catch (e) {
      // A DataCloneError: opsOptions that cannot be structured-cloned.
      this.startFailed(t, inst, toErrorInfo(e));
    }
  }

  private onMessage(inst: Instance, data: unknown): void {
    if (!isProtocolMessage(data) || inst.gone) return;
    const m = data as FromWorker;
    switch (m.type) {
      case 'ready':
        inst.ready = true;
        if (inst.lock !== null && m.lock) {
          inst.unwatch = watchLifeLock(inst.lock, () => {
            this.onGone(inst, false);
          });
        }
        if (!this.started && ++this.readyCount === (this.init as WorkerInit).threads) {
          this.started = true;
          clearTimeout(this.startTimer);
          const outcome = this.startOutcome;
          this.startOutcome = undefined;
          outcome?.resolve();
        }
        break;
      case 'start-failed':
        this.startFailed(inst.index, inst, m.error);
        break;
      case 'died':
        this.onGone(inst, true);
        break;
      case 'stopped':
        inst.markStopped();
        break;
    }
  }

  private onError(inst: Instance, event: Event): void {
    // Handled here: keep it from being reported again as the page's own uncaught error.
    event.preventDefault();
    const info = describeErrorEvent(event);
    inst.lastError = info;
    // After READY the worker reports its own death (or its life lock does);
    // before, the error is why it failed to start.
    if (!inst.ready) this.startFailed(inst.index, inst, info);
  }

  /** Worker `t` could not start: the queue's creation fails, or (a replacement) the queue fails. */
  private startFailed(t: number, inst: Instance | undefined, error: ErrorInfo): void {
    if (inst !== undefined) {
      if (inst.gone) return;
      this.retire(inst);
    }
    if (this.stopping) return;
    if (!this.started) {
      this.failStart(new WorkerStartError(t, `${error.name}: ${error.message}`, error));
      return;
    }
    this.failed = true;
    // The queue was running: fail it through shared memory, which a blocked submitter hears.
    recordQueueFailure(this.memory as QueueMemory, t, error);
    this.events?.workerDied(t);
    this.options.onWorkerExit?.({ worker: t, error: { name: error.name, message: error.message }, replaced: false });
  }

  /** A ready worker is gone: make sure its death is recorded once, then replace it or fail the queue. */
  private onGone(inst: Instance, selfReported: boolean): void {
    if (inst.gone) return;
    this.retire(inst);
    if (this.stopping) return;
    const t = inst.index;
    const memory = this.memory as QueueMemory;
    // The worker may have recorded its death before its 'died' message arrived.
    const status = this.statusOf?.(t);
    const recorded = selfReported || status === 'dead' || status === 'reclaimed';
    if (!recorded && status === 'stopped') return;
    const error: ErrorInfo = recorded
      ? readErrorRecord(memory.deathRecord(t))
      : (inst.lastError ?? {
          name: 'WorkerGone',
          message: 'the worker stopped running (self.close(), terminate() by other code, or a crash)',
        });
    const replace = this.options.replaceDeadWorkers && !this.failed;
    // The failure first: a submitter woken by the death must find the queue
    // failed, not a death it could reclaim and carry on from.
    if (!replace) recordQueueFailure(memory, t, error);
    if (!recorded) recordWorkerDeath(memory, t, EXIT_CODE, error);
    // The queue reclaims the dead worker's slots now (not at its next wait), so the replacement can start at once.
    this.events?.workerDied(t);
    if (replace) {
      memory.blocks[t].bumpGeneration();
      this.spawn(t);
    }
    this.options.onWorkerExit?.({ worker: t, error: { name: error.name, message: error.message }, replaced: replace });
  }

  /** Forgets an instance and makes sure it runs no more (terminate() of a closed worker is harmless). */
  private retire(inst: Instance): void {
    inst.gone = true;
    inst.unwatch();
    inst.markStopped();
    inst.worker.terminate();
    if (this.instances[inst.index] === inst) this.instances[inst.index] = undefined;
  }

  private failStart(error: Error): void {
    const outcome = this.startOutcome;
    if (outcome === undefined) return;
    this.startOutcome = undefined;
    clearTimeout(this.startTimer);
    this.stopping = true;
    for (const inst of this.instances) if (inst !== undefined) this.retire(inst);
    outcome.reject(error);
  }
}

/**
 * What a worker's error event says. An uncaught error carries a message; a
 * module worker that failed to load or to link (a 404, a syntax error, a bad
 * import) fires a bare Event with no detail (the browser console has it).
 */
function describeErrorEvent(event: Event): ErrorInfo {
  const e = event as Partial<ErrorEvent>;
  if (typeof e.message === 'string' && e.message.length > 0) {
    const where = typeof e.filename === 'string' && e.filename.length > 0 ? ` (${e.filename}:${String(e.lineno)})` : '';
    const inner = e.error as unknown;
    const name = inner instanceof Error ? inner.name : 'Error';
    return { name, message: `${e.message}${where}`, stack: inner instanceof Error ? inner.stack : undefined };
  }
  return {
    name: 'WorkerLoadError',
    message:
      'the worker script failed to load (a network error or 404, a syntax error, an import that failed, or a page that is not cross-origin isolated: see the browser console)',
  };
}
