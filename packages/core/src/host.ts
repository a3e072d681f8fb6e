/**
 * The seam between the environment-agnostic core and an adapter (@twq/node,
 * @twq/browser, the inline host). An adapter only spawns threads, wires their
 * errors and stops them; the protocol lives in core.
 */

/** What every worker needs to attach to a queue; sent once, at spawn. */
export interface WorkerInit {
  /** The queue's shared memory. */
  readonly buffer: SharedArrayBuffer;
  readonly name: string;
  readonly threads: number;
  readonly slotsPerThread: number;
  readonly spinBudget: number;
  readonly opsOptions: unknown;
}

/** What a host tells the queue as it happens (on the submitter's thread). */
export interface HostEvents {
  /** A worker died (its death is already recorded in shared memory). */
  workerDied(worker: number): void;
  /** A worker has been idle for idleTimeoutMs and asks to retire (its RUN word says ASKED): the queue answers. */
  workerIdle(worker: number): void;
}

/** What a threaded adapter (@twq/node, @twq/browser) gives a Workqueue: starting, waking and stopping its workers on one environment's threads. */
export interface WorkerHost {
  /**
   * Starts one worker per partition of the first minThreads (every partition
   * of a fixed-size queue) over `init`. Resolves once every worker has
   * loaded the ops, set up its slots and published READY; rejects with a
   * WorkerStartError after stopping whatever it started when any fails.
   * `events` is for a host whose event loop hears of deaths.
   */
  start(init: WorkerInit, events: HostEvents): Promise<void>;
  /**
   * Called after the queue's destroy flag is set and every wake event is set.
   * Resolves when every worker is gone. Graceful, it waits at most `timeoutMs`
   * (default: `stopTimeoutMs`) for the workers to leave their loops and tear
   * down, then terminates them; `force` terminates at once. A forced call while
   * a graceful one is under way hurries it: both resolve once the workers are gone.
   */
  stop(force: boolean, timeoutMs?: number): Promise<void>;
  /** How long a graceful destroy() waits for the work in flight (the host's `stopTimeoutMs`); absent: DEFAULT_STOP_TIMEOUT_MS. */
  readonly stopTimeoutMs?: number;
  /**
   * Optional: keep the process alive while the submitter awaits the workers
   * (an async wait), where idle workers are otherwise not keeping it alive.
   * Calls nest: every hold() is matched by one release().
   */
  hold?(): void;
  /** Optional: undoes one hold(). */
  release?(): void;
  /**
   * Optional: ends worker `worker` now, its death then reported (with
   * `reason`) and the worker replaced as with any death. The queue calls it for
   * a request that ran past its deadline and grace (`timeoutGraceMs`). A host
   * without it (the inline queue's) cannot end a running handler.
   */
  terminateWorker?(worker: number, reason: { readonly name: string; readonly message: string }): void;
  /**
   * Elastic threads: starts a worker for partition `worker`, which is not
   * served (it never started, or its worker retired): after the partition's
   * previous thread, if any, is gone. Needed for minThreads < maxThreads. A
   * worker that fails to start fails the queue, as a failed replacement does.
   */
  startWorker?(worker: number): void;
}
