import { describeValue } from '@twq/core';

/** Deflate levels: 0 stores, 1 is fastest, 9 compresses best. */
export const MIN_LEVEL = 0;
/** The highest compression level (zlib's 9). */
export const MAX_LEVEL = 9;
/** zlib's and gzip's default. */
export const DEFAULT_LEVEL = 6;

/** A compression level, 0 to 9. */
export type CompressionLevel = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

/** Throws a RangeError naming the value unless it is an integer level in [0, 9]. */
export function checkLevel(level: unknown, name = 'level'): CompressionLevel {
  if (!Number.isInteger(level) || (level as number) < MIN_LEVEL || (level as number) > MAX_LEVEL) {
    throw new RangeError(`${name} must be an integer in [${MIN_LEVEL}, ${MAX_LEVEL}], got ${describeValue(level)}`);
  }
  return level as CompressionLevel;
}
