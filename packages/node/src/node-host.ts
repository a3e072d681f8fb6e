import type { ResourceLimits, Worker } from 'node:worker_threads';
import { WorkerStartError, type WorkerExitEvent } from '@twq/core';
import {
  QueueMemory,
  readGeometry,
  recordHostFailure,
  StartOutcome,
  type HostEvents,
  type ResolvedHostOptions,
  type WorkerHost,
  type WorkerInit,
} from '@twq/core/host';
import type { SupervisorData, ToSupervisor } from './protocol.js';
import type { SupervisorThread } from './supervisor-thread.js';

export interface NodeHostOptions extends ResolvedHostOptions<WorkerExitEvent> {
  readonly opsModule: string;
  readonly exportName: string;
  readonly resourceLimits: ResourceLimits | undefined;
  readonly unref: boolean;
}

const workerEntry = new URL('./worker-entry.js', import.meta.url);
/** How long past a stop's timeout the supervisor may take to say its workers are gone before it is terminated itself. */
const SUPERVISOR_GRACE_MS = 2_000;

/**
 * Starts and stops one supervisor thread, which starts the workers (see
 * supervisor-entry.ts for why). Idle, it does not keep the process alive
 * unless `unref` is false; it is held while the submitter awaits a drain.
 * The thread itself is already booting (createQueue() started it): start()
 * hands it the queue.
 */
export class NodeHost implements WorkerHost {
  private readonly options: NodeHostOptions;
  private readonly thread: SupervisorThread;
  /** The supervisor thread once start() has handed it the queue (and until it is stopped). */
  private supervisor: Worker | undefined;
  private holds = 0;
  private stopped: Promise<void> | undefined;
  /** The stop under way: every later stop() returns it. */
  private stopping: Promise<void> | undefined;
  private resolveStopped: (() => void) | undefined;

  constructor(options: NodeHostOptions, thread: SupervisorThread) {
    this.options = options;
    this.thread = thread;
  }

  start(init: WorkerInit, events: HostEvents): Promise<void> {
    const { opsModule, exportName, resourceLimits, replaceDeadWorkers, stopTimeoutMs } = this.options;
    const initialWorkers = new QueueMemory(init.buffer, readGeometry(init.buffer)).minThreads();
    const data: SupervisorData = { init, opsModule, exportName, workerEntry: workerEntry.href, initialWorkers, resourceLimits, replaceDeadWorkers, stopTimeoutMs };
    const supervisor = this.thread.thread;
    this.supervisor = supervisor;
    // Unref'd while it waited for the queue (see SupervisorThread); held until the workers are ready, as applyRef() then decides.
    supervisor.ref();
    this.stopped = new Promise<void>((resolve) => {
      this.resolveStopped = resolve;
    });
    const outcome = new StartOutcome(this.options.startTimeoutMs, '', () => supervisor.terminate());
    this.thread.listen({
      message: (m) => {
        switch (m.type) {
          case 'ready':
            this.applyRef();
            outcome.succeed();
            break;
          case 'start-failed':
            outcome.fail(new WorkerStartError(m.worker, `${m.error.name}: ${m.error.message}`, m.error));
            break;
          case 'worker-exit':
            events.workerDied(m.event.worker);
            this.options.onWorkerExit?.(m.event);
            break;
          case 'worker-idle':
            events.workerIdle(m.worker);
            break;
          case 'stopped':
            this.resolveStopped?.();
            break;
        }
      },
      error: (e) => {
        outcome.fail(new WorkerStartError(-1, `the supervisor thread failed: ${e.message}`, e));
        failQueue(init, e);
      },
      exit: () => {
        outcome.fail(new WorkerStartError(-1, 'the supervisor thread exited before the workers started'));
        this.resolveStopped?.();
      },
    });
    const message: ToSupervisor = { type: 'init', data };
    supervisor.postMessage(message);
    return outcome.promise;
  }

  /** How long a graceful destroy() waits for the work in flight (and the workers' teardown) before it terminates them. */
  get stopTimeoutMs(): number {
    return this.options.stopTimeoutMs;
  }

  /** Ends one worker now, through the supervisor that started it (a message: the submitter may be blocked, the supervisor is not). */
  terminateWorker(worker: number, reason: { readonly name: string; readonly message: string }): void {
    const message: ToSupervisor = { type: 'terminate', worker, reason: { name: reason.name, message: reason.message } };
    this.supervisor?.postMessage(message);
  }

  /** Elastic threads: one more worker, for partition `worker`, through the supervisor (which starts every worker). */
  startWorker(worker: number): void {
    const message: ToSupervisor = { type: 'start', worker };
    this.supervisor?.postMessage(message);
  }

  stop(force: boolean, timeoutMs = this.options.stopTimeoutMs): Promise<void> {
    const supervisor = this.supervisor;
    if (supervisor === undefined) return Promise.resolve();
    supervisor.ref();
    const message: ToSupervisor = { type: 'stop', force, timeoutMs };
    // A forced stop during a graceful one reaches the supervisor as a second message, which hurries the first.
    supervisor.postMessage(message);
    this.stopping ??= this.stopSupervisor(supervisor, timeoutMs);
    return this.stopping;
  }

  /**
   * Waits for the supervisor's 'stopped' (its workers are gone), then ends it.
   * Bounded even so: a supervisor that cannot answer (a fault of its own) is
   * terminated after the stop's time and a grace, which ends its workers too.
   */
  private async stopSupervisor(supervisor: Worker, timeoutMs: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.stopped,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs + SUPERVISOR_GRACE_MS);
      }),
    ]);
    clearTimeout(timer);
    await supervisor.terminate();
    this.supervisor = undefined;
  }

  hold(): void {
    this.holds++;
    this.applyRef();
  }

  release(): void {
    this.holds--;
    this.applyRef();
  }

  private applyRef(): void {
    if (this.supervisor === undefined) return;
    if (this.holds > 0 || !this.options.unref) this.supervisor.ref();
    else this.supervisor.unref();
  }
}

/** The supervisor itself failed (a bug or an out-of-memory process): fail the queue through shared memory, blaming no worker. */
function failQueue(init: WorkerInit, e: Error): void {
  const memory = new QueueMemory(init.buffer, readGeometry(init.buffer));
  recordHostFailure(memory, { name: e.name, message: `the supervisor thread failed: ${e.message}` });
}
