import { describeValue } from './describe-value.js';

/**
 * Storage sizing for bitmaps that live in shared memory.
 *
 * Independently written word groups must not share a cache line. x86 cores
 * prefetch the adjacent 64-byte line as a pair, so twq pads to 128 bytes.
 */

/** Bytes that twq treats as one cache line (two 64-byte lines: adjacent-line prefetch). */
export const CACHE_LINE_BYTES = 128;

/** Bits held by one Int32 word. */
export const BITS_PER_WORD = 32;

/** Bytes in one Int32 word. */
export const BYTES_PER_WORD = 4;

/** Largest bit count a bitmap accepts: 2^31 - 1 bits, the largest exact Int32 index. */
export const MAX_BITS = 0x7fff_ffff;

/** `n` rounded up to a multiple of `alignment` (a positive integer). */
export function alignUp(n: number, alignment: number = CACHE_LINE_BYTES): number {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`alignUp: n must be a non-negative safe integer, got ${describeValue(n)}`);
  }
  if (!Number.isSafeInteger(alignment) || alignment < 1) {
    throw new RangeError(`alignUp: alignment must be a positive safe integer, got ${describeValue(alignment)}`);
  }
  return Math.ceil(n / alignment) * alignment;
}

/** Int32 words needed for `bits` bits. */
export function wordsForBits(bits: number): number {
  assertBitCount(bits);
  return Math.ceil(bits / BITS_PER_WORD);
}

/**
 * Bytes to reserve for a bitmap of `bits` bits, rounded up to whole cache lines so
 * that whatever is placed after it starts on its own line.
 */
export function bytesForBits(bits: number): number {
  return alignUp(wordsForBits(bits) * BYTES_PER_WORD, CACHE_LINE_BYTES);
}

/** Throws a RangeError naming `bits` unless it is an integer in [1, MAX_BITS]. */
export function assertBitCount(bits: number): void {
  if (!Number.isInteger(bits) || bits < 1 || bits > MAX_BITS) {
    throw new RangeError(`bit count must be an integer in [1, ${MAX_BITS}], got ${describeValue(bits)}`);
  }
}
