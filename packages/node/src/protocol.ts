/**
 * Message shapes between the three kinds of thread of a Node queue:
 *
 *   main (submitter) --ToSupervisor (the first: init, with SupervisorData)--> supervisor --WorkerData--> worker
 *   main <--FromSupervisor-- supervisor <--WorkerMessage (core)-- worker
 *
 * Only the rare events travel as messages (start, ready, death, stop). Requests
 * never do: they move through the shared memory.
 */
import type { WorkerExitEvent } from '@twq/core';
import type { ErrorInfo, WorkerInit } from '@twq/core/host';

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
  /** How many workers start with the queue (its minThreads): the supervisor spawns them before it loads core. */
  readonly initialWorkers: number;
  readonly resourceLimits: import('node:worker_threads').ResourceLimits | undefined;
  readonly replaceDeadWorkers: boolean;
  readonly stopTimeoutMs: number;
}

/**
 * The queue to supervise: the first message, once the queue exists (the
 * thread itself is started earlier, as createQueue() begins, so that its
 * boot overlaps the loading of the ops on the submitter's thread).
 */
export interface SupervisorInit {
  readonly type: 'init';
  readonly data: SupervisorData;
}

/** What the supervisor is told once it supervises (every message after `init`). */
export type SupervisorControl =
  /** Stop the workers: graceful for at most `timeoutMs`, or at once (`force`; a forced stop also hurries a graceful one under way). */
  | { readonly type: 'stop'; readonly force: boolean; readonly timeoutMs: number }
  /** End one worker now (a request ran past its deadline and grace): a death like any other. */
  | { readonly type: 'terminate'; readonly worker: number; readonly reason: ErrorInfo }
  /** Elastic threads: start a worker for this partition (the queue grew). */
  | { readonly type: 'start'; readonly worker: number };

export type ToSupervisor = SupervisorInit | SupervisorControl;

export type FromSupervisor =
  | { readonly type: 'ready' }
  | { readonly type: 'start-failed'; readonly worker: number; readonly error: ErrorInfo }
  | { readonly type: 'worker-exit'; readonly event: WorkerExitEvent }
  /** Elastic threads: the worker has been idle for idleTimeoutMs and asks to retire. */
  | { readonly type: 'worker-idle'; readonly worker: number }
  | { readonly type: 'stopped' };
