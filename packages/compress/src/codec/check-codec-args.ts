import { describeValue } from '@twq/core';
import { checkBytes } from '../check.js';
import { checkFormat } from '../format.js';
import { checkLevel } from '../level.js';

/** The largest `maxLength` a codec takes: 2 GiB - 1, the largest buffer every runtime allocates. */
export const MAX_DECOMPRESSED_LENGTH = 0x7fff_ffff;

/**
 * The checks every PageCodec method makes before touching its codec: a few
 * type tests a page, no allocation. Without them a wrong format falls through
 * the switch (undefined), a wrong level reaches zlib as its default, and a
 * non-array output reaches a native assertion that aborts the process.
 */
export function checkCompressArgs(input: unknown, format: unknown, level: unknown): asserts input is Uint8Array {
  checkBytes(input, 'input');
  checkFormat(format);
  checkLevel(level);
}

/** decompress's arguments: bytes, a format, and a length bound in [0, MAX_DECOMPRESSED_LENGTH]. */
export function checkDecompressArgs(input: unknown, format: unknown, maxLength: unknown): asserts input is Uint8Array {
  checkBytes(input, 'input');
  checkFormat(format);
  if (!Number.isInteger(maxLength) || (maxLength as number) < 0 || (maxLength as number) > MAX_DECOMPRESSED_LENGTH) {
    throw new RangeError(`maxLength must be an integer in [0, ${MAX_DECOMPRESSED_LENGTH}], got ${describeValue(maxLength)}`);
  }
}
