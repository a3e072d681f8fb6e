import { defineLayout, type Layout } from '@twq/core';
import { deflateBound } from '../deflate-bound.js';
import type { CompressionFormat } from '../format.js';

/** The fields of a page request (a type alias: a layout spec needs an implicit index signature). */
export type PageSpec = {
  /** OP_COMPRESS or OP_DECOMPRESS. */
  op: 'u32';
  /** The page's index in its buffer (for the submitter; the worker ignores it). */
  page: 'u32';
  /** Valid bytes in `input`. */
  inputLength: 'u32';
  /** Valid bytes in `output`, written by the worker. */
  outputLength: 'u32';
  /** A PAGE_* status, written by the worker. */
  status: 'i32';
  input: { bytes: number };
  output: { bytes: number };
};

/**
 * Both regions hold either a page or its compressed form, so one layout (and
 * one queue) serves compression and decompression: each is sized for the
 * larger, the deflate bound of a page in the format. The worker can then
 * never write past `output`, whatever the data.
 */
export function pageLayout(pageSize: number, format: CompressionFormat): Layout<PageSpec> {
  const room = pageRoom(pageSize, format);
  return defineLayout<PageSpec>({
    op: 'u32',
    page: 'u32',
    inputLength: 'u32',
    outputLength: 'u32',
    status: 'i32',
    input: { bytes: room },
    output: { bytes: room },
  });
}

/** Bytes of each region of a page request: room for a page or its compressed form. */
export function pageRoom(pageSize: number, format: CompressionFormat): number {
  return Math.max(pageSize, deflateBound(pageSize, format));
}
