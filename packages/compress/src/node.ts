/**
 * @twq/compress for Node.js: page ops and parallel gzip on node:zlib.
 * Queues come from @twq/node's `createQueue` (passed in: this package
 * depends on @twq/core only).
 */
import { availableParallelism } from 'node:os';
import { builtModuleUrl } from './built-module-url.js';
import { checkOptionsObject } from './check.js';
import type { GzipOptions } from './entry-options.js';
import { nodeBlockCompressor, nodeCrc32 } from './gzip/node-block-ops.js';
import { ParallelGzipStream, type ParallelGzipStreamOptions } from './gzip/node-gzip-stream.js';
import { ParallelGzipEncoder, type InlineCompressor, type ParallelGzipOptions } from './gzip/parallel-gzip-encoder.js';
import { createParallelGzipTransformStream as createWebStream } from './gzip/web-gzip-stream.js';
import { PageQueue, type PageQueueOptions } from './pages/page-queue.js';
import type { QueueFactory } from './queue-factory.js';

export * from './common.js';
export { nodePageCodec } from './codec/node-page-codec.js';
export { ParallelGzipStream } from './gzip/node-gzip-stream.js';
export type { ParallelGzipStreamOptions } from './gzip/node-gzip-stream.js';
export type { GzipOptions } from './entry-options.js';

/** The page ops module (node:zlib) as built JavaScript, for `createQueue`. */
export const nodePageOpsUrl: URL = builtModuleUrl('./pages/node-page-ops.js', import.meta.url);

/** The gzip block ops module (node:zlib) as built JavaScript, for `createQueue`. */
export const nodeGzipBlockOpsUrl: URL = builtModuleUrl('./gzip/node-block-ops.js', import.meta.url);

/**
 * Threads for parallel gzip by default: one per core, as pigz does. The
 * submitter only copies, combines CRCs and writes (a few percent of the
 * work), so it does not need a core of its own.
 */
function defaultGzipThreads(): number {
  return Math.max(1, availableParallelism());
}

/** A PageQueue on node:zlib workers: `createPageQueue(createQueue, { pageSize: 4096, level: 1, threads: 2 })`. */
export function createPageQueue(
  createQueue: QueueFactory,
  options: PageQueueOptions = {},
): Promise<PageQueue> {
  return PageQueue.create(createQueue, nodePageOpsUrl, options);
}

/** Compresses on the submitter's thread while the workers start: node:zlib, as the workers. */
export const nodeInlineCompressor: InlineCompressor = Object.freeze({ compress: nodeBlockCompressor, crc32: nodeCrc32 });

/** The Node.js defaults: a worker per core, the node:zlib ops module, compression on this thread while they start. */
function withNodeDefaults(options: GzipOptions): ParallelGzipOptions {
  checkOptionsObject(options);
  return {
    threads: defaultGzipThreads(),
    inlineCompressor: nodeInlineCompressor,
    ...options,
    opsModule: options.opsModule ?? nodeGzipBlockOpsUrl,
  };
}

/** Parallel gzip as a Node.js Transform stream on node:zlib workers. */
export function createParallelGzipStream(options: GzipOptions & Omit<ParallelGzipStreamOptions, 'opsModule' | 'createQueue'>): ParallelGzipStream {
  checkOptionsObject(options);
  return new ParallelGzipStream({ ...options, ...withNodeDefaults(options) });
}

/** A ParallelGzipEncoder on node:zlib workers, with the Node.js defaults (see createParallelGzipStream). */
export function createParallelGzipEncoder(options: GzipOptions, onChunk: (chunk: Uint8Array) => void): ParallelGzipEncoder {
  return new ParallelGzipEncoder(withNodeDefaults(options), onChunk);
}

/** Parallel gzip as a WHATWG TransformStream on node:zlib workers. */
export function createParallelGzipTransformStream(
  options: GzipOptions,
  writableStrategy?: QueuingStrategy<Uint8Array>,
  readableStrategy?: QueuingStrategy<Uint8Array>,
): TransformStream<Uint8Array, Uint8Array> {
  return createWebStream(withNodeDefaults(options), writableStrategy, readableStrategy);
}

