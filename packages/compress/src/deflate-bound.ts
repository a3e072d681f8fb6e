import { checkByteCount } from './check.js';
import { wrapperBytes, type CompressionFormat } from './format.js';

/**
 * The most bytes raw deflate can produce from `length` input bytes, for any
 * level, window or memory setting and any deflate implementation that falls
 * back to stored blocks (zlib, fflate): the largest of zlib's conservative
 * deflateBound formulas, its fixed-Huffman bound (9-bit literals, ~13%
 * overhead) and stored-block bound (~4%) since zlib 1.2.12, and the single
 * formula before (~14%, larger for small inputs). zlib's tight bound (~0.03%)
 * only holds for its default parameters, which another codec may not use: the
 * few extra kilobytes per slot buy "never overflows" whatever the codec.
 */
export function rawDeflateBound(length: number): number {
  checkByteCount(length, 'length');
  const fixed = length + (length >>> 3) + (length >>> 8) + (length >>> 9) + 4;
  const stored = length + (length >>> 5) + (length >>> 7) + (length >>> 11) + 7;
  const classic = length + Math.floor((length + 7) / 8) + Math.floor((length + 63) / 64) + 5;
  return Math.max(fixed, stored, classic);
}

/**
 * Bytes a sync flush may add after the data: the rest of the current byte
 * plus an empty stored block (3 header bits, padding, LEN and NLEN).
 */
export const SYNC_FLUSH_BYTES = 1 + 4;

/** Output room for one compressed page or block in `format`. */
export function deflateBound(length: number, format: CompressionFormat = 'deflate-raw'): number {
  return rawDeflateBound(length) + wrapperBytes(format);
}
