import { describeValue } from '../errors.js';
import { MAX_SLOTS_PER_THREAD, MAX_THREADS, checkQueueSize } from '../memory-layout.js';
import { defaultThreads, type PlacementPolicy } from '../options.js';
import { TaskPool } from './task-pool.js';
import { ValueTaskCodec, createValueOpsOptions, resolveValueMode, type ValueModeOptions } from './value-codec-task.js';
import type { ValueOpsOptions } from './value-ops.js';
import { valueLayout } from './value-port.js';

/** A pool's slots per thread unless `slotsPerThread` is given. */
export const DEFAULT_POOL_SLOTS_PER_THREAD = 256;

/** The sizing options every adapter's createPool takes. */
export interface PoolSizing extends ValueModeOptions {
  threads?: number;
  /** piscina's; only checked (<= the pool's threads): twq's threads are a fixed count for now. */
  minThreads?: number;
  /** piscina's; the pool runs this many threads unless `threads` is given. */
  maxThreads?: number;
  slotsPerThread?: number;
  policy?: PlacementPolicy;
}

/** What an adapter needs to create a pool's queue: its sizes, the workers' options, and the pool to attach. */
export interface PoolSetup<I, R> {
  readonly threads: number;
  readonly slotsPerThread: number;
  readonly policy: PlacementPolicy;
  readonly opsOptions: ValueOpsOptions;
  readonly pool: TaskPool<I, R>;
}

/**
 * The adapter-independent half of createPool: checks the thread options
 * (threads, else maxThreads, else the host's parallelism minus one, at least
 * minThreads), picks a pool's defaults (more slots than a queue: a promise per
 * task makes the submitter slower than a no-op worker, and each slot is a task
 * a worker can take without waiting; round-robin: a pool's tasks may be long,
 * and 'batch' would queue a burst of them on one worker while others idle),
 * makes the arenas and the pool. The queue options left are the adapter's to check.
 */
export function preparePool<I, R>(options: PoolSizing, parallelism: number, queueName: string, exportName: string): PoolSetup<I, R> {
  for (const key of ['threads', 'minThreads', 'maxThreads'] as const) {
    const v = options[key];
    if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > MAX_THREADS)) {
      throw new RangeError(`createPool(): ${key} must be an integer in [1, ${MAX_THREADS}], got ${describeValue(v)}`);
    }
  }
  const threads = options.threads ?? options.maxThreads ?? Math.max(options.minThreads ?? 1, defaultThreads(parallelism));
  if (options.minThreads !== undefined && options.minThreads > threads) {
    throw new RangeError(
      `createPool(): minThreads (${options.minThreads}) must be at most the pool's threads (${threads}, from ${options.threads !== undefined ? 'threads' : 'maxThreads'})`,
    );
  }
  const slotsPerThread = options.slotsPerThread ?? DEFAULT_POOL_SLOTS_PER_THREAD;
  const mode = resolveValueMode(options);
  // The queue's size, before the arenas are made: each option may be in range while their product is too large.
  if (Number.isInteger(slotsPerThread) && slotsPerThread >= 1 && slotsPerThread <= MAX_SLOTS_PER_THREAD) {
    const bytes = valueLayout(mode.inlineBytes).byteLength;
    checkQueueSize(threads, slotsPerThread, bytes, `inlineBytes (${mode.inlineBytes}) each way: ${bytes}-byte requests`);
  }
  const opsOptions = createValueOpsOptions(mode, threads);
  // A bad slotsPerThread is refused by the queue, before any thread starts; the codec just must not throw first.
  const slots = threads * (Number.isInteger(slotsPerThread) && slotsPerThread > 0 ? slotsPerThread : 1);
  const pool = new TaskPool<I, R>(new ValueTaskCodec(opsOptions, slots, 1), queueName, exportName);
  return { threads, slotsPerThread, policy: options.policy ?? 'round-robin', opsOptions, pool };
}
