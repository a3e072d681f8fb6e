/**
 * The gzip block ops module for Node.js workers: node:zlib's raw deflate
 * with a preset dictionary, and zlib's CRC-32 (table CRC before Node 20.15).
 */
import * as zlib from 'node:zlib';
import type { Ops } from '@twq/core';
import { checkBytes } from '../check.js';
import type { CompressionLevel } from '../level.js';
import type { GzipBlockSpec } from './block-layout.js';
import { checkBlockArguments, createGzipBlockOps, endBlock, type BlockCompressor, type Crc32, type GzipBlockOptions } from './block-ops.js';
import { crc32 as tableCrc32 } from './crc32.js';
import { createBlockDeflater, type BlockDeflater } from './node-block-deflater.js';

const { Z_FINISH, Z_SYNC_FLUSH } = zlib.constants;

/** zlib.crc32 appeared in Node 20.15 and 22.2; a namespace import lets older versions fall back. */
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

// zlib.crc32 would also take a string (its UTF-8 bytes): a block is bytes.
/** CRC-32 of a block on Node.js: `zlib.crc32` where Node.js has it, else a table-driven CRC-32. */
export const nodeCrc32: Crc32 = nativeCrc32 === undefined ? (data) => tableCrc32(data) : (data) => nativeCrc32(checkBytes(data, 'data'));

/** This thread's block deflater per level: made on first use; null where the one-shot function serves. */
const deflaters: (BlockDeflater | null | undefined)[] = [];

/**
 * Compresses one gzip block with node:zlib's raw deflate, primed with the
 * previous block's last 32 KiB, sync-flushed (or finished, for the last
 * block): through this thread's reused zlib stream (see `createBlockDeflater`),
 * else the one-shot function. The result is reused by the next call.
 */
export const nodeBlockCompressor: BlockCompressor = (
  input: Uint8Array,
  dictionary: Uint8Array | undefined,
  last: boolean,
  level: CompressionLevel,
) => {
  checkBlockArguments(input, dictionary, last, level);
  let deflater = deflaters[level];
  if (deflater === undefined) deflater = deflaters[level] = createBlockDeflater(level);
  const out =
    deflater === null
      ? zlib.deflateRawSync(input, { level, dictionary, finishFlush: last ? Z_FINISH : Z_SYNC_FLUSH })
      : deflater.compress(input, dictionary, last);
  return endBlock(out, last);
};

/** The gzip block ops on node:zlib: the module a parallel gzip's workers load (an ops factory taking GzipBlockOptions). */
export const ops = (options?: GzipBlockOptions): Ops<GzipBlockSpec, unknown, GzipBlockOptions> =>
  createGzipBlockOps(nodeBlockCompressor, nodeCrc32, options);
