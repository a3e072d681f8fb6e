import { availableParallelism } from 'node:os';
import {
  MAX_THREADS,
  OpsLoadError,
  TaskPool,
  ValueTaskCodec,
  WorkerStartError,
  createValueOpsOptions,
  defaultThreads,
  describeValue,
  resolveValueMode,
  type TaskInput,
  type TaskResult,
  type ValueModeOptions,
  type ValueSpec,
} from '@twq/core';
import { createQueue, type NodeQueueOptions } from './create-queue.js';
import { toModuleSpecifier } from './module-url.js';
import type { PoolOpsOptions } from './task-module.js';

/** A pool's slots per thread unless `slotsPerThread` is given. */
export const DEFAULT_POOL_SLOTS_PER_THREAD = 256;

/** createPool's options: piscina's names where they apply, twq's queue options, and the value sizes. */
export interface PoolOptions
  extends ValueModeOptions,
    Omit<NodeQueueOptions<ValueSpec, PoolOpsOptions>, 'threads' | 'onDone' | 'opsOptions' | 'exportName'> {
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
 */
export async function createPool<T = (input: unknown) => unknown>(options: PoolOptions): Promise<TaskPool<TaskInput<T>, TaskResult<T>>> {
  if (typeof options !== 'object' || (options as unknown) === null) {
    throw new TypeError(`createPool(): options must be an object with a filename, got ${describeValue(options)}`);
  }
  const filename = toModuleSpecifier(options.filename);
  const exportName = options.name ?? 'default';
  if (typeof exportName !== 'string' || exportName.length === 0) {
    throw new TypeError(`createPool(): name must be a non-empty string, got ${describeValue(exportName)}`);
  }
  const threads = resolveThreads(options);
  // More slots than a slot-API queue's default: a promise per task makes the
  // submitter slower than a no-op worker, and each slot is a task that the
  // worker can take without waiting for it.
  const slotsPerThread = options.slotsPerThread ?? DEFAULT_POOL_SLOTS_PER_THREAD;
  const mode = resolveValueMode(options);
  checkWorkerData(options.workerData);
  const { filename: _f, name: _n, minThreads: _min, maxThreads: _max, workerData, inlineBytes: _i, maxValueBytes: _v, maxArenaBytes: _a, ...queueOptions } = options;
  const opsOptions: PoolOpsOptions = { ...createValueOpsOptions(mode, threads), workerData };
  // `name` is the export (piscina's meaning); the queue (and its threads) are named after the pool.
  const name = 'twq-pool';
  const pool = new TaskPool<TaskInput<T>, TaskResult<T>>(new ValueTaskCodec(opsOptions, threads * (Number.isInteger(slotsPerThread) ? slotsPerThread : 1), 1), name, exportName);
  let queue;
  try {
    queue = await createQueue<(o: PoolOpsOptions) => import('@twq/core').Ops<ValueSpec, undefined, PoolOpsOptions>>(poolModule(filename, exportName), {
      ...queueOptions,
      name,
      threads,
      slotsPerThread,
      // Round-robin unless told: a pool's tasks may be long, and 'batch'
      // would queue a burst of them on one worker while the others idle.
      policy: options.policy ?? 'round-robin',
      opsOptions,
      onDone: pool.onDone,
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

function resolveThreads(o: PoolOptions): number {
  for (const key of ['threads', 'minThreads', 'maxThreads'] as const) {
    const v = o[key];
    if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > MAX_THREADS)) {
      throw new RangeError(`createPool(): ${key} must be an integer in [1, ${MAX_THREADS}], got ${describeValue(v)}`);
    }
  }
  const threads = o.threads ?? o.maxThreads ?? Math.max(o.minThreads ?? 1, defaultThreads(availableParallelism()));
  if (o.minThreads !== undefined && o.minThreads > threads) {
    throw new RangeError(`createPool(): minThreads (${o.minThreads}) must be at most the pool's threads (${threads}, from ${o.threads !== undefined ? 'threads' : 'maxThreads'})`);
  }
  return threads;
}

function checkWorkerData(value: unknown): void {
  if (value === undefined) return;
  try {
    structuredClone(value);
  } catch (e) {
    throw new TypeError(`createPool(): workerData must be structured-cloneable (it is copied to every worker), got ${describeValue(value)}: ${(e as Error).message}`, { cause: e });
  }
}
