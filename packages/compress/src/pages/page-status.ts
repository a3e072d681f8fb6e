/**
 * What a page slot's `status` says after its worker handled it. Expected
 * outcomes are statuses, not exceptions: an incompressible page is normal
 * for a migration (send it raw), and a receiver must be able to tell corrupt
 * input from a bug.
 */

/** Compressed smaller than the page, or decompressed: `output` holds `outputLength` valid bytes. */
export const PAGE_OK = 0;
/** Compressed to at least the page's own length: store the page raw. `output` still holds the (valid, useless) stream. */
export const PAGE_INCOMPRESSIBLE = 1;
/** Decompression failed: the data is corrupt or truncated (the handler also throws, with the codec's message). */
export const PAGE_CORRUPT = 2;
/** Decompression would exceed the page size (the handler also throws). */
export const PAGE_TOO_LONG = 3;

/** A page slot's status after its worker handled it. */
export type PageStatus = typeof PAGE_OK | typeof PAGE_INCOMPRESSIBLE | typeof PAGE_CORRUPT | typeof PAGE_TOO_LONG;

/** What a page request asks its worker to do (`op` field). */
export const OP_COMPRESS = 1;
/** A page request's `op` asking to decompress it. */
export const OP_DECOMPRESS = 2;
