import fc from 'fast-check';
import { deflateRawSync, deflateSync, gzipSync, inflateRawSync } from 'node:zlib';
import { compressibleText, randomBytes } from '@twq/test-support/corpus';
import { describe, expect, it } from 'vitest';
import { fflatePageCodec } from '../src/codec/fflate-page-codec.js';
import { nodePageCodec } from '../src/codec/node-page-codec.js';
import { createReusableDeflater } from '../src/codec/reusable-deflater.js';
import { deflateBound } from '../src/deflate-bound.js';
import { COMPRESSION_FORMATS, type CompressionFormat } from '../src/format.js';
import type { CompressionLevel } from '../src/level.js';
import { expectSameBytes } from './helpers/bytes.js';

const ONE_SHOT = { 'deflate-raw': deflateRawSync, deflate: deflateSync, gzip: gzipSync } as const;
/** Multiplier for the property's runs: TWQ_TEST_SCALE=30 for a long search. */
const SCALE = Math.max(0.01, Number(process.env.TWQ_TEST_SCALE ?? '1') || 1);
const LEVELS: CompressionLevel[] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

function roomFor(input: Uint8Array, format: CompressionFormat): Uint8Array {
  return new Uint8Array(deflateBound(input.length, format));
}

describe('createReusableDeflater (node:zlib internals)', () => {
  // If this fails, a Node release changed the zlib internals the fast path
  // uses: pages still compress (the one-shot path), but 2-3 times slower.
  it(`takes the fast path on this Node (${process.version}) for every format and level but 0`, () => {
    for (const format of COMPRESSION_FORMATS) {
      expect(createReusableDeflater(format, 0), `${format} level 0 (stored: one-shot)`).toBeNull();
      for (const level of LEVELS.slice(1)) {
        const deflater = createReusableDeflater(format, level);
        expect(deflater, `${format} level ${level}`).not.toBeNull();
        deflater?.close();
      }
    }
  });

  // Inputs of varying lengths in any order: a longer input leaves bytes in
  // zlib's window that a fresh stream would not have (see #scrub).
  it('writes the same bytes as the one-shot functions, call after call, whatever came before (fast-check)', () => {
    const deflaters = new Map<string, NonNullable<ReturnType<typeof createReusableDeflater>>>();
    fc.assert(
      fc.property(
        fc.constantFrom(...COMPRESSION_FORMATS),
        fc.constantFrom(...LEVELS.slice(1)),
        fc.oneof(
          fc.uint8Array({ maxLength: 5000 }),
          fc.integer({ min: 0, max: 20_000 }).map((n) => compressibleText(n, n)),
          fc.integer({ min: 60_000, max: 140_000 }).map((n) => compressibleText(n, n)),
        ),
        (format, level, input) => {
          const key = `${format}/${String(level)}`;
          let deflater = deflaters.get(key);
          if (deflater === undefined) {
            deflater = createReusableDeflater(format, level) ?? undefined;
            if (deflater === undefined) throw new Error(`no fast path for ${key}`);
            deflaters.set(key, deflater);
          }
          const output = roomFor(input, format);
          const length = deflater.compressInto(input, output);
          expectSameBytes(output.subarray(0, length), ONE_SHOT[format](input, { level }));
        },
      ),
      { numRuns: Math.ceil(600 * SCALE) },
    );
    for (const d of deflaters.values()) d.close();
  });

  it('reads from and writes into SharedArrayBuffer views (a page and a slot)', () => {
    const shared = new Uint8Array(new SharedArrayBuffer(3 * 4096));
    shared.set(compressibleText(4096, 3), 4096);
    const input = shared.subarray(4096, 8192);
    const output = new Uint8Array(new SharedArrayBuffer(deflateBound(4096, 'deflate-raw') + 8)).subarray(8);
    const deflater = createReusableDeflater('deflate-raw', 1);
    const length = deflater?.compressInto(input, output) ?? -1;
    expectSameBytes(inflateRawSync(output.subarray(0, length)), input);
    deflater?.close();
  });

  it('reports -1 when the stream does not fit, and the next page is unaffected', () => {
    const deflater = createReusableDeflater('deflate-raw', 6);
    if (deflater === null) throw new Error('no fast path');
    const noise = randomBytes(4096, 9);
    expect(deflater.compressInto(noise, new Uint8Array(100))).toBe(-1);
    const text = compressibleText(4096, 1);
    const output = roomFor(text, 'deflate-raw');
    const length = deflater.compressInto(text, output);
    expectSameBytes(output.subarray(0, length), deflateRawSync(text, { level: 6 }));
    deflater.close();
  });

  it('compresses an empty input to the empty stream of its format', () => {
    for (const format of COMPRESSION_FORMATS) {
      const deflater = createReusableDeflater(format, 1);
      const output = new Uint8Array(64);
      const length = deflater?.compressInto(new Uint8Array(0), output) ?? -1;
      expectSameBytes(output.subarray(0, length), ONE_SHOT[format](new Uint8Array(0), { level: 1 }));
      deflater?.close();
    }
  });
});

describe.each([nodePageCodec, fflatePageCodec])('$name compressInto', (codec) => {
  it.each(COMPRESSION_FORMATS)('writes what compress() returns (%s)', (format) => {
    for (const input of [compressibleText(4096, 5), randomBytes(4096, 5), new Uint8Array(4096)]) {
      const output = roomFor(input, format);
      const length = codec.compressInto(input, format, 1, output);
      expectSameBytes(output.subarray(0, length), codec.compress(input, format, 1));
    }
  });

  it('fits a stream into exactly its own length, and reports -1 for one byte less', () => {
    const input = compressibleText(4096, 8);
    const expected = codec.compress(input, 'deflate', 6);
    const exact = new Uint8Array(expected.length);
    expect(codec.compressInto(input, 'deflate', 6, exact)).toBe(expected.length);
    expectSameBytes(exact, expected);
    expect(codec.compressInto(input, 'deflate', 6, new Uint8Array(expected.length - 1))).toBe(-1);
  });
});
