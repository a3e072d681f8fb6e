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
import type { PageCodec } from './page-codec.js';

// One frozen options object per level: nothing is allocated per page for them.
const LEVEL_OPTIONS: readonly ZlibOptions[] = Object.freeze(
  Array.from({ length: 10 }, (_, level) => Object.freeze({ level })),
);

/**
 * node:zlib, the fastest codec on Node.js (native zlib, 4-7 times fflate per
 * page; see the README). `maxOutputLength` makes zlib itself stop a page that
 * inflates past its size, so a hostile page cannot allocate more.
 */
export const nodePageCodec: PageCodec = Object.freeze({
  name: 'node:zlib',
  compress(input: Uint8Array, format: CompressionFormat, level: CompressionLevel): Uint8Array {
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
  decompress(input: Uint8Array, format: CompressionFormat, maxLength: number): Uint8Array {
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
