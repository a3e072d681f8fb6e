import type { CompressionFormat } from '../format.js';
import type { CompressionLevel } from '../level.js';

/**
 * One-shot compression of a whole page, as a worker runs it. A codec is
 * stateless between calls (a page is a complete stream in its format), so one
 * codec object serves every slot.
 */
export interface PageCodec {
  /** Short name for messages and benchmarks ('node:zlib', 'fflate'). */
  readonly name: string;
  /** The complete compressed stream of `input`. The result may be reused by the next call: copy it out. */
  compress(input: Uint8Array, format: CompressionFormat, level: CompressionLevel): Uint8Array;
  /**
   * The complete compressed stream of `input`, written at the start of
   * `output`: returns its length, or -1 when it does not fit (size `output`
   * with `deflateBound` and it always fits). The worker's path: on node:zlib
   * it allocates nothing per page.
   */
  compressInto(input: Uint8Array, format: CompressionFormat, level: CompressionLevel, output: Uint8Array): number;
  /**
   * The decompressed bytes of one complete stream. Throws on corrupt or
   * truncated data, and when the result would exceed `maxLength` bytes.
   */
  decompress(input: Uint8Array, format: CompressionFormat, maxLength: number): Uint8Array;
}
