import { Worker, type ResourceLimits } from 'node:worker_threads';
import {
  QueueMemory,
  WorkerStartError,
  readGeometry,
  recordQueueFailure,
  type HostEvents,
  type WorkerHost,
  type WorkerInit,
} from '@twq/core';
import type { FromSupervisor, SupervisorData, ToSupervisor } from './protocol.js';

export interface NodeHostOptions {
  readonly opsModule: string;
  readonly exportName: string;
  readonly resourceLimits: ResourceLimits | undefined;
  readonly replaceDeadWorkers: boolean;
  readonly unref: boolean;
  readonly startTimeoutMs: number;
  readonly stopTimeoutMs: number;
  readonly onWorkerExit: ((event: WorkerExitEvent) => void) | undefined;
}

/** What `onWorkerExit` learns when a worker dies while the queue runs. */
export interface WorkerExitEvent {
  readonly worker: number;
  readonly exitCode: number;
  readonly error: { readonly name: string; readonly message: string };
  /** Whether a replacement is being started. */
  readonly replaced: boolean;
}

const supervisorEntry = new URL('./supervisor-entry.js', import.meta.url);
const workerEntry = new URL('./worker-entry.js', import.meta.url);

/**
 * Starts and stops one supervisor thread, which starts the workers (see
 * supervisor-entry.ts for why). Idle, it does not keep the process alive
 * unless `unref` is false; it is held while the submitter awaits a drain.
 */
export class NodeHost implements WorkerHost {
  private readonly options: NodeHostOptions;
  private supervisor: Worker | undefined;
  private holds = 0;
  private stopped: Promise<void> | undefined;
  private resolveStopped: (() => void) | undefined;

  constructor(options: NodeHostOptions) {
    this.options = options;
  }

  start(init: WorkerInit, events: HostEvents): Promise<void> {
    const data: SupervisorData = {
      init,
      opsModule: this.options.opsModule,
      exportName: this.options.exportName,
      workerEntry: workerEntry.href,
      resourceLimits: this.options.resourceLimits,
      replaceDeadWorkers: this.options.replaceDeadWorkers,
      stopTimeoutMs: this.options.stopTimeoutMs,
    };
    const supervisor = new Worker(supervisorEntry, { workerData: data, name: `${init.name}:supervisor` });
    this.supervisor = supervisor;
    this.stopped = new Promise<void>((resolve) => {
      this.resolveStopped = resolve;
    });
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        void supervisor.terminate().then(() => {
          reject(error);
        });
      };
      const timer = setTimeout(() => {
        fail(new WorkerStartError(-1, `the workers did not all start within ${this.options.startTimeoutMs} ms`));
      }, this.options.startTimeoutMs);
      supervisor.on('message', (m: FromSupervisor) => {
        switch (m.type) {
          case 'ready':
            if (!settled) {
              settled = true;
              clearTimeout(timer);
              this.applyRef();
              resolve();
            }
            break;
          case 'start-failed':
            fail(new WorkerStartError(m.worker, `${m.error.name}: ${m.error.message}`, m.error));
            break;
          case 'worker-died':
            events.workerDied(m.worker);
            this.options.onWorkerExit?.({ worker: m.worker, exitCode: m.exitCode, error: m.error, replaced: m.replaced });
            break;
          case 'replacement-failed':
            events.workerDied(m.worker);
            this.options.onWorkerExit?.({ worker: m.worker, exitCode: 1, error: m.error, replaced: false });
            break;
          case 'stopped':
            this.resolveStopped?.();
            break;
        }
      });
      supervisor.on('error', (e: Error) => {
        fail(new WorkerStartError(-1, `the supervisor thread failed: ${e.message}`, e));
        failQueue(init, e);
      });
      supervisor.on('exit', () => {
        fail(new WorkerStartError(-1, 'the supervisor thread exited before the workers started'));
        this.resolveStopped?.();
      });
    });
  }

  async stop(force: boolean): Promise<void> {
    const supervisor = this.supervisor;
    if (supervisor === undefined) return;
    supervisor.ref();
    const message: ToSupervisor = { type: 'stop', force };
    supervisor.postMessage(message);
    await this.stopped;
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

/** The supervisor itself failed (a bug or an out-of-memory process): fail the queue through shared memory. */
function failQueue(init: WorkerInit, e: Error): void {
  const memory = new QueueMemory(init.buffer, readGeometry(init.buffer));
  recordQueueFailure(memory, 0, { name: e.name, message: `the supervisor thread failed: ${e.message}` });
}
