import { describeValue } from '@twq/core';

/** The three framings of a deflate stream, named as `CompressionStream` names them. */
export type CompressionFormat = 'deflate-raw' | 'deflate' | 'gzip';

/** The stream formats a page can be compressed to: raw deflate, zlib, gzip. */
export const COMPRESSION_FORMATS: readonly CompressionFormat[] = Object.freeze(['deflate-raw', 'deflate', 'gzip']);

/** zlib framing: 2-byte header (CMF, FLG) and 4-byte Adler-32 trailer. */
export const ZLIB_WRAPPER_BYTES = 2 + 4;

/** gzip framing without optional fields: 10-byte header, CRC-32 and ISIZE trailer. */
export const GZIP_WRAPPER_BYTES = 10 + 8;

/** Bytes a format adds around the raw deflate data. */
export function wrapperBytes(format: CompressionFormat): number {
  switch (checkFormat(format)) {
    case 'deflate-raw':
      return 0;
    case 'deflate':
      return ZLIB_WRAPPER_BYTES;
    case 'gzip':
      return GZIP_WRAPPER_BYTES;
  }
}

/** Throws a RangeError naming the value unless it is one of COMPRESSION_FORMATS. */
export function checkFormat(format: unknown, name = 'format'): CompressionFormat {
  if (!COMPRESSION_FORMATS.includes(format as CompressionFormat)) {
    throw new RangeError(
      `${name} must be one of ${COMPRESSION_FORMATS.map((f) => `'${f}'`).join(', ')}, got ${describeValue(format)}`,
    );
  }
  return format as CompressionFormat;
}
