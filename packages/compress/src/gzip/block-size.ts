import { describeValue } from '@twq/core';

/** Deflate's window: the most history a match can reach, and so the preset dictionary of each block. */
export const WINDOW_BYTES = 32 * 1024;

/** pigz's default block: 128 KiB. */
export const DEFAULT_BLOCK_SIZE = 128 * 1024;
/** A block at least fills one window (as pigz requires), so the dictionary is always the previous block's tail. */
export const MIN_BLOCK_SIZE = WINDOW_BYTES;
/** Largest block: dictionary, block and its deflate bound must fit one 16 MiB request. */
export const MAX_BLOCK_SIZE = 4 * 1024 * 1024;

/** Throws a RangeError naming the value unless it is an integer block size in [32 KiB, 4 MiB]. */
export function checkBlockSize(blockSize: unknown, name = 'blockSize'): number {
  if (!Number.isInteger(blockSize) || (blockSize as number) < MIN_BLOCK_SIZE || (blockSize as number) > MAX_BLOCK_SIZE) {
    throw new RangeError(`${name} must be an integer in [${MIN_BLOCK_SIZE}, ${MAX_BLOCK_SIZE}] bytes, got ${describeValue(blockSize)}`);
  }
  return blockSize as number;
}
