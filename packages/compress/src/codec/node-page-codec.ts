import {
  deflateRawSync,
  deflateSync,
  gunzipSync,
  gzipSync,
  inflateRawSync,
  inflateSync,
  type ZlibOptions,
} from 'node:zlib';
import type { CompressionFormat } from '../format.js';
import type { CompressionLevel } from '../level.js';
import { checkBytes } from '../check.js';
import { checkCompressArgs, checkDecompressArgs } from './check-codec-args.js';
import type { PageCodec } from './page-codec.js';
import { createReusableDeflater, type ReusableDeflater } from './reusable-deflater.js';

// One frozen options object per level: nothing is allocated per page for them.
const LEVEL_OPTIONS: readonly ZlibOptions[] = Object.freeze(
  Array.from({ length: 10 }, (_, level) => Object.freeze({ level })),
);

const FORMAT_INDEX: Readonly<Record<CompressionFormat, number>> = Object.freeze({ 'deflate-raw': 0, deflate: 1, gzip: 2 });
const LEVELS = 10;

/**
 * This thread's deflaters, one per format and level, made on first use:
 * undefined = not made yet, null = this Node's zlib cannot be reused (the
 * one-shot path is taken; see reusable-deflater.ts).
 */
const deflaters: (ReusableDeflater | null | undefined)[] = [];

function deflaterFor(format: CompressionFormat, level: CompressionLevel): ReusableDeflater | null {
  const index = FORMAT_INDEX[format] * LEVELS + level;
  let deflater = deflaters[index];
  if (deflater === undefined) {
    deflater = createReusableDeflater(format, level);
    deflaters[index] = deflater;
  }
  return deflater;
}

/**
 * node:zlib, the fastest codec on Node.js (native zlib, 4-7 times fflate per
 * page; see the README). `maxOutputLength` makes zlib itself stop a page that
 * inflates past its size, so a hostile page cannot allocate more.
 */
export const nodePageCodec: PageCodec = Object.freeze({
  name: 'node:zlib',
  compress(input: Uint8Array, format: CompressionFormat, level: CompressionLevel): Uint8Array {
    checkCompressArgs(input, format, level);
    const options = LEVEL_OPTIONS[level];
    switch (format) {
      case 'deflate-raw':
        return deflateRawSync(input, options);
      case 'deflate':
        return deflateSync(input, options);
      case 'gzip':
        return gzipSync(input, options);
    }
  },
  compressInto(input: Uint8Array, format: CompressionFormat, level: CompressionLevel, output: Uint8Array): number {
    checkCompressArgs(input, format, level);
    checkBytes(output, 'output');
    const deflater = deflaterFor(format, level);
    if (deflater !== null) {
      const length = deflater.compressInto(input, output);
      if (length >= 0) return length;
      // Did not fit (or ended on the very last byte): the one-shot path decides.
    }
    const out = nodePageCodec.compress(input, format, level);
    if (out.length > output.length) return -1;
    output.set(out);
    return out.length;
  },
  decompress(input: Uint8Array, format: CompressionFormat, maxLength: number): Uint8Array {
    checkDecompressArgs(input, format, maxLength);
    const options = { maxOutputLength: Math.max(1, maxLength) };
    switch (format) {
      case 'deflate-raw':
        return inflateRawSync(input, options);
      case 'deflate':
        return inflateSync(input, options);
      case 'gzip':
        return gunzipSync(input, options);
    }
  },
});
