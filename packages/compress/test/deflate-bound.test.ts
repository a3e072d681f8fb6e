import * as zlib from 'node:zlib';
import { randomBytes } from '@twq/test-support/corpus';
import { describe, expect, it } from 'vitest';
import { fflatePageCodec } from '../src/codec/fflate-page-codec.js';
import { libdeflatePageCodec } from '../src/codec/libdeflate-page-codec.js';
import { libdeflateBlockCompressor } from '../src/gzip/libdeflate-block-ops.js';
import { nodePageCodec } from '../src/codec/node-page-codec.js';
import { SYNC_FLUSH_BYTES, deflateBound, rawDeflateBound } from '../src/deflate-bound.js';
import { COMPRESSION_FORMATS } from '../src/format.js';
import { pakoBlockCompressor } from '../src/gzip/browser-block-ops.js';
import { nodeBlockCompressor } from '../src/gzip/node-block-ops.js';
import type { CompressionLevel } from '../src/level.js';

const LEVELS: CompressionLevel[] = [0, 1, 6, 9];

describe('deflateBound', () => {
  it('is at least zlib’s own conservative bound formula plus the wrapper', () => {
    for (const n of [0, 1, 511, 512, 4096, 65_535, 65_536, 1 << 20]) {
      expect(rawDeflateBound(n)).toBeGreaterThanOrEqual(n + ((n + 7) >> 3) + ((n + 63) >> 6) + 5);
      expect(deflateBound(n, 'gzip')).toBe(rawDeflateBound(n) + 18);
      expect(deflateBound(n, 'deflate')).toBe(rawDeflateBound(n) + 6);
    }
  });

  it('holds for incompressible data in every format, level and codec', () => {
    for (const codec of [nodePageCodec, fflatePageCodec, libdeflatePageCodec]) {
      for (const n of [0, 1, 512, 4096, 65_536 + 17, 1 << 20]) {
        const data = randomBytes(n, n + 1);
        for (const format of COMPRESSION_FORMATS) {
          for (const level of LEVELS) {
            const out = codec.compress(data, format, level);
            expect(out.length, `${codec.name} ${format} -${level} ${n} bytes`).toBeLessThanOrEqual(deflateBound(n, format));
          }
        }
      }
    }
  });

  it('holds for a sync-flushed block with a dictionary, every block compressor', () => {
    const dictionary = randomBytes(32_768, 1);
    for (const compress of [nodeBlockCompressor, pakoBlockCompressor, libdeflateBlockCompressor]) {
      for (const n of [0, 1, 32_768, 131_072]) {
        const data = randomBytes(n, n + 2);
        for (const level of LEVELS) {
          for (const last of [false, true]) {
            const out = compress(data, dictionary, last, level);
            expect(out.length).toBeLessThanOrEqual(rawDeflateBound(n) + SYNC_FLUSH_BYTES);
          }
        }
      }
    }
  });

  it('matches what zlib itself reports as a bound for default settings (ours is never smaller)', () => {
    // zlib's tight bound for default parameters is sourceLen + sourceLen/4096 + ... + 13; ours must cover it.
    for (const n of [100, 4096, 1 << 20]) {
      const tight = n + (n >> 12) + (n >> 14) + (n >> 25) + 13 - 6;
      expect(rawDeflateBound(n)).toBeGreaterThanOrEqual(tight);
      expect(zlib.deflateRawSync(randomBytes(n, 3), { level: 9 }).length).toBeLessThanOrEqual(tight);
    }
  });
});
