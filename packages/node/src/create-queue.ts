import { availableParallelism } from 'node:os';
import type { ResourceLimits } from 'node:worker_threads';
import {
  MAX_THREADS,
  TaskQueue,
  Workqueue,
  describeValue,
  type CreateQueueOptions,
  type FieldInput,
  type FieldResult,
  type HostedQueueOptions,
  type LayoutSpec,
  type Ops,
  type OptionsOf,
  type SpecOf,
} from '@twq/core';
import { FieldTaskCodec, resolveHostOptions, resolveOptions } from '@twq/core/host';
import { loadOps } from './load-ops.js';
import { toModuleSpecifier } from './module-url.js';
import { NodeHost } from './node-host.js';
import { SupervisorThread } from './supervisor-thread.js';

/** Options of `createQueue` on Node.js: the queue's and the host's options, plus the ops module's export name, `resourceLimits` and `unref`. */
export interface NodeQueueOptions<S extends LayoutSpec = LayoutSpec, O = unknown> extends HostedQueueOptions<S, O> {
  /** Name of the ops module's export to use. Default 'ops'. */
  exportName?: string;
  /** Limits for each worker (e.g. maxOldGenerationSizeMb); a worker that exceeds them dies and is replaced. `stackSizeMb` must be at least MIN_STACK_SIZE_MB (1): less kills the process as the thread starts. */
  resourceLimits?: ResourceLimits;
  /**
   * true (default): idle workers do not keep the process alive (the queue is
   * held only while you await drain() / getRequestAsync()). false: the process
   * stays up until destroy().
   */
  unref?: boolean;
}

/**
 * Creates a workqueue whose workers are Node.js worker threads. `opsModule` is
 * the module (URL, `file:` URL string, path, or package specifier) that exports
 * the ops (`export const ops = defineOps(...)`, or a factory of `opsOptions`).
 * It is imported here for the layout and the done callback, and by every worker
 * for the handler. Resolves once every worker has set up its slots; rejects
 * with OpsLoadError / WorkerStartError, leaving nothing running, when any fails.
 *
 * Type it from the module: `createQueue<typeof import('./ops.js').ops>(...)`.
 */
export async function createQueue<T = Ops>(
  opsModule: string | URL,
  options: NodeQueueOptions<SpecOf<T>, OptionsOf<T>> = {},
): Promise<Workqueue<SpecOf<T>, OptionsOf<T>>> {
  return (await loadQueue<T>(opsModule, options)).make(undefined).start();
}

/**
 * A task queue over the ops module's own layout (field mode): `await
 * tasks.run({ text, length })` resolves with every field as the handler left
 * it (`{ text, length, hash }`), and `all`, `map` and the streams work as with
 * a pool. The options are createQueue's, less `onDone` (each run's promise is
 * its done callback; the module's `done` is not called). A field left out of
 * the input is zero; an unknown field, a wrong type or too many bytes rejects
 * the run's promise with a typed error before any slot is taken.
 */
export async function createTaskQueue<T = Ops>(
  opsModule: string | URL,
  options: NodeQueueOptions<SpecOf<T>, OptionsOf<T>> = {},
): Promise<TaskQueue<FieldInput<SpecOf<T>>, FieldResult<SpecOf<T>>, SpecOf<T>>> {
  if (typeof options === 'object' && (options as unknown) !== null && options.onDone !== undefined) {
    throw new TypeError(`createTaskQueue(): onDone must be absent (each run() settles its own promise), got ${describeValue(options.onDone)}`);
  }
  const { ops, make, discard } = await loadQueue<T>(opsModule, options);
  let tasks: TaskQueue<FieldInput<SpecOf<T>>, FieldResult<SpecOf<T>>, SpecOf<T>>;
  try {
    tasks = new TaskQueue<FieldInput<SpecOf<T>>, FieldResult<SpecOf<T>>, SpecOf<T>>(new FieldTaskCodec(ops.layout), options.name ?? 'twq');
  } catch (e) {
    discard();
    throw e;
  }
  tasks.attach(await make(tasks.onDone).start());
  return tasks;
}

/**
 * createQueue up to the Workqueue: checks the options, starts the supervisor
 * thread (its boot then overlaps the rest), loads the ops; `make` builds the
 * queue (with `onDone` replaced when given) over that thread, and `discard`
 * ends the thread where no queue is made. A failure here ends it too.
 */
async function loadQueue<T>(
  opsModule: string | URL,
  options: NodeQueueOptions<SpecOf<T>, OptionsOf<T>>,
): Promise<{
  ops: Ops<SpecOf<T>, unknown, OptionsOf<T>>;
  make: (onDone: CreateQueueOptions<SpecOf<T>, OptionsOf<T>>['onDone']) => Workqueue<SpecOf<T>, OptionsOf<T>>;
  discard: () => void;
}> {
  if (typeof options !== 'object' || (options as unknown) === null) {
    throw new TypeError(`options must be an object, got ${describeValue(options)}`);
  }
  const host = resolveHostOptions(options);
  const specifier = toModuleSpecifier(opsModule, host.allowDataAndNetworkModules);
  const exportName = options.exportName ?? 'ops';
  if (typeof exportName !== 'string' || exportName.length === 0) {
    throw new TypeError(`exportName must be a non-empty string, got ${describeValue(exportName)}`);
  }
  const unref = checkBoolean(options.unref ?? true, 'unref');
  const resourceLimits = checkResourceLimits(options.resourceLimits);
  // The queue's own options are checked again by the Workqueue; here so that refused ones start no thread.
  const { name } = resolveOptions(withNodeDefaults(options, availableParallelism()), availableParallelism());
  const thread = new SupervisorThread(name);
  const discard = (): void => {
    thread.discard();
  };
  let ops: Ops<SpecOf<T>, unknown, OptionsOf<T>>;
  try {
    ops = (await loadOps(specifier, exportName, options.opsOptions)) as Ops<SpecOf<T>, unknown, OptionsOf<T>>;
  } catch (e) {
    discard();
    throw e;
  }
  const make = (onDone: CreateQueueOptions<SpecOf<T>, OptionsOf<T>>['onDone']): Workqueue<SpecOf<T>, OptionsOf<T>> => {
    try {
      return new Workqueue<SpecOf<T>, OptionsOf<T>>(
        ops,
        withNodeDefaults(onDone === undefined ? options : { ...options, onDone }, availableParallelism()),
        new NodeHost({ ...host, opsModule: specifier, exportName, resourceLimits, unref }, thread),
        availableParallelism(),
      );
    } catch (e) {
      discard();
      throw e;
    }
  };
  return { ops, make, discard };
}

/**
 * On Node, one worker per core by default (core's default leaves one core to
 * the submitter). A submitter that waits parks, so the core left to it sat
 * idle: with core's default, 1 worker on 2 cores ran the seed's pages at
 * 0.97x inline; one per core ran them at 1.95x, and no-ops at 1.11x (apps/bench
 * `help-bench.js`, see the README). Only when no thread count is given: an
 * elastic queue's bounds are the user's.
 */
function withNodeDefaults<O extends { threads?: number; minThreads?: number; maxThreads?: number }>(options: O, parallelism: number): O {
  if (options.threads !== undefined || options.minThreads !== undefined || options.maxThreads !== undefined) return options;
  return { ...options, threads: Math.max(1, Math.min(MAX_THREADS, parallelism)) };
}

function checkBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${name} must be a boolean, got ${describeValue(value)}`);
  return value;
}

/**
 * Smallest `resourceLimits.stackSizeMb` accepted. Measured on Node 20.20 (one
 * worker of a queue, in a child process each): 0.23 MB or less overflows the
 * stack while Node bootstraps the thread and kills the whole process (exit
 * code 6, nothing to catch); 0.24 and 0.25 fail the worker's start; 0.26 is
 * the least that serves. 1 MB keeps a margin of four for other Node versions
 * and platforms (Node's default is 4).
 */
export const MIN_STACK_SIZE_MB = 1;

/** The limits worker_threads takes, each in MB; checked here so that a bad one is named, not reported as a worker's death. */
const RESOURCE_LIMITS = ['maxYoungGenerationSizeMb', 'maxOldGenerationSizeMb', 'codeRangeSizeMb', 'stackSizeMb'] as const;

function checkResourceLimits(limits: unknown): ResourceLimits | undefined {
  if (limits === undefined) return undefined;
  if (typeof limits !== 'object' || limits === null) {
    throw new TypeError(`resourceLimits must be an object or undefined, got ${describeValue(limits)}`);
  }
  for (const key of Object.keys(limits)) {
    if (!(RESOURCE_LIMITS as readonly string[]).includes(key)) {
      throw new TypeError(`resourceLimits has no option ${JSON.stringify(key)}: it takes ${RESOURCE_LIMITS.join(', ')}`);
    }
    const value = (limits as Record<string, unknown>)[key];
    if (value !== undefined && (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value))) {
      throw new RangeError(`resourceLimits.${key} must be a finite number of MB > 0, got ${describeValue(value)}`);
    }
    if (key === 'stackSizeMb' && (value as number) < MIN_STACK_SIZE_MB) {
      throw new RangeError(`resourceLimits.stackSizeMb must be a finite number of MB >= ${MIN_STACK_SIZE_MB}, got ${describeValue(value)}`);
    }
  }
  return limits;
}
