/**
 * What both entry points export: everything that does not depend on the
 * codec. `node.ts` and `browser.ts` add their codec, their ops module URLs
 * and the factories that default to them.
 */
export type { PageCodec } from './codec/page-codec.js';
export { SYNC_FLUSH_BYTES, deflateBound, rawDeflateBound } from './deflate-bound.js';
export { BusyError, GzipBlockError, PageError } from './errors.js';
export { COMPRESSION_FORMATS, GZIP_WRAPPER_BYTES, ZLIB_WRAPPER_BYTES, checkFormat, wrapperBytes } from './format.js';
export type { CompressionFormat } from './format.js';
export { gzipBlockLayout, blockOutputRoom } from './gzip/block-layout.js';
export type { GzipBlockSpec } from './gzip/block-layout.js';
export { createGzipBlockOps, resolveGzipBlockOptions } from './gzip/block-ops.js';
export type { BlockCompressor, Crc32, GzipBlockOptions, ResolvedGzipBlockOptions } from './gzip/block-ops.js';
export { DEFAULT_BLOCK_SIZE, MAX_BLOCK_SIZE, MIN_BLOCK_SIZE, WINDOW_BYTES, checkBlockSize } from './gzip/block-size.js';
export { CRC32_POLYNOMIAL, crc32 } from './gzip/crc32.js';
export { crc32Combine, crc32CombineWith, crc32ShiftOperator } from './gzip/crc32-combine.js';
export {
  GZIP_HEADER_BYTES,
  GZIP_OS_UNIX,
  GZIP_OS_UNKNOWN,
  GZIP_TRAILER_BYTES,
  gzipHeader,
  gzipMtime,
  gzipTrailer,
} from './gzip/gzip-header.js';
export type { GzipHeaderOptions } from './gzip/gzip-header.js';
export {
  DEFAULT_GZIP_SLOTS_PER_THREAD,
  FREE_SLOT_RECHECK_MS,
  ParallelGzipEncoder,
  REORDER_SLACK_PER_THREAD,
} from './gzip/parallel-gzip-encoder.js';
export type { InlineCompressor, ParallelGzipOptions, SubmitterCompression } from './gzip/parallel-gzip-encoder.js';
export { ReorderBuffer } from './gzip/reorder-buffer.js';
export type { FinishedBlock } from './gzip/reorder-buffer.js';
export { DEFAULT_LEVEL, MAX_LEVEL, MIN_LEVEL, checkLevel } from './level.js';
export type { CompressionLevel } from './level.js';
export { pageCount, pageLength, storedBytes } from './pages/compressed-pages.js';
export type { CompressedPages } from './pages/compressed-pages.js';
export { pageLayout, pageRoom } from './pages/page-layout.js';
export type { PageSpec } from './pages/page-layout.js';
export { DEFAULT_PAGE_LEVEL, createPageOps, resolvePageOptions } from './pages/page-ops.js';
export type { PageOpsOptions, ResolvedPageOptions } from './pages/page-ops.js';
export { PageQueue } from './pages/page-queue.js';
export type { PageQueueOptions } from './pages/page-queue.js';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MIN_PAGE_SIZE, checkPageSize } from './pages/page-size.js';
export { OP_COMPRESS, OP_DECOMPRESS, PAGE_CORRUPT, PAGE_INCOMPRESSIBLE, PAGE_OK, PAGE_TOO_LONG } from './pages/page-status.js';
export type { PageStatus } from './pages/page-status.js';
export { createTypedQueue, inlineQueueFactory } from './queue-factory.js';
export type { QueueFactory } from './queue-factory.js';
