import { deflateSync, gunzipSync, gzipSync, inflateSync, unzlibSync, zlibSync } from 'fflate';
import { GZIP_WRAPPER_BYTES, ZLIB_WRAPPER_BYTES, type CompressionFormat } from '../format.js';
import { crc32 } from '../gzip/crc32.js';
import { GZIP_TRAILER_BYTES } from '../gzip/gzip-header.js';
import type { CompressionLevel } from '../level.js';
import { adler32 } from './adler32.js';
import { checkBytes } from '../check.js';
import { checkCompressArgs, checkDecompressArgs } from './check-codec-args.js';
import type { PageCodec } from './page-codec.js';

const LEVEL_OPTIONS = Object.freeze(Array.from({ length: 10 }, (_, level) => Object.freeze({ level: level as CompressionLevel })));

/**
 * No file name, and mtime 0: a page is not a file, and the current time would
 * make two compressions of one page differ.
 */
const GZIP_OPTIONS = Object.freeze(
  Array.from({ length: 10 }, (_, level) => Object.freeze({ level: level as CompressionLevel, mtime: 0 })),
);

/** Bytes of the Adler-32 at the end of a zlib stream. */
const ADLER_BYTES = 4;

/**
 * fflate: the browser codec, chosen by measurement over pako (slower per
 * page) and CompressionStream (asynchronous, no level, about ten times slower
 * per page); see the README. Pure JavaScript and synchronous, so a worker
 * handles a page without leaving its loop.
 *
 * fflate checks neither the zlib Adler-32 nor the gzip CRC-32 and ISIZE, and
 * sizes gzip output from the (untrusted) ISIZE: this codec checks all three
 * itself, and inflates into a buffer one byte longer than allowed, so an
 * oversized page is caught without inflating it all.
 */
export const fflatePageCodec: PageCodec = Object.freeze({
  name: 'fflate',
  compress(input: Uint8Array, format: CompressionFormat, level: CompressionLevel): Uint8Array {
    checkCompressArgs(input, format, level);
    switch (format) {
      case 'deflate-raw':
        return deflateSync(input, LEVEL_OPTIONS[level]);
      case 'deflate':
        return zlibSync(input, LEVEL_OPTIONS[level]);
      case 'gzip':
        return gzipSync(input, GZIP_OPTIONS[level]);
    }
  },
  compressInto(input: Uint8Array, format: CompressionFormat, level: CompressionLevel, output: Uint8Array): number {
    checkBytes(output, 'output');
    // fflate returns a new array whatever is asked: copy it.
    const out = fflatePageCodec.compress(input, format, level);
    if (out.length > output.length) return -1;
    output.set(out);
    return out.length;
  },
  decompress(input: Uint8Array, format: CompressionFormat, maxLength: number): Uint8Array {
    checkDecompressArgs(input, format, maxLength);
    const out = new Uint8Array(maxLength + 1);
    switch (format) {
      case 'deflate-raw':
        return checkLength(inflateSync(input, { out }), maxLength);
      case 'deflate': {
        if (input.length < ZLIB_WRAPPER_BYTES) throw new Error('unexpected end of file: too short for a zlib stream');
        const data = checkLength(unzlibSync(input, { out }), maxLength);
        const expected = new DataView(input.buffer, input.byteOffset + input.length - ADLER_BYTES, ADLER_BYTES).getUint32(0, false);
        if (adler32(data) !== expected) throw new Error('incorrect data check (Adler-32 mismatch)');
        return data;
      }
      case 'gzip': {
        if (input.length < GZIP_WRAPPER_BYTES) throw new Error('unexpected end of file: too short for a gzip member');
        const trailer = new DataView(input.buffer, input.byteOffset + input.length - GZIP_TRAILER_BYTES, GZIP_TRAILER_BYTES);
        const size = trailer.getUint32(4, true);
        // A corrupt (or truncated) member reads garbage here: report it as corrupt, not as too long.
        if (size > maxLength) throw new Error(`corrupt gzip member: its trailer declares ${size} bytes, more than the ${maxLength} allowed`);
        const data = checkLength(gunzipSync(input, { out }), maxLength);
        if (data.length !== size) throw new Error('incorrect length check (ISIZE mismatch)');
        if (crc32(data) !== trailer.getUint32(0, true)) throw new Error('incorrect data check (CRC-32 mismatch)');
        return data;
      }
    }
  },
});

function checkLength(data: Uint8Array, maxLength: number): Uint8Array {
  if (data.length > maxLength) {
    throw new RangeError(`the data inflates to more than the ${maxLength} bytes allowed`);
  }
  return data;
}
