import * as zlib from 'node:zlib';
import { compressibleText, prng, randomBytes } from '@twq/test-support/corpus';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../src/gzip/crc32.js';
import { crc32Combine, crc32CombineWith, crc32ShiftOperator, multiplyModP } from '../src/gzip/crc32-combine.js';

/** A reference CRC that does not depend on the Node version: bitwise, straight from the definition. */
function bitwiseCrc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return ~c >>> 0;
}

describe('crc32 (table, slicing-by-8)', () => {
  it('gives the check value of "123456789" (0xCBF43926)', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('is 0 for no data', () => {
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('matches the bitwise definition for every length 0..70 (both loops and their seam)', () => {
    const data = randomBytes(70, 3);
    for (let n = 0; n <= 70; n++) expect(crc32(data.subarray(0, n))).toBe(bitwiseCrc32(data.subarray(0, n)));
  });

  it('matches zlib on a large, unaligned view', () => {
    const data = randomBytes(300_001, 4).subarray(3);
    const z = (zlib as { crc32?: (d: Uint8Array) => number }).crc32;
    expect(crc32(data)).toBe(z === undefined ? bitwiseCrc32(data) : z(data));
  });

  it('continues from a previous CRC', () => {
    const data = compressibleText(10_000, 2);
    expect(crc32(data.subarray(5000), crc32(data.subarray(0, 5000)))).toBe(crc32(data));
  });
});

describe('crc32Combine', () => {
  it('combines the CRCs of two pieces into the CRC of their concatenation, for any split', () => {
    const data = randomBytes(200_000, 5);
    const random = prng(9);
    for (let i = 0; i < 50; i++) {
      const split = Math.floor(random() * (data.length + 1));
      const a = data.subarray(0, split);
      const b = data.subarray(split);
      expect(crc32Combine(crc32(a), crc32(b), b.length)).toBe(crc32(data));
    }
  });

  it('handles empty pieces on either side', () => {
    const data = randomBytes(1000, 6);
    expect(crc32Combine(crc32(data), 0, 0)).toBe(crc32(data));
    expect(crc32Combine(0, crc32(data), data.length)).toBe(crc32(data));
  });

  it('combines many fixed-size blocks with one precomputed operator', () => {
    const block = 128 * 1024;
    const data = compressibleText(block * 7 + 123, 8);
    const shift = crc32ShiftOperator(block);
    let crc = 0;
    for (let at = 0; at < data.length; at += block) {
      const piece = data.subarray(at, at + block);
      crc = crc32CombineWith(crc, crc32(piece), piece.length === block ? shift : crc32ShiftOperator(piece.length));
    }
    expect(crc).toBe(crc32(data));
  });

  it('accepts lengths past 2^32 (the exponent is reduced, not truncated)', () => {
    // x^(8 * 2^32) composed from two shifts of 2^31 bytes equals one shift of 2^32.
    const half = crc32ShiftOperator(2 ** 31);
    expect(crc32ShiftOperator(2 ** 32)).toBe(multiplyModP(half, half));
  });

  it('rejects a negative or fractional length', () => {
    expect(() => crc32ShiftOperator(-1)).toThrow(RangeError);
    expect(() => crc32ShiftOperator(1.5)).toThrow(/safe integer/);
  });
});
