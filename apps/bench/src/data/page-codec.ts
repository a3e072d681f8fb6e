import { deflateBound, nodePageCodec } from '@twq/compress';
import { COMPRESSION_LEVEL, PAGE_SIZE } from './page-size.js';

/** Room for one compressed page: @twq/compress's bound for raw deflate, which any page fits. */
export const COMPRESSED_PAGE_BOUND = deflateBound(PAGE_SIZE, 'deflate-raw');

/**
 * The one unit of work: raw deflate, level 1, of page `page` of `memory`, read
 * in place (a view, no copy), written at the start of `output` (room for
 * COMPRESSED_PAGE_BOUND bytes); returns the compressed length. Inline, twq and
 * the worker-pool peers all call this same function, so that they do exactly
 * the same work per page (the async-zlib child does the same compression
 * through zlib's async API, which gives the same bytes).
 *
 * The codec is @twq/compress's node:zlib one, on its worker path
 * (compressInto: one zlib stream per thread, reset between pages, no
 * allocation). Its page ops are not used: they carry the page in the request
 * (a 4 KiB copy by the submitter per page), where the seed, and this
 * benchmark, pass only the page's index into shared guest memory.
 */
export function compressPageInto(memory: Uint8Array, page: number, output: Uint8Array): number {
  const at = page * PAGE_SIZE;
  const length = nodePageCodec.compressInto(memory.subarray(at, at + PAGE_SIZE), 'deflate-raw', COMPRESSION_LEVEL, output);
  if (length < 0) throw new RangeError(`page ${page} compressed to more than ${output.length} bytes`);
  return length;
}

/** A copy of page `page` compressed (for references and tests; the measured paths use compressPageInto). */
export function compressPage(memory: Uint8Array, page: number): Uint8Array {
  const output = new Uint8Array(COMPRESSED_PAGE_BOUND);
  return output.slice(0, compressPageInto(memory, page, output));
}

/** The no-op task of the no-op workload: a value in, value + 1 out. */
export function noop(value: number): number {
  return value + 1;
}
