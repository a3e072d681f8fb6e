import { DEFAULT_SPINS, MAX_SPINS } from '@twq/event';
import { checkBoolean, checkMs } from './checks.js';
import { describeValue } from './errors.js';
import { MAX_IDLE_TIMEOUT_MS, MAX_SLOTS_PER_THREAD, MAX_THREADS } from './memory-layout.js';

/** Where to put the next request. */
export type PlacementPolicy = 'batch' | 'round-robin';

/** The placement policies a queue accepts (`policy` option). */
export const POLICIES: readonly PlacementPolicy[] = Object.freeze(['batch', 'round-robin']);

/**
 * The default placement policy: batching (fill the current worker's free slots
 * before moving on). Chosen by measurement: see the @twq/core README.
 */
export const DEFAULT_POLICY: PlacementPolicy = 'batch';

/** When the submitter runs queued requests itself rather than parking (see the core README). */
export type HelpMode = 'auto' | 'always' | 'never';

/** The values `help` accepts (see `HelpMode`). */
export const HELP_MODES: readonly HelpMode[] = Object.freeze(['auto', 'always', 'never']);

/**
 * Default help mode: 'never'. Helping runs handlers on the submitter's own
 * thread, so a handler that exits, runs out of memory or never returns takes
 * the submitter with it, where a worker's death is reported and replaced:
 * opt in where the handlers are trusted (see the core README for the figures).
 */
export const DEFAULT_HELP: HelpMode = 'never';

/**
 * Default slots per worker thread. The seed's benchmark used 4; more slots let
 * a worker run longer between wake-ups and the submitter fill a batch per
 * wake-up (measured with `twq-bench sweep`: see the README).
 */
export const DEFAULT_SLOTS_PER_THREAD = 64;

/** How long a request may run past its deadline before its worker is terminated, by default (`timeoutGraceMs`). */
export const DEFAULT_TIMEOUT_GRACE_MS = 1_000;

/**
 * How long a worker beyond minThreads stays idle before it retires, by
 * default (`idleTimeoutMs`): 10 s. Starting a Node.js worker thread costs
 * tens of milliseconds (a V8 isolate, the ops module's import, its slots'
 * set-up), so a worker restarted at most once per 10 s of idleness costs well
 * under 1% of that time, while an idle pool still gives its memory back
 * within seconds of a burst.
 */
export const DEFAULT_IDLE_TIMEOUT_MS = 10_000;

/** Default spin budget: polls, with back-off, before a thread parks. */
export const DEFAULT_SPIN_BUDGET = DEFAULT_SPINS;

/** The options every queue takes (InlineQueue, @twq/node, @twq/browser): threads, slots per thread, placement policy, spin budget, name and ops options. */
export interface QueueOptions<O = unknown> {
  /**
   * Worker threads, a fixed count (minThreads = maxThreads = threads). Default:
   * the host's parallelism minus one (the submitter), at least 1; @twq/node's
   * createQueue: the parallelism (one worker per core). Not with minThreads /
   * maxThreads.
   */
  threads?: number;
  /**
   * Elastic threads: the workers that start with the queue and always stay,
   * 1 to maxThreads. Default: `threads`'s default, capped at maxThreads.
   */
  minThreads?: number;
  /**
   * Elastic threads: the most workers, minThreads to 256. The shared memory
   * holds maxThreads partitions from the start; a worker beyond minThreads
   * starts when every live partition is full (getRequest finds no free slot)
   * and the last one started is ready, and retires after `idleTimeoutMs` idle.
   * Default: `threads`'s default, at least minThreads.
   */
  maxThreads?: number;
  /**
   * Elastic threads: how long (ms) a worker waits idle before it retires,
   * while more than minThreads are live; an integer in [1, 2147483647].
   * Default 10000 (DEFAULT_IDLE_TIMEOUT_MS). Unused when minThreads = maxThreads.
   */
  idleTimeoutMs?: number;
  /** Slots owned by each worker, 1 to 4096. Default 64. */
  slotsPerThread?: number;
  /** Name of the queue (workers are named after it). Default 'twq'. */
  name?: string;
  /** 'batch' (default) or 'round-robin'. */
  policy?: PlacementPolicy;
  /**
   * Polls with back-off before parking, on both sides; 0 parks at once.
   * Default: 64 when the workers and the submitter each have a core
   * (threads + 1 <= the host's parallelism), else 0.
   */
  spinBudget?: number;
  /**
   * true (default): a worker with nothing of its own takes queued requests
   * from the most loaded other partition (one compare-and-swap on the slot's
   * claim). false: each request runs on the worker its slot belongs to.
   */
  steal?: boolean;
  /**
   * Whether the submitter runs queued requests itself while it would otherwise
   * park: 'never' (default); 'auto' in the blocking waits (getRequestBlocking, waitAll),
   * which never run on a browser's main thread, unless the handler is an async
   * function; 'always' in the async waits too (getRequestAsync, drain: on a
   * browser's main thread only if you opt in with this); 'never'.
   */
  help?: HelpMode;
  /**
   * A deadline for every request, in ms from its submit (a request's own
   * `submit(request, { timeoutMs })` overrides it). Not started by then: it is
   * never run, and its done callback gets a RemoteError named 'TimeoutError'
   * with code ERR_TWQ_TIMEOUT. Running by then: its handler sees the
   * cooperative flag (`env.cancelled`, `env.signal`) and the request completes
   * as the handler decides. Default Infinity (none).
   */
  requestTimeoutMs?: number;
  /**
   * How long a request may run past its deadline, flag raised, before the
   * worker running it is terminated (and replaced, as any dead worker): the
   * request then fails with ERR_TWQ_TIMEOUT. Default 1000 ms; Infinity: never
   * terminate. Needs a host that can end one worker (@twq/node, @twq/browser).
   */
  timeoutGraceMs?: number;
  /** Options handed to an ops factory, on both sides (must be structured-cloneable). */
  opsOptions?: O;
}

/** QueueOptions checked and with their defaults filled in (`resolveOptions`). */
export interface ResolvedOptions<O = unknown> {
  /** Partitions of the shared memory: maxThreads. */
  readonly threads: number;
  readonly minThreads: number;
  readonly maxThreads: number;
  readonly idleTimeoutMs: number;
  readonly slotsPerThread: number;
  readonly name: string;
  readonly policy: PlacementPolicy;
  readonly spinBudget: number;
  readonly steal: boolean;
  readonly help: HelpMode;
  readonly requestTimeoutMs: number;
  readonly timeoutGraceMs: number;
  readonly opsOptions: O | undefined;
}

/** Threads to use by default given the host's parallelism: leave one core to the submitter. */
export function defaultThreads(parallelism: number): number {
  const p = Number.isInteger(parallelism) && parallelism > 0 ? parallelism : 1;
  return Math.max(1, Math.min(MAX_THREADS, p - 1));
}

/** Validates options and fills in defaults; every error names the value and the allowed range. */
export function resolveOptions<O>(options: QueueOptions<O> | undefined, parallelism: number): ResolvedOptions<O> {
  if (options !== undefined && (typeof options !== 'object' || (options as unknown) === null)) {
    throw new TypeError(`options must be an object or undefined, got ${describeValue(options)}`);
  }
  const o = options ?? {};
  const { minThreads, maxThreads } = resolveThreads(o, parallelism);
  const threads = maxThreads;
  const idleTimeoutMs = o.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  if (!Number.isInteger(idleTimeoutMs) || idleTimeoutMs < 1 || idleTimeoutMs > MAX_IDLE_TIMEOUT_MS) {
    throw new RangeError(`idleTimeoutMs must be an integer number of milliseconds in [1, ${MAX_IDLE_TIMEOUT_MS}], got ${describeValue(idleTimeoutMs)}`);
  }
  const slotsPerThread = o.slotsPerThread ?? DEFAULT_SLOTS_PER_THREAD;
  if (!Number.isInteger(slotsPerThread) || slotsPerThread < 1 || slotsPerThread > MAX_SLOTS_PER_THREAD) {
    throw new RangeError(
      `slotsPerThread must be an integer in [1, ${MAX_SLOTS_PER_THREAD}], got ${describeValue(slotsPerThread)}`,
    );
  }
  const name = o.name ?? 'twq';
  if (typeof name !== 'string' || name.length === 0 || name.length > 64) {
    throw new TypeError(`name must be a string of 1 to 64 characters, got ${describeValue(name)}`);
  }
  const policy = o.policy ?? DEFAULT_POLICY;
  if (!POLICIES.includes(policy)) {
    throw new RangeError(`policy must be one of ${POLICIES.map((p) => `'${p}'`).join(', ')}, got ${describeValue(policy)}`);
  }
  // With more busy threads than cores, a spinning thread takes the core that
  // the thread it waits for needs: park at once by default.
  const spinBudget = o.spinBudget ?? (threads + 1 > parallelism ? 0 : DEFAULT_SPIN_BUDGET);
  if (!Number.isInteger(spinBudget) || spinBudget < 0 || spinBudget > MAX_SPINS) {
    throw new RangeError(`spinBudget must be an integer in [0, ${MAX_SPINS}], got ${describeValue(spinBudget)}`);
  }
  const steal = o.steal ?? true;
  if (typeof steal !== 'boolean') throw new TypeError(`steal must be a boolean, got ${describeValue(steal)}`);
  const help = o.help ?? DEFAULT_HELP;
  if (!HELP_MODES.includes(help)) {
    throw new RangeError(`help must be one of ${HELP_MODES.map((m) => `'${m}'`).join(', ')}, got ${describeValue(help)}`);
  }
  const requestTimeoutMs = checkRequestTimeout(o.requestTimeoutMs ?? Infinity, 'requestTimeoutMs');
  const timeoutGraceMs = checkRequestTimeout(o.timeoutGraceMs ?? DEFAULT_TIMEOUT_GRACE_MS, 'timeoutGraceMs');
  return Object.freeze({
    threads,
    minThreads,
    maxThreads,
    idleTimeoutMs,
    slotsPerThread,
    name,
    policy,
    spinBudget,
    steal,
    help,
    requestTimeoutMs,
    timeoutGraceMs,
    opsOptions: o.opsOptions,
  });
}

/** threads (a fixed count) or minThreads / maxThreads (elastic), each an integer in [1, MAX_THREADS], min <= max. */
function resolveThreads(o: QueueOptions, parallelism: number): { minThreads: number; maxThreads: number } {
  const checkThreads = (value: unknown, name: string): number => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_THREADS) {
      throw new RangeError(`${name} must be an integer in [1, ${MAX_THREADS}], got ${describeValue(value)}`);
    }
    return value;
  };
  if (o.threads !== undefined) {
    const threads = checkThreads(o.threads, 'threads');
    if (o.minThreads !== undefined || o.maxThreads !== undefined) {
      throw new TypeError(
        `threads (${describeValue(o.threads)}) is a fixed count: give it alone, or minThreads / maxThreads without it (got minThreads ${describeValue(o.minThreads)}, maxThreads ${describeValue(o.maxThreads)})`,
      );
    }
    return { minThreads: threads, maxThreads: threads };
  }
  const fallback = defaultThreads(parallelism);
  const min = o.minThreads === undefined ? undefined : checkThreads(o.minThreads, 'minThreads');
  const max = o.maxThreads === undefined ? undefined : checkThreads(o.maxThreads, 'maxThreads');
  const minThreads = min ?? Math.min(fallback, max ?? fallback);
  const maxThreads = max ?? Math.max(fallback, minThreads);
  if (minThreads > maxThreads) {
    throw new RangeError(`minThreads must be an integer in [1, maxThreads = ${maxThreads}], got ${describeValue(minThreads)}`);
  }
  return { minThreads, maxThreads };
}

/** A request deadline in ms (`requestTimeoutMs`, `submit`'s `timeoutMs`): a number in [0, Infinity]. */
export function checkRequestTimeout(value: unknown, name: string): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new RangeError(`${name} must be a number of milliseconds in [0, Infinity], got ${describeValue(value)}`);
  }
  return value;
}

/**
 * Throws a TypeError unless `value` (a queue's `opsOptions`) survives
 * structuredClone: what a threaded adapter checks of them before it starts any thread (they
 * are cloned to every worker), rather than failing later with an untyped
 * DataCloneError from each worker's start.
 */
export function checkCloneable(value: unknown): void {
  if (value === undefined) return;
  try {
    structuredClone(value);
  } catch (e) {
    throw new TypeError(
      `opsOptions must be structured-cloneable (they are copied to every worker), got ${describeValue(value)}: ${(e as Error).message}`,
      { cause: e },
    );
  }
}

/**
 * The options every threaded adapter (@twq/node's and @twq/browser's
 * createQueue) takes besides the queue's own: how worker deaths are handled
 * and how long starting and stopping may take. `E` is the adapter's exit event.
 */
export interface HostOptions<E> {
  /**
   * true (default): a worker that dies is replaced; its in-flight requests
   * fail with WorkerDiedError. false: the queue fails instead, and every
   * later call throws QueueFailedError.
   */
  replaceDeadWorkers?: boolean;
  /** Rejects creation if the workers are not all ready after this long. Default 30000. */
  startTimeoutMs?: number;
  /**
   * How long a graceful destroy() waits for the requests in flight and for the
   * workers to tear down; past it the workers are terminated and what was still
   * in flight is reported failed (ERR_TWQ_DESTROYED). Default 5000.
   */
  stopTimeoutMs?: number;
  /** Called (on the submitter's event loop) when a worker dies while the queue runs. */
  onWorkerExit?: (event: E) => void;
  /**
   * false (default): the module the workers import (Node.js: the ops module or
   * a pool's task file; a browser: the worker script URL) may not be a `data:`
   * URL (code carried in the URL itself) nor a network URL (Node.js: `http:`,
   * `https:`; a browser: one of another origin). Handlers run with the queue's
   * whole memory (see the trust model in the README): whatever can choose the
   * module runs code there. true: such URLs are taken as given.
   */
  allowDataAndNetworkModules?: boolean;
}

/** Host options with every default filled in and checked. */
export interface ResolvedHostOptions<E> {
  readonly replaceDeadWorkers: boolean;
  readonly startTimeoutMs: number;
  readonly stopTimeoutMs: number;
  /** Called (on the submitter's event loop) when a worker dies while the queue runs; undefined: nobody is told. */
  readonly onWorkerExit: ((event: E) => void) | undefined;
  /** Whether a `data:` or network URL may name the workers' module (see HostOptions). */
  readonly allowDataAndNetworkModules: boolean;
}

const DEFAULT_START_TIMEOUT_MS = 30_000;
/** How long a graceful destroy() waits by default (stopTimeoutMs; a host without one, such as the inline queue's, too). */
export const DEFAULT_STOP_TIMEOUT_MS = 5_000;

/**
 * Checks an adapter's host options (and that `opsOptions` can be cloned to
 * the workers) before anything is started; fills in the defaults. Every error
 * names the value and what is allowed.
 */
export function resolveHostOptions<E>(options: HostOptions<E> & { readonly opsOptions?: unknown }): ResolvedHostOptions<E> {
  if (typeof options !== 'object' || (options as unknown) === null) {
    throw new TypeError(`options must be an object, got ${describeValue(options)}`);
  }
  const replaceDeadWorkers = options.replaceDeadWorkers ?? true;
  if (typeof replaceDeadWorkers !== 'boolean') {
    throw new TypeError(`replaceDeadWorkers must be a boolean, got ${describeValue(replaceDeadWorkers)}`);
  }
  const onWorkerExit = options.onWorkerExit;
  if (onWorkerExit !== undefined && typeof onWorkerExit !== 'function') {
    throw new TypeError(`onWorkerExit must be a function or undefined, got ${describeValue(onWorkerExit)}`);
  }
  const startTimeoutMs = checkMs(options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS, 'startTimeoutMs');
  const stopTimeoutMs = checkMs(options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS, 'stopTimeoutMs');
  const allowDataAndNetworkModules = checkBoolean(options.allowDataAndNetworkModules ?? false, 'allowDataAndNetworkModules');
  checkCloneable(options.opsOptions);
  return Object.freeze({ replaceDeadWorkers, startTimeoutMs, stopTimeoutMs, onWorkerExit, allowDataAndNetworkModules });
}


