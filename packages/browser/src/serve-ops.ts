import {
  OpsLoadError,
  WorkerRuntime,
  recordQueueFailure,
  recordWorkerDeath,
  resolveOps,
  toErrorInfo,
  type ErrorInfo,
  type LayoutSpec,
  type Ops,
  type OpsExport,
  type Request,
  type WorkerEnv,
} from '@twq/core';
import { holdLifeLock } from './life-lock.js';
import { PROTOCOL_TAG, isProtocolMessage, type FromWorker, type InitMessage } from './protocol.js';

/** The parts of a dedicated worker's global scope used here (the DOM lib has no worker types). */
interface WorkerScope {
  readonly location: { readonly href: string };
  postMessage(message: unknown): void;
  close(): void;
  addEventListener(type: string, listener: (event: Event) => void): void;
  removeEventListener(type: string, listener: (event: Event) => void): void;
}

/** How long a replacement parks at a time while the submitter has not reclaimed the dead worker's slots. */
const RECLAIM_POLL_MS = 100;

/** Browsers have no exit codes; this is the one a WorkerDiedError names. */
const EXIT_CODE = 1;

/** What a handler gets back into the loop once its worker is dying: nothing, ever. */
const NEVER = new Promise<never>(() => undefined);

let called = false;

/**
 * Serves a queue's requests in this Web Worker with `ops` (the same ops
 * object, or factory, that the page passes to createQueue). Call it once, at
 * the top level of the worker module, so that it hears the page's first message:
 *
 *   import { serveOps } from '@twq/browser/worker';
 *   import { ops } from './my-ops.js';
 *   serveOps(ops);
 *
 * The worker then loads nothing by URL: a bundler sees both imports and
 * builds the worker with the ops inside.
 */
export function serveOps<S extends LayoutSpec, C, O>(ops: OpsExport<S, C, O>): void {
  const scope = dedicatedWorkerScope();
  if (called) throw new Error('serveOps() may be called only once per worker');
  called = true;
  const onMessage = (event: Event): void => {
    const data = (event as MessageEvent).data as unknown;
    if (!isProtocolMessage(data) || data.type !== 'init') return;
    scope.removeEventListener('message', onMessage);
    void new WorkerServer(scope, ops as OpsExport, data as InitMessage).serve();
  };
  scope.addEventListener('message', onMessage);
}

function dedicatedWorkerScope(): WorkerScope {
  const g = globalThis as unknown as { DedicatedWorkerGlobalScope?: new () => unknown };
  if (typeof g.DedicatedWorkerGlobalScope !== 'function' || !(globalThis instanceof g.DedicatedWorkerGlobalScope)) {
    throw new TypeError(
      "serveOps() must run in a module Web Worker started by createQueue() of '@twq/browser', not on a page or in a shared or service worker",
    );
  }
  return globalThis;
}

type Phase = 'starting' | 'serving' | 'dying' | 'stopping';

/**
 * One worker's life: set up, serve, stop; or die.
 *
 * Dying safely is the delicate part. Once a worker's death is recorded, the
 * submitter takes its in-flight slots back, so the dead worker must never
 * touch a slot again. A worker dies here when, while serving, an error or
 * rejection goes uncaught on its event loop (a handler's timer threw) or a
 * handler calls self.close(). From then on, `phase` is 'dying' and the
 * wrapped handler hands the loop a promise that never settles, so the runtime
 * completes no more slots; the death is recorded in a microtask, which runs
 * only after the runtime's synchronous code has returned to that await; then
 * the worker closes, which drops every task still queued on it.
 */
class WorkerServer {
  private readonly scope: WorkerScope;
  private readonly ops: OpsExport;
  private readonly message: InitMessage;
  private readonly realClose: () => void;
  private phase: Phase = 'starting';
  private runtime: WorkerRuntime | undefined;

  constructor(scope: WorkerScope, ops: OpsExport, message: InitMessage) {
    this.scope = scope;
    this.ops = ops;
    this.message = message;
    this.realClose = scope.close.bind(scope);
  }

  async serve(): Promise<void> {
    const { init, worker } = this.message;
    this.watchForDeath();
    let runtime: WorkerRuntime;
    let lockHeld = false;
    try {
      let ops: Ops;
      try {
        ops = resolveOps(this.ops, init.opsOptions, 'the ops passed to serveOps()');
      } catch (e) {
        throw new OpsLoadError(this.scope.location.href, (e as Error).message, e);
      }
      runtime = new WorkerRuntime(
        init.buffer,
        worker,
        this.guard(ops),
        { threads: init.threads, slotsPerThread: init.slotsPerThread, name: init.name, options: init.opsOptions },
        init.spinBudget,
      );
      this.runtime = runtime;
      runtime.setupSlots();
      if (this.message.lock !== null) {
        await holdLifeLock(this.message.lock);
        lockHeld = true;
      }
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
    this.post({ twq: PROTOCOL_TAG, type: 'ready', lock: lockHeld });
    try {
      const looping = runtime.run();
      if (looping !== undefined) await looping;
    } catch (e) {
      // A fault of the loop itself: no slot is being handled, so dying is safe.
      this.die(toErrorInfo(e));
      return;
    }
    // The loop ends when the queue is destroyed, or (never settling) when this worker is dying.
    if (!this.isServing()) return;
    this.phase = 'stopping';
    try {
      runtime.teardownSlots();
    } catch (e) {
      // The queue is going away and nobody awaits this worker's teardown: say it where a developer looks.
      console.error(`twq: worker ${worker} of queue "${init.name}": teardown failed`, e);
    }
    runtime.markStopped();
    this.post({ twq: PROTOCOL_TAG, type: 'stopped' });
    this.realClose();
  }

  private isServing(): boolean {
    return this.phase === 'serving';
  }

  private post(message: FromWorker): void {
    this.scope.postMessage(message);
  }

  private failStart(error: ErrorInfo): void {
    if (this.phase !== 'starting') return;
    this.phase = 'stopping';
    this.post({ twq: PROTOCOL_TAG, type: 'start-failed', error });
    this.realClose();
  }

  /** Uncaught errors, unhandled rejections and self.close() are this worker's end. */
  private watchForDeath(): void {
    this.scope.addEventListener('error', (event) => {
      const e = event as ErrorEvent;
      const error = e.error instanceof Error ? toErrorInfo(e.error) : { name: 'Error', message: e.message };
      this.end(error);
    });
    this.scope.addEventListener('unhandledrejection', (event) => {
      const info = toErrorInfo((event as PromiseRejectionEvent).reason);
      this.end({ ...info, message: `unhandled rejection: ${info.message}` });
    });
    this.scope.close = () => {
      this.end({ name: 'WorkerClosed', message: 'the worker called self.close()' });
    };
  }

  private end(error: ErrorInfo): void {
    if (this.phase === 'starting') this.failStart(error);
    else this.die(error);
  }

  private die(error: ErrorInfo): void {
    if (this.phase !== 'serving') return;
    this.phase = 'dying';
    const runtime = this.runtime as WorkerRuntime;
    queueMicrotask(() => {
      const { worker, failQueueOnDeath } = this.message;
      // Without replacements the queue fails, and says so before the death
      // (as the page would): a submitter blocked in a wait hears only this memory.
      if (failQueueOnDeath) recordQueueFailure(runtime.memory, worker, error);
      recordWorkerDeath(runtime.memory, worker, EXIT_CODE, error);
      this.post({ twq: PROTOCOL_TAG, type: 'died' });
      this.realClose();
    });
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
