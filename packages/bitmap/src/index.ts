export { AtomicBitmap, lowestSetBit, lowestSetBitUnchecked, popcount32 } from './atomic-bitmap.js';
export { describeValue } from './describe-value.js';
export {
  BITS_PER_WORD,
  BYTES_PER_WORD,
  CACHE_LINE_BYTES,
  MAX_BITS,
  alignUp,
  assertBitCount,
  bytesForBits,
  wordsForBits,
} from './sizing.js';
