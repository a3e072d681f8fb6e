import { describeValue } from '@twq/core';
import { checkByteCount } from '../check.js';
import type { CompressionFormat } from '../format.js';
import { checkPageSize } from './page-size.js';

/**
 * A buffer cut into pages and compressed page by page, in page order. Every
 * page is there: page `i` covers bytes `[i * pageSize, min((i + 1) * pageSize, byteLength))`
 * of the original; the last page may be short.
 */
export interface CompressedPages {
  readonly format: CompressionFormat;
  readonly pageSize: number;
  /** Length of the original buffer. */
  readonly byteLength: number;
  /**
   * Page `i`'s compressed stream, or its raw bytes where `status[i]` is PAGE_INCOMPRESSIBLE.
   * From `PageQueue.compress`, pages are views of 1 MiB chunks shared by
   * neighbouring pages (one allocation per chunk, not per page): `slice()` a
   * page to keep it apart, or before transferring its `buffer`.
   */
  readonly pages: readonly Uint8Array[];
  /** PAGE_OK or PAGE_INCOMPRESSIBLE for each page. */
  readonly status: Uint8Array;
}

/** Number of pages of a `byteLength`-byte buffer. */
export function pageCount(byteLength: number, pageSize: number): number {
  checkByteCount(byteLength, 'byteLength');
  checkPageSize(pageSize);
  return Math.ceil(byteLength / pageSize);
}

/** Length of page `index` of a `byteLength`-byte buffer. */
export function pageLength(index: number, byteLength: number, pageSize: number): number {
  const count = pageCount(byteLength, pageSize);
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new RangeError(`index must be an integer in [0, ${count - 1}] (the buffer's pages), got ${describeValue(index)}`);
  }
  return lengthOfPage(index, byteLength, pageSize);
}

/** pageLength without its checks, for a loop over pages whose buffer and size were checked once (PageQueue). */
export function lengthOfPage(index: number, byteLength: number, pageSize: number): number {
  return Math.min(pageSize, byteLength - index * pageSize);
}

/** Total bytes of the pages as stored (compressed, or raw where incompressible). */
export function storedBytes(pages: CompressedPages): number {
  if (typeof pages !== 'object' || (pages as unknown) === null || !Array.isArray((pages as { pages: unknown }).pages)) {
    throw new TypeError(`pages must be a CompressedPages (an object with a pages array), got ${describeValue(pages)}`);
  }
  let total = 0;
  for (const page of pages.pages) total += page.length;
  return total;
}
