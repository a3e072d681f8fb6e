import {
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
import { FieldTaskCodec, resolveHostOptions, resolveOpsExport } from '@twq/core/host';
import { BrowserHost } from './browser-host.js';
import { assertCrossOriginIsolated } from './isolation.js';
import { toSpawner, type WorkerSource } from './worker-source.js';

/** Options of `createQueue` in a browser: the queue's and the host's options, plus `worker`, the factory (or script URL) that starts one module Web Worker. */
export interface BrowserQueueOptions<S extends LayoutSpec = LayoutSpec, O = unknown> extends HostedQueueOptions<S, O> {
  /**
   * How to start a worker: `(index) => new Worker(new URL('./my-worker.js', import.meta.url), { type: 'module' })`
   * (what bundlers follow), or the URL of a module worker script (no bundler).
   * The worker script calls `serveOps(ops)` from '@twq/browser/worker' with the same ops.
   */
  worker: WorkerSource;
}

/**
 * Creates a workqueue whose workers are module Web Workers. `ops` is the ops
 * object (or factory of `opsOptions`) that the worker script serves too: the
 * page uses its layout and done callback. Resolves once every worker has set
 * up its slots; rejects with a typed error, leaving no worker running, when
 * anything fails: bad options (TypeError / RangeError), a page that is not
 * cross-origin isolated (CrossOriginIsolationError), bad ops (OpsLoadError), a
 * worker that cannot load or set up (WorkerStartError).
 *
 * On a page's main thread only the async calls wait (getRequestAsync, drain);
 * the blocking ones throw BlockingWaitForbiddenError. In a worker, both work.
 */
export async function createQueue<T = Ops>(
  ops: T,
  options: BrowserQueueOptions<SpecOf<T>, OptionsOf<T>>,
): Promise<Workqueue<SpecOf<T>, OptionsOf<T>>> {
  return prepareQueue(ops, options).make(undefined).start();
}

/**
 * A task queue over the ops' own layout (field mode), as `@twq/node`'s
 * createTaskQueue: `await tasks.run({ text, length })` resolves with every
 * field as the handler left it; `all`, `map` and `taskTransformStream` work
 * as with a pool. The options are createQueue's, less `onDone`. Never blocks.
 */
export async function createTaskQueue<T = Ops>(
  ops: T,
  options: BrowserQueueOptions<SpecOf<T>, OptionsOf<T>>,
): Promise<TaskQueue<FieldInput<SpecOf<T>>, FieldResult<SpecOf<T>>, SpecOf<T>>> {
  if (typeof options === 'object' && (options as unknown) !== null && options.onDone !== undefined) {
    throw new TypeError(`createTaskQueue(): onDone must be absent (each run() settles its own promise), got ${describeValue(options.onDone)}`);
  }
  const { ops: resolved, make } = prepareQueue(ops, options);
  const tasks = new TaskQueue<FieldInput<SpecOf<T>>, FieldResult<SpecOf<T>>, SpecOf<T>>(new FieldTaskCodec(resolved.layout), options.name ?? 'twq');
  tasks.attach(await make(tasks.onDone).start());
  return tasks;
}

/** createQueue up to the Workqueue: checks, isolation, the ops; `make` builds the queue (with `onDone` replaced when given). */
function prepareQueue<T>(
  ops: T,
  options: BrowserQueueOptions<SpecOf<T>, OptionsOf<T>>,
): { ops: Ops<SpecOf<T>, unknown, OptionsOf<T>>; make: (onDone: CreateQueueOptions<SpecOf<T>, OptionsOf<T>>['onDone']) => Workqueue<SpecOf<T>, OptionsOf<T>> } {
  if (typeof options !== 'object' || (options as unknown) === null) {
    throw new TypeError(`options must be an object with at least a worker, got ${describeValue(options)}`);
  }
  const name = typeof options.name === 'string' && options.name.length > 0 ? options.name : 'twq';
  const hostOptions = resolveHostOptions(options);
  const spawn = toSpawner(options.worker, name, hostOptions.allowDataAndNetworkModules);
  assertCrossOriginIsolated();
  const resolved = resolveOpsExport(ops, options.opsOptions, 'createQueue(ops)') as Ops<SpecOf<T>, unknown, OptionsOf<T>>;
  const host = new BrowserHost({ ...hostOptions, spawn });
  // The Workqueue constructor validates the core options (threads, slots,
  // policy...) before anything is spawned: a bad one leaves nothing behind.
  const make = (onDone: CreateQueueOptions<SpecOf<T>, OptionsOf<T>>['onDone']): Workqueue<SpecOf<T>, OptionsOf<T>> =>
    new Workqueue<SpecOf<T>, OptionsOf<T>>(resolved, onDone === undefined ? options : { ...options, onDone }, host, hardwareConcurrency());
  return { ops: resolved, make };
}

function hardwareConcurrency(): number {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return nav?.hardwareConcurrency ?? 1;
}
