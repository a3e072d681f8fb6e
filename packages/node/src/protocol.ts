/**
 * Message shapes between the three kinds of thread of a Node queue:
 *
 *   main (submitter) --SupervisorData / ToSupervisor--> supervisor --WorkerData--> worker
 *   main <--FromSupervisor-- supervisor <--FromWorker-- worker
 *
 * Only the rare events travel as messages (start, ready, death, stop). Requests
 * never do: they move through the shared memory.
 */
import type { ErrorInfo, WorkerInit } from '@twq/core';

export interface WorkerData {
  readonly init: WorkerInit;
  /** `file:` URL (or bare specifier) of the ops module. */
  readonly opsModule: string;
  readonly exportName: string;
  readonly worker: number;
}

export interface SupervisorData {
  readonly init: WorkerInit;
  readonly opsModule: string;
  readonly exportName: string;
  readonly workerEntry: string;
  readonly resourceLimits: import('node:worker_threads').ResourceLimits | undefined;
  readonly replaceDeadWorkers: boolean;
  readonly stopTimeoutMs: number;
}

export type FromWorker = { readonly type: 'ready' } | { readonly type: 'start-failed'; readonly error: ErrorInfo };

export type ToSupervisor = { readonly type: 'stop'; readonly force: boolean };

export type FromSupervisor =
  | { readonly type: 'ready' }
  | { readonly type: 'start-failed'; readonly worker: number; readonly error: ErrorInfo }
  | { readonly type: 'worker-died'; readonly worker: number; readonly exitCode: number; readonly error: ErrorInfo; readonly replaced: boolean }
  | { readonly type: 'replacement-failed'; readonly worker: number; readonly error: ErrorInfo }
  | { readonly type: 'stopped' };
