/**
 * What both entry points export: everything that does not depend on the
 * codec. `node.ts` and `browser.ts` add their codec, their ops module URLs
 * and the factories that default to them. Only what the README documents is
 * exported; the building blocks (framing, CRC combination, layouts, checks)
 * stay internal.
 */
export type { PageCodec } from './codec/page-codec.js';
export { deflateBound } from './deflate-bound.js';
export { BusyError, GzipBlockError, PageError } from './errors.js';
export type { CompressionFormat } from './format.js';
export type { GzipBlockSpec } from './gzip/block-layout.js';
export type { BlockCompressor, Crc32, GzipBlockOptions } from './gzip/block-ops.js';
export { DEFAULT_BLOCK_SIZE, MAX_BLOCK_SIZE, MIN_BLOCK_SIZE } from './gzip/block-size.js';
export { crc32 } from './gzip/crc32.js';
export { crc32Combine } from './gzip/crc32-combine.js';
export { GZIP_HEADER_BYTES, GZIP_OS_UNIX, GZIP_OS_UNKNOWN, GZIP_TRAILER_BYTES } from './gzip/gzip-header.js';
export type { GzipHeaderOptions } from './gzip/gzip-header.js';
export { ParallelGzipEncoder, parallelGzipMemoryBytes } from './gzip/parallel-gzip-encoder.js';
export type { InlineCompressor, ParallelGzipOptions, SubmitterCompression } from './gzip/parallel-gzip-encoder.js';
export { DEFAULT_LEVEL, MAX_LEVEL, MIN_LEVEL } from './level.js';
export type { CompressionLevel } from './level.js';
export type { CompressedPages } from './pages/compressed-pages.js';
export { MAX_PAGES_PER_REQUEST } from './pages/page-layout.js';
export type { PageSpec } from './pages/page-layout.js';
export type { PageOpsOptions } from './pages/page-ops.js';
export { DEFAULT_BATCH_BYTES, DEFAULT_PAGE_SLOTS_PER_THREAD, PageQueue } from './pages/page-queue.js';
export type { PageQueueOptions } from './pages/page-queue.js';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MIN_PAGE_SIZE } from './pages/page-size.js';
export { OP_COMPRESS, OP_DECOMPRESS, PAGE_CORRUPT, PAGE_INCOMPRESSIBLE, PAGE_OK, PAGE_TOO_LONG } from './pages/page-status.js';
export type { PageStatus } from './pages/page-status.js';
export { inlineQueueFactory } from './queue-factory.js';
export type { QueueFactory } from './queue-factory.js';
