import { availableParallelism } from 'node:os';
import { OpsLoadError, WorkerStartError, describeValue, type PoolSizing, type TaskInput, type TaskPool, type TaskResult } from '@twq/core';
import { preparePool, type ValueSpec } from '@twq/core/host';
import { createQueue, type NodeQueueOptions } from './create-queue.js';
import { toModuleSpecifier } from './module-url.js';
import type { PoolOpsOptions } from './task-module.js';

/** createPool's options: piscina's names where they apply, twq's queue options, and the value sizes. */
export interface PoolOptions
  extends PoolSizing,
    Omit<NodeQueueOptions<ValueSpec, PoolOpsOptions>, 'threads' | 'onDone' | 'opsOptions' | 'exportName' | 'slotsPerThread' | 'policy'> {
  /** The task file: a path, `file:` URL string or URL, whose default export (or `name`) is `(input) => output`. */
  filename: string | URL;
  /** The export to run. Default 'default'. */
  name?: string;
  /** Worker threads. Default: maxThreads, else the host's parallelism minus one. */
  threads?: number;
  /** piscina's; twq's threads are fixed for now: only checked (<= maxThreads). */
  minThreads?: number;
  /** piscina's; the pool runs exactly this many threads (unless `threads` is given). */
  maxThreads?: number;
  /** What the task file sees as `workerData` of node:worker_threads (structured-cloned; SharedArrayBuffers are shared). */
  workerData?: unknown;
}

/**
 * A pool from a piscina-style task file: `createPool({ filename })` where
 * `new Piscina({ filename })` was, then `await pool.run(input)`. Inputs and
 * results are structured-cloneable values, copied through shared memory (see
 * the README for the supported subset and sizes). Resolves once every worker
 * has imported the task file.
 *
 * Type it from the task file: `createPool<typeof import('./task.js')>(...)`.
 *
 * @typeParam T - the task function's type, or the task module's type (its default export is used).
 */
export async function createPool<T = (input: unknown) => unknown>(options: PoolOptions): Promise<TaskPool<TaskInput<T>, TaskResult<T>>> {
  if (typeof options !== 'object' || (options as unknown) === null) {
    throw new TypeError(`createPool(): options must be an object with a filename, got ${describeValue(options)}`);
  }
  const allow = options.allowDataAndNetworkModules ?? false;
  const filename = toModuleSpecifier(options.filename, allow);
  const exportName = options.name ?? 'default';
  if (typeof exportName !== 'string' || exportName.length === 0) {
    throw new TypeError(`createPool(): name must be a non-empty string, got ${describeValue(exportName)}`);
  }
  checkWorkerData(options.workerData);
  const { filename: _f, name: _n, minThreads: _min, maxThreads: _max, workerData, inlineBytes: _i, maxValueBytes: _v, maxArenaBytes: _a, ...queueOptions } = options;
  // `name` is the export (piscina's meaning); the queue (and its threads) are named after the pool.
  const name = 'twq-pool';
  const { threads, slotsPerThread, policy, opsOptions: valueOptions, pool } = preparePool<TaskInput<T>, TaskResult<T>>(options, availableParallelism(), name, exportName);
  const opsOptions: PoolOpsOptions = { ...valueOptions, workerData };
  let queue;
  try {
    queue = await createQueue<(o: PoolOpsOptions) => import('@twq/core').Ops<ValueSpec, undefined, PoolOpsOptions>>(poolModule(filename, exportName), {
      ...queueOptions,
      name,
      threads,
      slotsPerThread,
      policy,
      opsOptions,
      onDone: pool.onDone,
      // The pool's own generated module is a data: URL; the user's task file was checked above.
      allowDataAndNetworkModules: true,
    });
  } catch (e) {
    // A task file that cannot be imported, or has no such export, is named as the task file.
    if (e instanceof WorkerStartError || e instanceof OpsLoadError) throw new OpsLoadError(filename, e.message.replace(/^.*?: /, ''), e);
    throw e;
  }
  pool.attach(queue);
  return pool;
}

/** The generated ops module of a pool (see task-module.ts): the submitter and every worker import it. */
function poolModule(filename: string, exportName: string): string {
  const binder = new URL('./task-module.js', import.meta.url).href;
  const source =
    `import { bindTaskModule } from ${JSON.stringify(binder)};\n` +
    `export const ops = await bindTaskModule(import.meta.url, ${JSON.stringify(filename)}, ${JSON.stringify(exportName)});\n`;
  return `data:text/javascript,${encodeURIComponent(source)}`;
}

function checkWorkerData(value: unknown): void {
  if (value === undefined) return;
  try {
    structuredClone(value);
  } catch (e) {
    throw new TypeError(`createPool(): workerData must be structured-cloneable (it is copied to every worker), got ${describeValue(value)}: ${(e as Error).message}`, { cause: e });
  }
}
