import { describeValue, type CreateQueueOptions, type LayoutSpec, type OpsExport, type Workqueue } from '@twq/core';
import type { QueueFactory } from './queue-factory.js';

/**
 * An adapter whose `createQueue` takes the ops themselves plus a way to start
 * a worker, as @twq/browser's does (its workers import their ops, so that a
 * bundler can build them). `W` is the adapter's worker source type.
 */
export type OpsQueueFactory<W> = (ops: OpsExport, options: CreateQueueOptions<LayoutSpec, unknown> & { worker: W }) => Promise<Workqueue>;

/**
 * Turns an ops-taking adapter into the QueueFactory the helpers want: the
 * module URL a helper asks for is looked up in `modules` (URL -> the ops it
 * stands for), and the adapter gets those ops and `worker`. The worker script
 * must serve the same ops (for example `serveOps(ops)` with the ops of
 * '@twq/compress/gzip-block-ops').
 */
export function opsQueueFactory<W>(createQueue: OpsQueueFactory<W>, worker: W, modules: ReadonlyMap<string, OpsExport>): QueueFactory {
  if (typeof createQueue !== 'function') {
    throw new TypeError(`createQueue must be a twq adapter's createQueue function, got ${describeValue(createQueue)}`);
  }
  if (!((modules as unknown) instanceof Map)) {
    throw new TypeError(`modules must be a Map from module URL (href) to the ops it stands for, got ${describeValue(modules)}`);
  }
  return (opsModule, options) => {
    const ops = modules.get(opsModule.href);
    if (ops === undefined) {
      return Promise.reject(new TypeError(`no ops known for module ${opsModule.href}; known: ${[...modules.keys()].join(', ')}`));
    }
    return createQueue(ops, { ...options, worker });
  };
}
