import { createQueue } from '@twq/browser';
import { inlineQueueFactory, type QueueFactory } from '@twq/compress';
import type { Ops } from '@twq/core';
import { ops as pakoBlockOps } from '@twq/compress/gzip-block-ops';
import { ops as libdeflateBlockOps } from '@twq/compress/libdeflate-gzip-block-ops';
import { ops as nativeBlockOps } from '@twq/compress/native-gzip-block-ops';
import type { Codec } from './codec.js';

/** A queue as @twq/compress's encoder holds it (its layout is known to the encoder, not to this type). */
export type AnyQueue = Awaited<ReturnType<QueueFactory>>;

/** The encoder types its queues over any layout (it knows which ops it asked for): the ops are widened to match, nothing changes at run time. */
const OPS: Record<Codec, Ops> = {
  libdeflate: libdeflateBlockOps as unknown as Ops,
  native: nativeBlockOps as unknown as Ops,
  pako: pakoBlockOps as unknown as Ops,
};

/**
 * Queues on module Web Workers, the bundler pattern: each `new Worker(new
 * URL(...), { type: 'module' })` below is the one line Vite (or webpack)
 * needs to build that file as a worker. Its options object must be written
 * inside the expression: Vite reads it at build time. The ops module URL that
 * @twq/compress's encoder passes is not needed: the ops are imported
 * statically, here and in the worker. Every queue made is handed to
 * `onQueue`, for its stats().
 */
export function workerQueueFactory(codec: Codec, onQueue: (queue: AnyQueue) => void): QueueFactory {
  return async (_opsModule, options) => {
    const queue = await createQueue(OPS[codec], {
      ...options,
      worker:
        codec === 'libdeflate'
          ? () => new Worker(new URL('./libdeflate-gzip-worker.ts', import.meta.url), { type: 'module' })
          : codec === 'native'
            ? () => new Worker(new URL('./native-gzip-worker.ts', import.meta.url), { type: 'module' })
            : () => new Worker(new URL('./gzip-worker.ts', import.meta.url), { type: 'module' }),
    });
    onQueue(queue);
    return queue;
  };
}

/** The page's own single-thread path: the same encoder and block ops, run inline on the main thread. */
export function mainThreadQueueFactory(codec: Codec): QueueFactory {
  return inlineQueueFactory(OPS[codec]);
}
