import { defineLayout, type Layout } from '@twq/core';
import { SYNC_FLUSH_BYTES, rawDeflateBound } from '../deflate-bound.js';
import { WINDOW_BYTES, checkBlockSize } from './block-size.js';

/** The fields of a gzip block request (a type alias: a layout spec needs an implicit index signature). */
export type GzipBlockSpec = {
  /** Block number in the stream, 0-based (f64: no wrap-around before 2^53 blocks). */
  seq: 'f64';
  /** Valid bytes in `input`. */
  inputLength: 'u32';
  /** Valid bytes at the start of `dictionary` (0 for the first block). */
  dictionaryLength: 'u32';
  /** 1 for the stream's last block (finished with Z_FINISH), else 0 (ended with a sync flush). */
  last: 'u32';
  /** Bytes of raw deflate in `output`, written by the worker. */
  outputLength: 'u32';
  /** CRC-32 of the block's input, written by the worker. */
  crc: 'u32';
  /** The 32 KiB before the block: deflate's preset dictionary. */
  dictionary: { bytes: number };
  input: { bytes: number };
  output: { bytes: number };
};

/** Output room for one block: its raw deflate bound plus a sync flush marker. */
export function blockOutputRoom(blockSize: number): number {
  return rawDeflateBound(checkBlockSize(blockSize)) + SYNC_FLUSH_BYTES;
}

/** The request layout of a gzip block queue for `blockSize`-byte blocks. */
export function gzipBlockLayout(blockSize: number): Layout<GzipBlockSpec> {
  checkBlockSize(blockSize);
  return defineLayout<GzipBlockSpec>({
    seq: 'f64',
    inputLength: 'u32',
    dictionaryLength: 'u32',
    last: 'u32',
    outputLength: 'u32',
    crc: 'u32',
    dictionary: { bytes: WINDOW_BYTES },
    input: { bytes: blockSize },
    output: { bytes: blockOutputRoom(blockSize) },
  });
}
