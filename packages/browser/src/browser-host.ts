import type { WorkerExitEvent } from '@twq/core';
import {
  EXIT_CODE_UNKNOWN,
  QueueMemory,
  StartOutcome,
  Supervisor,
  WORKER_MESSAGE_TAG,
  isWorkerMessage,
  readGeometry,
  toErrorInfo,
  type ErrorInfo,
  type HostEvents,
  type ResolvedHostOptions,
  type WorkerHost,
  type WorkerInit,
  type WorkerStart,
} from '@twq/core/host';
import { hasLifeLocks, lifeLockPrefix, watchLifeLock } from './life-lock.js';

export interface BrowserHostOptions extends ResolvedHostOptions<WorkerExitEvent> {
  readonly spawn: (index: number) => Worker;
}

/** Why a worker is gone when it said nothing: its life lock was granted. */
const GONE = { name: 'WorkerGone', message: 'the worker stopped running (self.close(), terminate() by other code, or a crash)' };

/** One Web Worker (a partition has a new one after each replacement), and how to stop watching its life lock. */
type Thread = { readonly worker: Worker; unwatch: () => void };

/**
 * Starts, watches and stops the Web Workers of one queue on the submitter's
 * thread (a page, or a worker with a queue of its own), through core's
 * Supervisor. A dedicated worker has no 'exit' event: one whose code fails
 * (an uncaught error or rejection, a self.close()) reports its own death (see
 * core's WorkerMain) and says 'died'; any other end (terminated by other code,
 * a crash) shows up as the grant of its life lock (see life-lock.ts).
 */
export class BrowserHost implements WorkerHost {
  private readonly options: BrowserHostOptions;
  private supervisor: Supervisor<Thread> | undefined;
  private lockSerial = 0;

  constructor(options: BrowserHostOptions) {
    this.options = options;
  }

  start(init: WorkerInit, events: HostEvents): Promise<void> {
    const lockPrefix = hasLifeLocks() ? lifeLockPrefix(init.name) : undefined;
    const outcome = new StartOutcome(
      this.options.startTimeoutMs,
      " (does the worker script call serveOps() from '@twq/browser/worker'?)",
      () => supervisor.stop(true, 0),
    );
    const supervisor: Supervisor<Thread> = new Supervisor<Thread>(
      {
        spawn: (t) => {
          const worker = this.options.spawn(t);
          const lock = lockPrefix === undefined ? null : `${lockPrefix}:${t}:${this.lockSerial++}`;
          const thread: Thread = { worker, unwatch: () => undefined };
          worker.addEventListener('message', (event: MessageEvent) => {
            const m = event.data as unknown;
            if (!isWorkerMessage(m)) return;
            if (m.type === 'ready' && m.lock && lock !== null) {
              thread.unwatch = watchLifeLock(lock, () => {
                supervisor.exited(t, thread, EXIT_CODE_UNKNOWN, GONE);
              });
            }
            supervisor.message(t, thread, m);
          });
          worker.addEventListener('error', (event: Event) => {
            // Handled here: keep it from being reported again as the page's own uncaught error.
            event.preventDefault();
            supervisor.error(t, thread, describeErrorEvent(event));
          });
          const message: WorkerStart = { twq: WORKER_MESSAGE_TAG, type: 'init', init, worker: t, lock, failQueueOnDeath: !this.options.replaceDeadWorkers };
          // Throws a DataCloneError for opsOptions that cannot be structured-cloned: a failed start.
          worker.postMessage(message);
          return thread;
        },
        terminate: (thread) => {
          thread.unwatch();
          thread.worker.terminate();
        },
      },
      new QueueMemory(init.buffer, readGeometry(init.buffer)),
      this.options.replaceDeadWorkers,
      {
        workerExit: (event) => {
          // The queue reclaims the dead worker's slots now (not at its next wait), so the replacement can start at once.
          events.workerDied(event.worker);
          this.options.onWorkerExit?.(event);
        },
        workerIdle: (worker) => {
          events.workerIdle(worker);
        },
      },
    );
    this.supervisor = supervisor;
    supervisor.start(outcome);
    return outcome.promise;
  }

  /** How long a graceful destroy() waits for the work in flight (and the workers' teardown) before it terminates them. */
  get stopTimeoutMs(): number {
    return this.options.stopTimeoutMs;
  }

  /** Ends one worker now (worker.terminate() through core's Supervisor): its death is then reported and it is replaced. */
  terminateWorker(worker: number, reason: { readonly name: string; readonly message: string }): void {
    this.supervisor?.terminateWorker(worker, { name: reason.name, message: reason.message });
  }

  /** Elastic threads: one more worker, for partition `worker` (spawned once its retired predecessor, if any, is gone). */
  startWorker(worker: number): void {
    this.supervisor?.startWorker(worker);
  }

  /** Stops through core's Supervisor: graceful for at most `timeoutMs`, then worker.terminate(); a forced call hurries one under way. */
  async stop(force: boolean, timeoutMs = this.options.stopTimeoutMs): Promise<void> {
    await this.supervisor?.stop(force, timeoutMs);
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
    return { ...(inner instanceof Error ? toErrorInfo(inner) : { name: 'Error' }), message: `${e.message}${where}` };
  }
  return {
    name: 'WorkerLoadError',
    message:
      'the worker script failed to load (a network error or 404, a syntax error, an import that failed, or a page that is not cross-origin isolated: see the browser console)',
  };
}
