/**
 * The supervisor thread's work once core is loaded: core's Supervisor over
 * the workers, answering the submitter's thread. Loaded by
 * supervisor-entry.ts with a dynamic import, which runs while the thread
 * waits for its queue and while the first workers boot (see there); a module
 * of its own so that a bundler keeps only the parts of core it uses.
 */
import type { MessagePort, Worker } from 'node:worker_threads';
import { QueueMemory, Supervisor, isWorkerMessage, readGeometry, toErrorInfo } from '@twq/core/host';
import type { FromSupervisor, SupervisorControl, SupervisorData } from './protocol.js';

/** Where the supervisor thread sends what a worker's thread says. */
export interface WorkerEventSink {
  message(worker: number, handle: Worker, m: unknown): void;
  error(worker: number, handle: Worker, e: Error): void;
  exited(worker: number, handle: Worker, exitCode: number): void;
}

/** A running supervision: where the workers' events go, and where the submitter's messages do. */
export interface Supervision {
  readonly workers: WorkerEventSink;
  control(m: SupervisorControl): void;
}

/**
 * Starts core's Supervisor over `data`'s queue: `spawn` starts (or hands
 * over) partition t's thread. Answers the submitter on `port` (and closes it
 * once stopped).
 */
export function supervise(data: SupervisorData, port: MessagePort, spawn: (worker: number) => Worker): Supervision {
  const send = (m: FromSupervisor): void => {
    port.postMessage(m);
  };
  const supervisor = new Supervisor<Worker>(
    { spawn, terminate: (w) => w.terminate() },
    new QueueMemory(data.init.buffer, readGeometry(data.init.buffer)),
    data.replaceDeadWorkers,
    {
      started: () => {
        send({ type: 'ready' });
      },
      startFailed: (worker, error) => {
        send({ type: 'start-failed', worker, error });
      },
      workerExit: (event) => {
        send({ type: 'worker-exit', event });
      },
      workerIdle: (worker) => {
        send({ type: 'worker-idle', worker });
      },
    },
  );

  let stopping = false;
  const control = (m: SupervisorControl): void => {
    if (m.type === 'terminate') {
      supervisor.terminateWorker(m.worker, m.reason);
      return;
    }
    if (m.type === 'start') {
      supervisor.startWorker(m.worker);
      return;
    }
    // A second message (a forced stop during a graceful one) only hurries the first.
    const stopped = supervisor.stop(m.force, m.timeoutMs);
    if (stopping) return;
    stopping = true;
    void stopped.then(() => {
      send({ type: 'stopped' });
      port.close();
    });
  };

  supervisor.start();
  const workers: WorkerEventSink = {
    message: (t, w, m) => {
      if (isWorkerMessage(m)) supervisor.message(t, w, m);
    },
    error: (t, w, e) => {
      supervisor.error(t, w, toErrorInfo(e));
    },
    exited: (t, w, exitCode) => {
      supervisor.exited(t, w, exitCode);
    },
  };
  return { workers, control };
}
