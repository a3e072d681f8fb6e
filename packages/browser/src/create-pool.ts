import { describeValue, type PoolSizing, type TaskInput, type TaskPool, type TaskResult } from '@twq/core';
import { preparePool, valueOps, type ValueOpsOptions, type ValueSpec } from '@twq/core/host';
import { createQueue, type BrowserQueueOptions } from './create-queue.js';

/** createPool's options: a worker that calls serveTask(), twq's queue options, and the value sizes. */
export interface BrowserPoolOptions extends PoolSizing, Omit<BrowserQueueOptions<ValueSpec, ValueOpsOptions>, 'onDone' | 'opsOptions' | 'threads' | 'slotsPerThread' | 'policy'> {}

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
 *
 * @typeParam T - the task function's type, or the task module's type (its default export is used).
 */
export async function createPool<T = (input: unknown) => unknown>(options: BrowserPoolOptions): Promise<TaskPool<TaskInput<T>, TaskResult<T>>> {
  if (typeof options !== 'object' || (options as unknown) === null) {
    throw new TypeError(`createPool(): options must be an object with at least a worker, got ${describeValue(options)}`);
  }
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  const name = options.name ?? 'twq-pool';
  const { threads, slotsPerThread, policy, opsOptions, pool } = preparePool<TaskInput<T>, TaskResult<T>>(options, nav?.hardwareConcurrency ?? 1, name, 'default');
  // A pool's minThreads / maxThreads are piscina's (sized into `threads` above), not the queue's elastic ones.
  const { minThreads: _min, maxThreads: _max, ...queueOptions } = options;
  const queue = await createQueue(PAGE_OPS, {
    ...queueOptions,
    name,
    threads,
    slotsPerThread,
    policy,
    opsOptions,
    onDone: pool.onDone,
  });
  pool.attach(queue);
  return pool;
}
