import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  MAX_MEMORY_BYTES,
  defaultThreadCounts,
  integerIn,
  integerListIn,
  listOf,
  oneOf,
  parseMemorySize,
  parseThreadList,
} from '../src/commands/parse-options.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

describe('parseMemorySize', () => {
  it.each([
    ['256M', 256 * MiB],
    ['2G', 2 * GiB],
    ['1g', GiB],
    ['512K', 512 * KiB],
    ['4k', 4 * KiB],
    ['64MiB', 64 * MiB],
    ['1GB', GiB],
    ['1.5G', 1.5 * GiB],
    [' 16M ', 16 * MiB],
    ['0.0625T', 64 * GiB],
  ])('reads %s', (text, bytes) => {
    expect(parseMemorySize(text)).toBe(bytes);
  });

  it('reads a plain number as GiB, like the original -m', () => {
    expect(parseMemorySize('1')).toBe(GiB);
    expect(parseMemorySize('2')).toBe(2 * GiB);
  });

  it.each([
    ['3X', /not a memory size/],
    ['', /not a memory size/],
    ['-1G', /not a memory size/],
    ['G', /not a memory size/],
    ['1e3M', /not a memory size/],
    ['0', /out of range/],
    ['0M', /out of range/],
    ['100T', /out of range/],
    ['1000', /out of range/],
    ['5000', /not a whole number of 4096-byte pages|out of range/],
    ['1K', /not a whole number of 4096-byte pages/],
    ['6K', /not a whole number of 4096-byte pages/],
    ['0.1M', /not a whole number of 4096-byte pages/],
  ])('rejects %j with a message naming it', (text, message) => {
    expect(() => parseMemorySize(text)).toThrow(InvalidArgumentError);
    expect(() => parseMemorySize(text)).toThrow(message);
    try {
      parseMemorySize(text);
    } catch (e) {
      expect((e as Error).message).toContain(`"${text}"`);
    }
  });

  it('caps the size at MAX_MEMORY_BYTES', () => {
    expect(parseMemorySize(`${MAX_MEMORY_BYTES / GiB}G`)).toBe(MAX_MEMORY_BYTES);
  });
});

describe('integerIn', () => {
  const parse = integerIn(1, 256);
  it('reads integers in range', () => {
    expect(parse('1')).toBe(1);
    expect(parse('256')).toBe(256);
    expect(parse(' 7 ')).toBe(7);
  });
  it.each(['0', '257', '-1', '1.5', '2x', '', '0x10', '1e2'])('rejects %j, naming the range', (text) => {
    expect(() => parse(text)).toThrow(InvalidArgumentError);
    expect(() => parse(text)).toThrow(/from 1 to 256/);
  });
});

describe('parseThreadList', () => {
  it('reads lists, ranges and max', () => {
    expect(parseThreadList('1,2,4', 8)).toEqual([1, 2, 4]);
    expect(parseThreadList('4,1,2,2', 8)).toEqual([1, 2, 4]);
    expect(parseThreadList('1-4', 8)).toEqual([1, 2, 3, 4]);
    expect(parseThreadList('max', 12)).toEqual([12]);
    expect(parseThreadList('1,4-max', 6)).toEqual([1, 4, 5, 6]);
  });
  it.each([
    ['0', /not a thread count/],
    ['1,x', /"x" in "1,x" is not a thread count/],
    ['4-2', /empty range/],
    ['', /not a thread count/],
    ['300', /not a thread count/],
  ])('rejects %j', (text, message) => {
    expect(() => parseThreadList(text, 8)).toThrow(message);
  });
});

describe('defaultThreadCounts', () => {
  it('is 1 and 2 on a 2-core machine, powers of two up to the parallelism elsewhere', () => {
    expect(defaultThreadCounts(1)).toEqual([1]);
    expect(defaultThreadCounts(2)).toEqual([1, 2]);
    expect(defaultThreadCounts(4)).toEqual([1, 2, 4]);
    expect(defaultThreadCounts(12)).toEqual([1, 2, 4, 8, 12]);
    expect(defaultThreadCounts(64)).toEqual([1, 2, 4, 8, 16, 32, 64]);
  });
});

describe('oneOf / listOf / integerListIn', () => {
  it('accept allowed values and name the allowed set otherwise', () => {
    expect(oneOf(['a', 'b'])('b')).toBe('b');
    expect(() => oneOf(['a', 'b'])('c')).toThrow(/"c" is not allowed: use one of a, b/);
    expect(listOf(['seed', 'text', 'noop'])('noop,seed,noop')).toEqual(['noop', 'seed']);
    expect(() => listOf(['seed', 'text'])('seed,txt')).toThrow(/"txt" in "seed,txt" is not allowed: use one or more of seed, text/);
    expect(integerListIn(0, 10)('8,0,2')).toEqual([0, 2, 8]);
    expect(() => integerListIn(0, 10)('1,11')).toThrow(/"11" in "1,11" is not allowed/);
  });
});
