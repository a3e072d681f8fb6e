import { expectError } from '@twq/test-support/expect-error';
import { describe, expect, it } from 'vitest';
import {
  BITS_PER_WORD,
  BYTES_PER_WORD,
  CACHE_LINE_BYTES,
  MAX_BITS,
  alignUp,
  assertBitCount,
  bytesForBits,
  wordsForBits,
} from '../src/index.js';

describe('constants', () => {
  it('describe a 128-byte line of Int32 words', () => {
    expect(CACHE_LINE_BYTES).toBe(128);
    expect(BITS_PER_WORD).toBe(32);
    expect(BYTES_PER_WORD).toBe(4);
    expect(MAX_BITS).toBe(2 ** 31 - 1);
  });
});

describe('alignUp', () => {
  it('rounds up to the alignment, default one cache line', () => {
    expect(alignUp(0)).toBe(0);
    expect(alignUp(1)).toBe(128);
    expect(alignUp(127)).toBe(128);
    expect(alignUp(128)).toBe(128);
    expect(alignUp(129)).toBe(256);
    expect(alignUp(5, 4)).toBe(8);
    expect(alignUp(8, 4)).toBe(8);
    expect(alignUp(7, 1)).toBe(7);
    expect(alignUp(10, 3)).toBe(12);
  });

  it.each([-1, 1.5, NaN, Infinity, -Infinity, 2 ** 53])('rejects n = %s naming it', (n) => {
    expectError(() => alignUp(n), RangeError, 'n must be a non-negative safe integer', `got ${String(n)}`);
  });

  it.each([0, -128, 0.5, NaN, Infinity])('rejects alignment = %s naming it', (alignment) => {
    expectError(() => alignUp(8, alignment), RangeError, 'alignment must be a positive safe integer', `got ${String(alignment)}`);
  });

  it('rejects a non-number', () => {
    expectError(() => alignUp('8' as unknown as number), RangeError, 'got "8"');
  });
});

describe('wordsForBits / bytesForBits at word boundaries', () => {
  const cases: [bits: number, words: number, bytes: number][] = [
    [1, 1, 128],
    [31, 1, 128],
    [32, 1, 128],
    [33, 2, 128],
    [63, 2, 128],
    [64, 2, 128],
    [65, 3, 128],
    [1000, 32, 128],
    [1024, 32, 128],
    [1025, 33, 256],
    [MAX_BITS, 2 ** 26, 2 ** 28],
  ];
  it.each(cases)('%i bits -> %i words, %i bytes', (bits, words, bytes) => {
    expect(wordsForBits(bits)).toBe(words);
    expect(bytesForBits(bits)).toBe(bytes);
    expect(bytesForBits(bits) % CACHE_LINE_BYTES).toBe(0);
  });
});

describe('bit count validation', () => {
  it.each([0, -1, 1.5, NaN, Infinity, -Infinity, MAX_BITS + 1, 2 ** 32])('rejects %s with the allowed range', (bits) => {
    const range = `[1, ${MAX_BITS}]`;
    expectError(() => {
      assertBitCount(bits);
    }, RangeError, range, `got ${String(bits)}`);
    expectError(() => wordsForBits(bits), RangeError, range, `got ${String(bits)}`);
    expectError(() => bytesForBits(bits), RangeError, range, `got ${String(bits)}`);
  });

  it('rejects non-numbers', () => {
    expectError(() => wordsForBits('32' as unknown as number), RangeError, 'got "32"');
    expectError(() => wordsForBits(undefined as unknown as number), RangeError, 'got undefined');
    expectError(() => wordsForBits(null as unknown as number), RangeError, 'got null');
  });

  it('accepts 1 and MAX_BITS', () => {
    expect(() => {
      assertBitCount(1);
    }).not.toThrow();
    expect(() => {
      assertBitCount(MAX_BITS);
    }).not.toThrow();
  });
});
