import { recordDeath, EXIT_CODE_UNKNOWN } from './death-report.js';
import { checkBoolean, checkInt, checkMethods } from './checks.js';
import { toErrorInfo, toRecordedInfo, type ErrorInfo } from './error-record.js';
import { readGeometry } from './memory-layout.js';
import type { WorkerInit } from './host.js';
import type { Ops, Request, WorkerEnv } from './ops.js';
import { WorkerRuntime } from './worker-runtime.js';

/** Tag on every message of a worker to its host: both sides ignore messages of the user's own code. */
export const WORKER_MESSAGE_TAG = 'twq@1';

/**
 * What a worker thread tells its host, on the rare events of its life.
 * Requests never travel as messages: they move through the shared memory.
 */
export type WorkerMessage =
  /** Set up and serving. `lock`: whether it holds a life lock its host may watch (browsers). */
  | { readonly twq: typeof WORKER_MESSAGE_TAG; readonly type: 'ready'; readonly lock: boolean }
  | { readonly twq: typeof WORKER_MESSAGE_TAG; readonly type: 'start-failed'; readonly error: ErrorInfo }
  /** The worker recorded its own death in shared memory, and is closing. */
  | { readonly twq: typeof WORKER_MESSAGE_TAG; readonly type: 'died' }
  /** Left its loop (the queue was destroyed) and tore its slots down. */
  | { readonly twq: typeof WORKER_MESSAGE_TAG; readonly type: 'stopped' }
  /** Elastic threads: idle for idleTimeoutMs, it asks to retire (its RUN word says ASKED); the host tells the queue. */
  | { readonly twq: typeof WORKER_MESSAGE_TAG; readonly type: 'idle' }
  /** Elastic threads: retired (left its loop, tore its slots down, published RETIRED), and is closing: not a death. */
  | { readonly twq: typeof WORKER_MESSAGE_TAG; readonly type: 'retired' };

/** What a host that talks to its workers by messages (a browser page) sends each one, right after spawning it. */
export interface WorkerStart {
  readonly twq: typeof WORKER_MESSAGE_TAG;
  readonly type: 'init';
  readonly init: WorkerInit;
  /** Partition this worker serves. */
  readonly worker: number;
  /** Name of the Web Lock the worker holds for as long as it lives, or null where there are none. */
  readonly lock: string | null;
  /** Whether a death of this worker fails the queue (replaceDeadWorkers: false) rather than waiting for a replacement. */
  readonly failQueueOnDeath: boolean;
}

/** Whether `data` is a WorkerStart message (and not the user's). */
export function isWorkerStart(data: unknown): data is WorkerStart {
  return isWorkerMessage(data) && (data as { type: string }).type === 'init';
}

/** Whether `data` is a WorkerMessage (and not the user's). */
export function isWorkerMessage(data: unknown): data is WorkerMessage {
  return typeof data === 'object' && data !== null && (data as { twq?: unknown }).twq === WORKER_MESSAGE_TAG;
}

/** How a worker thread talks to its host and ends: all an adapter provides. */
export interface WorkerSeam {
  /** Sends a lifecycle message (ready, failed, stopped) to the host: never per request. */
  post(message: WorkerMessage): void;
  /** Ends the thread (a browser worker closes itself; a Node worker simply returns). */
  close(): void;
  /** Keeps the thread alive while the loop awaits async handlers; returns the release (Node). */
  keepAlive?(): () => void;
  /** Where a teardown failure is said, as nobody awaits a stopping worker. Default: console.error. */
  warn?(message: string, error: unknown): void;
}

/** What `WorkerMain` serves: the queue, the partition, how to load the ops and how its death is told. */
export interface WorkerMainOptions {
  readonly init: WorkerInit;
  /** The partition this worker serves. */
  readonly worker: number;
  /** Loads the ops (throws an OpsLoadError when it cannot). */
  readonly loadOps: () => Ops | Promise<Ops>;
  /** After set-up, before READY: returns whether the worker holds a life lock (browsers). */
  readonly beforeReady?: () => Promise<boolean>;
  /**
   * Whether this worker reports its own death (a browser worker, which has no
   * exit event its host could hear): see `end()`. false: the host hears the
   * thread exit (Node's supervisor) and reports it.
   */
  readonly reportsOwnDeath: boolean;
  /** With reportsOwnDeath: whether a death fails the queue (no replacement will come). */
  readonly failQueueOnDeath: boolean;
}

/**
 * The parts of a worker's global scope that tell of its end, where the platform
 * has them (a Web Worker's `self`): passed in, so that core reads no global.
 */
export interface WorkerScopeEvents {
  /** Where uncaught errors and unhandled rejections are heard. */
  addEventListener(type: 'error' | 'unhandledrejection', listener: (event: unknown) => void): void;
  /** The scope's own close(): wrapped, so that a handler calling it is reported as a death. */
  close(): void;
}

/** The fields of a scope's ErrorEvent that a worker's end reports (core compiles without the DOM library). */
interface ScopeErrorEvent {
  readonly error: unknown;
  readonly message: string;
}

/** The field of a scope's PromiseRejectionEvent that a worker's end reports. */
interface ScopeRejectionEvent {
  readonly reason: unknown;
}

/** How long a replacement parks at a time while the submitter has not reclaimed the dead worker's slots. */
const RECLAIM_POLL_MS = 100;

/** What a handler gets back into the loop once its worker is dying: nothing, ever. */
const NEVER = new Promise<never>(() => undefined);

type Phase = 'starting' | 'serving' | 'dying' | 'stopping';

/**
 * A worker thread's life, once for every host: load the ops, set up the
 * slots, wait until a dead predecessor's slots are reclaimed (or a retired
 * one has gone), say READY, serve until the queue is destroyed, tear down, say
 * STOPPED; or, elastic, until it retires, then tear down and say RETIRED. Or
 * fail to start, or die.
 *
 * Dying safely (a worker that reports its own death) is the delicate part.
 * Once a death is recorded, the submitter takes the in-flight slots back, so
 * the dead worker must never touch a slot again. From `end()` on, the phase
 * is 'dying' and the guarded handler hands the loop a promise that never
 * settles, so the runtime completes no more slots; the death is recorded in a
 * microtask, which runs only after the runtime's synchronous code returned to
 * that await; then the thread closes, which drops every task still queued.
 */
export class WorkerMain {
  private readonly seam: WorkerSeam;
  private readonly options: WorkerMainOptions;
  private phase: Phase = 'starting';
  private runtime: WorkerRuntime | undefined;

  constructor(seam: WorkerSeam, options: WorkerMainOptions) {
    checkMethods(seam, 'seam', ['post', 'close'], ['keepAlive', 'warn']);
    checkMethods(options, 'options', ['loadOps'], ['beforeReady']);
    const g = readGeometry((options.init as Partial<WorkerInit> | undefined)?.buffer as SharedArrayBuffer);
    checkInt(options.worker, 'options.worker', 0, g.threads - 1);
    checkBoolean(options.reportsOwnDeath, 'options.reportsOwnDeath');
    checkBoolean(options.failQueueOnDeath, 'options.failQueueOnDeath');
    this.seam = seam;
    this.options = options;
  }

  /** Runs the worker: set up, say READY, serve until the queue is destroyed, tear down, say STOPPED. */
  async serve(): Promise<void> {
    const { init, worker } = this.options;
    let runtime: WorkerRuntime;
    let lock = false;
    try {
      const ops = await this.options.loadOps();
      runtime = new WorkerRuntime(
        init.buffer,
        worker,
        this.options.reportsOwnDeath ? this.guard(ops) : ops,
        { threads: init.threads, slotsPerThread: init.slotsPerThread, name: init.name, options: init.opsOptions },
        init.spinBudget,
      );
      this.runtime = runtime;
      runtime.onIdle = () => {
        this.seam.post({ twq: WORKER_MESSAGE_TAG, type: 'idle' });
      };
      runtime.setupSlots();
      if (this.options.beforeReady !== undefined) lock = await this.options.beforeReady();
    } catch (e) {
      this.failStart(toErrorInfo(e));
      return;
    }
    if (this.phase !== 'starting') return;
    // A replacement waits until the submitter has taken back its predecessor's
    // in-flight slots (status RECLAIMED); a first worker finds STARTING.
    while (!runtime.isStartable() && !runtime.isDestroyed()) runtime.waitStatusChange(RECLAIM_POLL_MS);
    this.phase = 'serving';
    runtime.markReady();
    this.seam.post({ twq: WORKER_MESSAGE_TAG, type: 'ready', lock });
    try {
      const looping = runtime.run();
      if (looping !== undefined) {
        // A pending Atomics.waitAsync does not keep a Node thread alive: without
        // this, a worker whose handlers are async would exit as soon as it parked.
        const release = this.seam.keepAlive?.();
        try {
          await looping;
        } finally {
          release?.();
        }
      }
    } catch (e) {
      // A fault of the loop itself: no slot is being handled, so dying is safe.
      this.end(toErrorInfo(e));
      return;
    }
    // The loop ends when the queue is destroyed or this worker retired, or (never settling) when it is dying.
    if (!this.isServing()) return;
    this.phase = 'stopping';
    try {
      runtime.teardownSlots();
    } catch (e) {
      (this.seam.warn ?? console.error)(`twq: worker ${worker} of queue "${init.name}": teardown failed`, e);
    }
    // Retired (idle): the partition may get a new worker once RETIRED is published, this thread's last write.
    if (runtime.retired) {
      runtime.markRetired();
      this.seam.post({ twq: WORKER_MESSAGE_TAG, type: 'retired' });
    } else {
      runtime.markStopped();
      this.seam.post({ twq: WORKER_MESSAGE_TAG, type: 'stopped' });
    }
    this.seam.close();
  }

  /**
   * Makes `scope`'s uncaught errors, unhandled rejections and close() calls
   * this worker's end (a worker that reports its own death). Call before serve().
   */
  watch(scope: WorkerScopeEvents): void {
    checkMethods(scope, 'scope', ['addEventListener', 'close']);
    scope.addEventListener('error', (event) => {
      const e = event as ScopeErrorEvent;
      this.end(e.error instanceof Error ? toErrorInfo(e.error) : { name: 'Error', message: e.message });
    });
    scope.addEventListener('unhandledrejection', (event) => {
      const info = toErrorInfo((event as ScopeRejectionEvent).reason);
      this.end({ ...info, message: `unhandled rejection: ${info.message}` });
    });
    scope.close = () => {
      this.end({ name: 'WorkerClosed', message: 'the worker called self.close()' });
    };
  }

  /**
   * The thread's end by a fault outside the loop (an uncaught error, an
   * unhandled rejection, a close() by user code): a start failure before
   * READY, a death after it.
   */
  end(error: ErrorInfo): void {
    error = toRecordedInfo(error, 'error');
    if (this.phase === 'starting') {
      this.failStart(error);
      return;
    }
    if (this.phase !== 'serving') return;
    this.phase = 'dying';
    if (!this.options.reportsOwnDeath) {
      this.seam.close();
      return;
    }
    const runtime = this.runtime as WorkerRuntime;
    queueMicrotask(() => {
      recordDeath(runtime.memory, this.options.worker, EXIT_CODE_UNKNOWN, error, !this.options.failQueueOnDeath);
      this.seam.post({ twq: WORKER_MESSAGE_TAG, type: 'died' });
      this.seam.close();
    });
  }

  /** Read through a call: end() may have moved the phase on while the loop awaited. */
  private isServing(): boolean {
    return this.phase === 'serving';
  }

  private failStart(error: ErrorInfo): void {
    if (this.phase !== 'starting') return;
    this.phase = 'stopping';
    this.seam.post({ twq: WORKER_MESSAGE_TAG, type: 'start-failed', error });
    this.seam.close();
  }

  /** The ops with a handler that stops completing slots once this worker is dying. */
  private guard(ops: Ops): Ops {
    const handle = ops.handle;
    const dying = (): boolean => this.phase === 'dying';
    return {
      ...ops,
      handle(request: Request, context: unknown, env: WorkerEnv): void | Promise<void> {
        let result: void | Promise<void>;
        try {
          result = handle(request, context, env);
        } catch (e) {
          if (dying()) return NEVER;
          throw e;
        }
        if (dying()) return NEVER;
        if (result !== undefined && typeof (result as { then?: unknown }).then === 'function') {
          return Promise.resolve(result).then(
            () => (dying() ? NEVER : undefined),
            (e: unknown) => {
              if (dying()) return NEVER;
              throw e;
            },
          );
        }
        return result;
      },
    };
  }
}
