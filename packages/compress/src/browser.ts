/**
 * @twq/compress for browsers (and any runtime without node:zlib): page ops
 * on libdeflate (WebAssembly; fflate decompresses); parallel gzip on pako by
 * default (every level, pigz's dictionary priming; see browser-block-ops.ts),
 * on libdeflate with `opsModule: libdeflateGzipBlockOpsUrl` (the fastest, no
 * dictionary; see libdeflate-block-ops.ts), or on the platform's
 * CompressionStream with `opsModule: nativeGzipBlockOpsUrl` (level 6 only;
 * see native-block-ops.ts). No Node.js built-in is imported from here.
 *
 * Queues come from @twq/browser, passed in (this package depends on
 * @twq/core only): `browserQueueFactory(createQueue, worker)` wraps its
 * `createQueue` for the helpers below; the worker script serves the ops of
 * '@twq/compress/gzip-block-ops', '@twq/compress/libdeflate-gzip-block-ops',
 * '@twq/compress/native-gzip-block-ops' or
 * '@twq/compress/page-ops'.
 */
import type { OpsExport } from '@twq/core';
import { checkOptionsObject } from './check.js';
import type { GzipOptions } from './entry-options.js';
import { ops as browserGzipBlockOps } from './gzip/browser-block-ops.js';
import { ops as libdeflateGzipBlockOps } from './gzip/libdeflate-block-ops.js';
import { ops as nativeGzipBlockOps } from './gzip/native-block-ops.js';
import { createParallelGzipTransformStream as createWebStream } from './gzip/web-gzip-stream.js';
import { opsQueueFactory, type OpsQueueFactory } from './ops-queue-factory.js';
import { ops as browserPageOps } from './pages/browser-page-ops.js';
import { PageQueue, type PageQueueOptions } from './pages/page-queue.js';
import type { QueueFactory } from './queue-factory.js';

export * from './common.js';
export { fflatePageCodec } from './codec/fflate-page-codec.js';
export { libdeflatePageCodec } from './codec/libdeflate-page-codec.js';
export type { OpsQueueFactory } from './ops-queue-factory.js';
export type { GzipOptions } from './entry-options.js';

/** The page ops module (libdeflate, fflate), for adapters that import ops by URL. */
export const browserPageOpsUrl: URL = new URL('./pages/browser-page-ops.js', import.meta.url);

/** The gzip block ops module (pako), for adapters that import ops by URL. */
export const browserGzipBlockOpsUrl: URL = new URL('./gzip/browser-block-ops.js', import.meta.url);

/**
 * The gzip block ops module on the platform's CompressionStream (level 6
 * only, no dictionary: see native-block-ops.ts), served by
 * '@twq/compress/native-gzip-block-ops': pass it as `opsModule`.
 */
export const nativeGzipBlockOpsUrl: URL = new URL('./gzip/native-block-ops.js', import.meta.url);

/**
 * The gzip block ops module on libdeflate in WebAssembly (every level, no
 * dictionary: see libdeflate-block-ops.ts), served by
 * '@twq/compress/libdeflate-gzip-block-ops': pass it as `opsModule`.
 */
export const libdeflateGzipBlockOpsUrl: URL = new URL('./gzip/libdeflate-block-ops.js', import.meta.url);

/**
 * A QueueFactory over @twq/browser's `createQueue`: the helpers' queues get
 * this entry's ops (page or gzip block, by the module they ask for) and start
 * their workers with `worker`, whose script serves the same ops.
 */
export function browserQueueFactory<W>(createQueue: OpsQueueFactory<W>, worker: W): QueueFactory {
  // The adapter is typed over any layout; each URL stands for exactly these ops.
  const modules = new Map<string, OpsExport>([
    [browserPageOpsUrl.href, browserPageOps as unknown as OpsExport],
    [browserGzipBlockOpsUrl.href, browserGzipBlockOps as unknown as OpsExport],
    [nativeGzipBlockOpsUrl.href, nativeGzipBlockOps as unknown as OpsExport],
    [libdeflateGzipBlockOpsUrl.href, libdeflateGzipBlockOps as unknown as OpsExport],
  ]);
  return opsQueueFactory(createQueue, worker, modules);
}

/** A PageQueue on browser workers (libdeflate compresses, fflate decompresses). */
export function createPageQueue(createQueue: QueueFactory, options: PageQueueOptions = {}): Promise<PageQueue> {
  return PageQueue.create(createQueue, browserPageOpsUrl, options);
}

/** Parallel gzip as a WHATWG TransformStream on workers: pako, or the ops module given as `opsModule` (`libdeflateGzipBlockOpsUrl`, `nativeGzipBlockOpsUrl`). */
export function createParallelGzipTransformStream(
  options: GzipOptions,
  writableStrategy?: QueuingStrategy<Uint8Array>,
  readableStrategy?: QueuingStrategy<Uint8Array>,
): TransformStream<Uint8Array, Uint8Array> {
  checkOptionsObject(options);
  return createWebStream({ ...options, opsModule: options.opsModule ?? browserGzipBlockOpsUrl }, writableStrategy, readableStrategy);
}
