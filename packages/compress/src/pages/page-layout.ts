/**
 * The request layout of the page ops: one page per request, or a batch of
 * pages per request (a request's cost to submit, wake and complete is about
 * what a 4 KiB page of zeros costs to compress, so a batch amortises it, as
 * QEMU's multifd sends packets of many pages).
 *
 * Byte layout of a request, B = pagesPerRequest, room = pageRoom(pageSize, format):
 *
 *   op, page, count, inputLength, outputLength   u32 (status i32)
 *   input      B * room bytes   page i at [i * room, (i + 1) * room)
 *   output     B * room bytes   page i at [i * room, (i + 1) * room)
 *   lengths    4 * B bytes      page i's length at [4 * i, 4 * i + 4), little-endian u32:
 *                               its input bytes on entry, its output bytes on exit
 *   statuses   B bytes          page i's PAGE_* status at [i], written by the worker
 *
 * `count` 0 or 1 is the single-page form (`inputLength`, `outputLength` and
 * `status` describe the page at the start of the regions; `lengths` and
 * `statuses` are not used): code written before batches needs no change.
 * `count` 2..B is the batch form (`inputLength`, `outputLength` and `status`
 * are not used). A page sits at the same offset in both regions, so a worker's
 * per-page views are fixed per slot.
 */
import { MAX_REQUEST_BYTES, defineLayout, describeValue, type Layout } from '@twq/core';
import { deflateBound } from '../deflate-bound.js';
import type { CompressionFormat } from '../format.js';

/** The fields of a page request (a type alias: a layout spec needs an implicit index signature). */
export type PageSpec = {
  /** OP_COMPRESS or OP_DECOMPRESS. */
  op: 'u32';
  /** The (first) page's index in its buffer (for the submitter; the worker ignores it). */
  page: 'u32';
  /** Pages in this request: 0 or 1 = the single-page form, 2..pagesPerRequest = the batch form. */
  count: 'u32';
  /** Single-page form: valid bytes in `input`. */
  inputLength: 'u32';
  /** Single-page form: valid bytes in `output`, written by the worker. */
  outputLength: 'u32';
  /** Single-page form: a PAGE_* status, written by the worker. */
  status: 'i32';
  input: { bytes: number };
  output: { bytes: number };
  /** Batch form: page i's length, little-endian u32 at byte 4 * i (input bytes on entry, output bytes on exit). */
  lengths: { bytes: number };
  /** Batch form: page i's PAGE_* status at byte i, written by the worker. */
  statuses: { bytes: number };
};

/** Most pages one request may carry. */
export const MAX_PAGES_PER_REQUEST = 256;

/** The ops' default: one page per request, the layout's original form. */
export const DEFAULT_PAGES_PER_REQUEST = 1;

/**
 * Throws unless `pagesPerRequest` is an integer in [1, MAX_PAGES_PER_REQUEST]
 * whose two regions fit one request (core's MAX_REQUEST_BYTES).
 */
export function checkPagesPerRequest(pagesPerRequest: unknown, pageSize: number, format: CompressionFormat): number {
  if (!Number.isInteger(pagesPerRequest) || (pagesPerRequest as number) < 1 || (pagesPerRequest as number) > MAX_PAGES_PER_REQUEST) {
    throw new RangeError(`pagesPerRequest must be an integer in [1, ${MAX_PAGES_PER_REQUEST}], got ${describeValue(pagesPerRequest)}`);
  }
  const n = pagesPerRequest as number;
  const bytes = 2 * n * pageRoom(pageSize, format);
  if (bytes > MAX_REQUEST_BYTES) {
    throw new RangeError(
      `pagesPerRequest ${n} of ${pageSize}-byte pages needs ${bytes} bytes of input and output regions, more than a request's ${MAX_REQUEST_BYTES}`,
    );
  }
  return n;
}

/**
 * Both regions hold either pages or their compressed forms, so one layout (and
 * one queue) serves compression and decompression: each page's room is sized
 * for the larger, the deflate bound of a page in the format. The worker can
 * then never write past a page's room, whatever the data.
 */
export function pageLayout(pageSize: number, format: CompressionFormat, pagesPerRequest = DEFAULT_PAGES_PER_REQUEST): Layout<PageSpec> {
  const room = pageRoom(pageSize, format);
  return defineLayout<PageSpec>({
    op: 'u32',
    page: 'u32',
    count: 'u32',
    inputLength: 'u32',
    outputLength: 'u32',
    status: 'i32',
    input: { bytes: pagesPerRequest * room },
    output: { bytes: pagesPerRequest * room },
    lengths: { bytes: 4 * pagesPerRequest },
    statuses: { bytes: pagesPerRequest },
  });
}

/** Bytes of each region per page of a page request: room for a page or its compressed form. */
export function pageRoom(pageSize: number, format: CompressionFormat): number {
  return Math.max(pageSize, deflateBound(pageSize, format));
}

/** Page i's length in a batch's `lengths` region (little-endian u32, read byte-wise: the region need not be 4-aligned for a view). */
export function readPageLength(lengths: Uint8Array, i: number): number {
  const at = i << 2;
  return (lengths[at] | (lengths[at + 1] << 8) | (lengths[at + 2] << 16) | (lengths[at + 3] << 24)) >>> 0;
}

/** Writes page i's length into a batch's `lengths` region. */
export function writePageLength(lengths: Uint8Array, i: number, length: number): void {
  const at = i << 2;
  lengths[at] = length & 0xff;
  lengths[at + 1] = (length >>> 8) & 0xff;
  lengths[at + 2] = (length >>> 16) & 0xff;
  lengths[at + 3] = length >>> 24;
}
