import { createQueue } from '@twq/browser';
import { inlineQueueFactory, type QueueFactory } from '@twq/compress';
import type { Ops } from '@twq/core';
import { ops as gzipBlockOps } from '@twq/compress/gzip-block-ops';

/** A queue as @twq/compress's encoder holds it (its layout is known to the encoder, not to this type). */
export type AnyQueue = Awaited<ReturnType<QueueFactory>>;

/**
 * Queues on module Web Workers, the bundler pattern: the factory below is the
 * one line Vite (or webpack) needs to build ./gzip-worker.ts as a worker. Its
 * options object must be written inside the expression: Vite reads it at
 * build time. The ops module URL that @twq/compress's encoder passes is not needed: the
 * ops are imported statically, here and in the worker. Every queue made is
 * handed to `onQueue`, for its stats().
 */
export function workerQueueFactory(onQueue: (queue: AnyQueue) => void): QueueFactory {
  return async (_opsModule, options) => {
    // The encoder types its queues over any layout (it knows which ops it
    // asked for): the ops are widened to match, nothing changes at run time.
    const queue = await createQueue(gzipBlockOps as unknown as Ops, {
      ...options,
      worker: () => new Worker(new URL('./gzip-worker.ts', import.meta.url), { type: 'module' }),
    });
    onQueue(queue);
    return queue;
  };
}

/** The page's own single-thread path: the same encoder and block ops, run inline on the main thread. */
export const mainThreadQueueFactory: QueueFactory = inlineQueueFactory(gzipBlockOps);
