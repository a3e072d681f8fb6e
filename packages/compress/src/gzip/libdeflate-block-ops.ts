/**
 * The gzip block ops module on libdeflate compiled to WebAssembly (the
 * `libdeflate` package on npm, MIT): the fastest block codec measured in
 * browsers (see the README's "Codecs, chosen by measurement"), about 1.4
 * times native zlib's speed per core at level 6, with output 2% larger.
 *
 * libdeflate compresses whole buffers only: no preset dictionary, no sync
 * flush. So:
 * - blocks are independent (no dictionary): use 1 MiB blocks, where that
 *   costs 0.3% (2.7% at 128 KiB);
 * - each block's stream ends final: its final bit is cleared and a sync
 *   flush marker appended (`endWithSyncFlush`, as the native codec does), so
 *   the blocks join into ONE deflate stream and one gzip member, which gzip,
 *   zlib and DecompressionStream read;
 * - level 0 (stored) goes through pako, as `gzip-block-ops` does: the
 *   package takes levels 1 to 12 only.
 * Levels 1 to 9 are libdeflate's own, which trade speed for size about as
 * zlib's do (its -6 is about 1.7% larger than zlib's -6 on text).
 */
import { deflate } from 'libdeflate';
import type { Ops } from '@twq/core';
import type { CompressionLevel } from '../level.js';
import type { GzipBlockSpec } from './block-layout.js';
import { checkBlockArguments, createGzipBlockOps, endBlock, type BlockCompressor, type GzipBlockOptions } from './block-ops.js';
import { pakoBlockCompressor } from './browser-block-ops.js';
import { crc32 } from './crc32.js';
import { endWithSyncFlush } from './deflate-walk.js';

/** Bytes a sync flush marker may add after the final block's end (3 bits, padding, LEN and NLEN). */
const SYNC_FLUSH_ROOM = 5;

/** This thread's room for a block's stream and its sync flush, grown to the largest block seen (one per worker). */
let scratch = new Uint8Array(0);

/**
 * A block through libdeflate, made continuable when it is not the last.
 * `dictionary` is not used (libdeflate has none). The result may be reused
 * by the next call.
 */
export const libdeflateBlockCompressor: BlockCompressor = (
  input: Uint8Array,
  dictionary: Uint8Array | undefined,
  last: boolean,
  level: CompressionLevel,
) => {
  checkBlockArguments(input, dictionary, last, level);
  if (level === 0) return pakoBlockCompressor(input, dictionary, last, level);
  const out = deflate(input, level);
  if (last) return out;
  if (scratch.length < out.length + SYNC_FLUSH_ROOM) scratch = new Uint8Array(out.length + SYNC_FLUSH_ROOM);
  scratch.set(out);
  return endBlock(scratch.subarray(0, endWithSyncFlush(scratch, out.length)), false);
};

/**
 * The ops factory of `@twq/compress/libdeflate-gzip-block-ops`: each block
 * compressed by libdeflate (WebAssembly) without a dictionary, the blocks
 * joined into one gzip member.
 */
export const ops = (options?: GzipBlockOptions): Ops<GzipBlockSpec, unknown, GzipBlockOptions> =>
  createGzipBlockOps(libdeflateBlockCompressor, (data) => crc32(data), options);
