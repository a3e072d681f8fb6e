import { defineOps, describeValue, type Ops } from '@twq/core';
import { checkBytes, checkFunction } from '../check.js';
import { DEFAULT_LEVEL, checkLevel, type CompressionLevel } from '../level.js';
import { DEFAULT_BLOCK_SIZE, WINDOW_BYTES, checkBlockSize } from './block-size.js';
import { gzipBlockLayout, type GzipBlockSpec } from './block-layout.js';
import { tightenSyncFlush } from './deflate-walk.js';

/** `opsOptions` of a gzip block queue (structured-cloned to every worker). */
export interface GzipBlockOptions {
  /** 0 to 9; default 6. */
  level?: CompressionLevel;
  /** Bytes per block, 32 KiB to 4 MiB; default 128 KiB. */
  blockSize?: number;
}

/** GzipBlockOptions checked and with their defaults filled in. */
export interface ResolvedGzipBlockOptions {
  readonly level: CompressionLevel;
  readonly blockSize: number;
}

/** Checks gzip block options and fills in defaults. */
export function resolveGzipBlockOptions(options: GzipBlockOptions | undefined): ResolvedGzipBlockOptions {
  if (options !== undefined && (typeof options !== 'object' || (options as unknown) === null)) {
    throw new TypeError(`gzip block options must be an object or undefined, got ${describeValue(options)}`);
  }
  const o = options ?? {};
  return Object.freeze({ level: checkLevel(o.level ?? DEFAULT_LEVEL), blockSize: checkBlockSize(o.blockSize ?? DEFAULT_BLOCK_SIZE) });
}

/**
 * Compresses one block as raw deflate, primed with `dictionary` (the 32 KiB
 * before it, or undefined for the first block). Not `last`: ends with a sync
 * flush (byte-aligned, not final), so the next block's stream can follow it.
 * `last`: ends with the final block. The result may be reused by the next call.
 */
export type BlockCompressor = (
  input: Uint8Array,
  dictionary: Uint8Array | undefined,
  last: boolean,
  level: CompressionLevel,
) => Uint8Array;

/** A block compressor's arguments, checked the same way by each: one compare each, per block. */
export function checkBlockArguments(input: unknown, dictionary: unknown, last: unknown, level: unknown): void {
  checkBytes(input, 'input');
  if (dictionary !== undefined) checkBytes(dictionary, 'dictionary');
  if (typeof last !== 'boolean') throw new TypeError(`last must be a boolean, got ${describeValue(last)}`);
  checkLevel(level);
}

/**
 * Sync-flushed blocks that compress to at most this many bytes get pigz's
 * shorter ending (see `tightenSyncFlush`): 2 to 5 bytes less, which is 1 to 3%
 * of a file of zeros or a sparse file. On larger outputs the saving is
 * below 0.1% and walking the stream costs 10 to 25% of compressing it
 * (measured on text at levels 6 and 1), so they keep zlib's sync flush.
 */
export const PIGZ_ENDING_MAX_BYTES = 4096;

/** A compressor's block as it goes out: not the last and short, it ends as pigz ends it (rewritten in place). */
export function endBlock(out: Uint8Array, last: boolean): Uint8Array {
  if (last || out.length > PIGZ_ENDING_MAX_BYTES) return out;
  return out.subarray(0, tightenSyncFlush(out, out.length));
}

/** CRC-32 of `data` (gzip's). */
export type Crc32 = (data: Uint8Array) => number;

/**
 * The gzip block ops (pigz's method) over a block compressor: each worker
 * compresses its block with the previous 32 KiB as preset dictionary and
 * computes the block's CRC-32, so the submitter only copies and combines.
 */
export function createGzipBlockOps(
  compressBlock: BlockCompressor,
  crc32: Crc32,
  options?: GzipBlockOptions,
): Ops<GzipBlockSpec, unknown, GzipBlockOptions> {
  // Checked here, not at the first block on a worker.
  checkFunction(compressBlock, 'compressBlock');
  checkFunction(crc32, 'crc32');
  const { level, blockSize } = resolveGzipBlockOptions(options);
  return defineOps<GzipBlockSpec, unknown, GzipBlockOptions>({
    layout: gzipBlockLayout(blockSize),
    handle(request) {
      const length = request.inputLength;
      const dictionaryLength = request.dictionaryLength;
      if (length > blockSize) throw new RangeError(`inputLength must be at most ${blockSize}, got ${length}`);
      if (dictionaryLength > WINDOW_BYTES) {
        throw new RangeError(`dictionaryLength must be at most ${WINDOW_BYTES}, got ${dictionaryLength}`);
      }
      const input = request.input.subarray(0, length);
      const dictionary = dictionaryLength > 0 ? request.dictionary.subarray(0, dictionaryLength) : undefined;
      const out = compressBlock(input, dictionary, request.last !== 0, level);
      // Sized from the deflate bound: only a codec breaking its bound gets here.
      if (out.length > request.output.length) {
        throw new RangeError(`block compressed to ${out.length} bytes, past the deflate bound ${request.output.length}`);
      }
      request.output.set(out);
      request.outputLength = out.length;
      request.crc = crc32(input);
    },
  });
}
