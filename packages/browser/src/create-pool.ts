import {
  MAX_THREADS,
  TaskPool,
  ValueTaskCodec,
  createValueOpsOptions,
  defaultThreads,
  describeValue,
  resolveValueMode,
  valueOps,
  type TaskInput,
  type TaskResult,
  type ValueModeOptions,
  type ValueOpsOptions,
  type ValueSpec,
} from '@twq/core';
import { createQueue, type BrowserQueueOptions } from './create-queue.js';

/** A pool's slots per thread unless `slotsPerThread` is given (as in @twq/node). */
const DEFAULT_POOL_SLOTS_PER_THREAD = 256;

/** createPool's options: a worker that calls serveTask(), twq's queue options, and the value sizes. */
export interface BrowserPoolOptions
  extends ValueModeOptions,
    Omit<BrowserQueueOptions<ValueSpec, ValueOpsOptions>, 'onDone' | 'opsOptions'> {
  /** piscina's; the pool runs exactly this many threads unless `threads` is given. */
  maxThreads?: number;
  /** piscina's; only checked (<= the pool's threads). */
  minThreads?: number;
}

/** What the page's copy of the value ops runs: nothing, the workers run the task. */
function pageSide(): never {
  throw new Error('a twq pool runs its task on the workers only');
}
const PAGE_OPS = valueOps([pageSide]);

/**
 * A pool of module Web Workers, each serving one task function (`serveTask(fn)`
 * from '@twq/browser/worker'): then `await pool.run(input)`, `pool.map(...)`,
 * `pool.all(...)`. Never blocks: made for a page's main thread.
 *
 * Type it from the task: `createPool<typeof import('./task.js')>(...)`.
 */
export async function createPool<T = (input: unknown) => unknown>(options: BrowserPoolOptions): Promise<TaskPool<TaskInput<T>, TaskResult<T>>> {
  if (typeof options !== 'object' || (options as unknown) === null) {
    throw new TypeError(`createPool(): options must be an object with at least a worker, got ${describeValue(options)}`);
  }
  for (const key of ['threads', 'minThreads', 'maxThreads'] as const) {
    const v = options[key];
    if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > MAX_THREADS)) {
      throw new RangeError(`createPool(): ${key} must be an integer in [1, ${MAX_THREADS}], got ${describeValue(v)}`);
    }
  }
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  const threads = options.threads ?? options.maxThreads ?? Math.max(options.minThreads ?? 1, defaultThreads(nav?.hardwareConcurrency ?? 1));
  if (options.minThreads !== undefined && options.minThreads > threads) {
    throw new RangeError(`createPool(): minThreads (${options.minThreads}) must be at most the pool's threads (${threads})`);
  }
  const slotsPerThread = options.slotsPerThread ?? DEFAULT_POOL_SLOTS_PER_THREAD;
  const mode = resolveValueMode(options);
  const opsOptions = createValueOpsOptions(mode, threads);
  const name = options.name ?? 'twq-pool';
  const pool = new TaskPool<TaskInput<T>, TaskResult<T>>(
    new ValueTaskCodec(opsOptions, threads * (Number.isInteger(slotsPerThread) ? slotsPerThread : 1), 1),
    name,
    'default',
  );
  const queue = await createQueue(PAGE_OPS, {
    ...options,
    name,
    threads,
    slotsPerThread,
    policy: options.policy ?? 'round-robin',
    opsOptions,
    onDone: pool.onDone,
  });
  pool.attach(queue);
  return pool;
}
