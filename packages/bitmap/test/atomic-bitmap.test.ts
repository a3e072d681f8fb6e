import { expectError } from '@twq/test-support/expect-error';
import { describe, expect, it } from 'vitest';
import { AtomicBitmap, MAX_BITS, lowestSetBit, popcount32 } from '../src/index.js';

const BOUNDARY_SIZES = [1, 31, 32, 33, 63, 64, 65, 1000] as const;

/** Bits that stress the sign bit and word edges: 0, 31, 32, 63, 64 and the last bit, where they exist. */
function edgeBits(size: number): number[] {
  return [...new Set([0, 1, 30, 31, 32, 33, 62, 63, 64, size - 1].filter((i) => i < size))];
}

describe('AtomicBitmap constructor', () => {
  it('attaches to bits at an offset of a shared buffer without clearing them', () => {
    const buffer = new SharedArrayBuffer(256);
    new Int32Array(buffer, 128, 1)[0] = 0b101;
    const bm = new AtomicBitmap(buffer, 128, 40);
    expect(bm.size).toBe(40);
    expect(bm.words.length).toBe(2);
    expect(bm.words.byteOffset).toBe(128);
    expect(bm.words.buffer).toBe(buffer);
    expect(bm.toIndices()).toEqual([0, 2]);
  });

  it('two views of the same buffer and offset see the same bits', () => {
    const buffer = new SharedArrayBuffer(512);
    const a = new AtomicBitmap(buffer, 256, 100);
    const b = new AtomicBitmap(buffer, 256, 100);
    a.set(99);
    expect(b.test(99)).toBe(true);
    b.clear(99);
    expect(a.test(99)).toBe(false);
  });

  it('accepts a plain ArrayBuffer (single-threaded use)', () => {
    const bm = new AtomicBitmap(new ArrayBuffer(8), 4, 32);
    bm.set(31);
    expect(bm.loadWord(0)).toBe(-(2 ** 31));
  });

  it('accepts a buffer of exactly the needed size', () => {
    expect(new AtomicBitmap(new SharedArrayBuffer(12), 4, 64).words.length).toBe(2);
  });

  it.each([1, 2, 3, 6, 130])('rejects a misaligned byteOffset %i', (offset) => {
    expectError(
      () => new AtomicBitmap(new SharedArrayBuffer(1024), offset, 32),
      RangeError,
      'byteOffset must be a non-negative integer multiple of 4',
      `got ${offset}`,
    );
  });

  it.each([-4, 4.5, NaN, Infinity])('rejects byteOffset %s', (offset) => {
    expectError(() => new AtomicBitmap(new SharedArrayBuffer(1024), offset, 32), RangeError, 'byteOffset', `got ${String(offset)}`);
  });

  it('rejects a buffer too small, naming what is needed and what is there', () => {
    expectError(
      () => new AtomicBitmap(new SharedArrayBuffer(8), 0, 65),
      RangeError,
      'buffer too small',
      '65 bits',
      'need 12 bytes',
      'buffer has 8',
    );
    expectError(() => new AtomicBitmap(new SharedArrayBuffer(128), 128, 1), RangeError, 'byteOffset 128', 'need 132 bytes', 'buffer has 128');
  });

  it.each([
    [{}, '[object Object]'],
    [new Uint8Array(8), '[object Uint8Array]'],
    [null, 'null'],
    [undefined, 'undefined'],
    [16, '16'],
    ['buf', '"buf"'],
  ])('rejects a non-buffer %s with a TypeError naming it', (buffer, shown) => {
    expectError(
      () => new AtomicBitmap(buffer as unknown as ArrayBuffer, 0, 32),
      TypeError,
      'buffer must be an ArrayBuffer or SharedArrayBuffer',
      `got ${shown}`,
    );
  });

  it.each([0, -1, 1.5, NaN, Infinity, -Infinity, MAX_BITS + 1])('rejects size %s with the allowed range', (size) => {
    expectError(() => new AtomicBitmap(new SharedArrayBuffer(1024), 0, size), RangeError, `[1, ${MAX_BITS}]`, `got ${String(size)}`);
  });

  it('rejects a non-number size', () => {
    expectError(() => new AtomicBitmap(new SharedArrayBuffer(1024), 0, '8' as unknown as number), RangeError, 'got "8"');
  });
});

describe('AtomicBitmap.allocate / attachShared', () => {
  it('allocates zeroed shared storage padded to whole 128-byte lines', () => {
    const bm = AtomicBitmap.allocate(33);
    expect(bm.words.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(bm.words.buffer.byteLength).toBe(128);
    expect(bm.words.byteOffset).toBe(0);
    expect(bm.words.length).toBe(2);
    expect(bm.popcount()).toBe(0);
    expect(AtomicBitmap.allocate(1025).words.buffer.byteLength).toBe(256);
  });

  it('allocates a plain ArrayBuffer with shared: false', () => {
    const bm = AtomicBitmap.allocate(10, { shared: false });
    expect(bm.words.buffer).toBeInstanceOf(ArrayBuffer);
    expect(bm.words.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    bm.set(9);
    expect(bm.toIndices()).toEqual([9]);
  });

  it.each([0, -3, 2.5, NaN, Infinity])('allocate rejects size %s', (size) => {
    expectError(() => AtomicBitmap.allocate(size), RangeError, `[1, ${MAX_BITS}]`, `got ${String(size)}`);
  });

  it('attachShared attaches to the storage another bitmap allocated', () => {
    const a = AtomicBitmap.allocate(70);
    const b = AtomicBitmap.attachShared(a.words.buffer, a.words.byteOffset, 70);
    a.set(69);
    expect(b.toIndices()).toEqual([69]);
  });

  it('attachShared refuses a non-shared buffer with a TypeError', () => {
    expectError(() => AtomicBitmap.attachShared(new ArrayBuffer(128), 0, 32), TypeError, 'SharedArrayBuffer is required', 'got [object ArrayBuffer]');
    expectError(() => AtomicBitmap.attachShared(null as unknown as SharedArrayBuffer, 0, 32), TypeError, 'got null');
  });

  it('attachShared still validates offset and size', () => {
    expectError(() => AtomicBitmap.attachShared(new SharedArrayBuffer(128), 2, 32), RangeError, 'got 2');
    expectError(() => AtomicBitmap.attachShared(new SharedArrayBuffer(128), 0, 0), RangeError, 'got 0');
    expectError(() => AtomicBitmap.attachShared(new SharedArrayBuffer(4), 0, 33), RangeError, 'buffer too small');
  });
});

describe.each(BOUNDARY_SIZES)('AtomicBitmap of %i bits', (size) => {
  const words = Math.ceil(size / 32);
  const tail = size % 32;

  it('has ceil(size/32) words and an Int32 mask of the valid bits of the last word', () => {
    const bm = AtomicBitmap.allocate(size);
    expect(bm.size).toBe(size);
    expect(bm.words.length).toBe(words);
    const expectedMask = tail === 0 ? -1 : 2 ** tail - 1;
    expect(bm.lastWordMask).toBe(expectedMask | 0);
    // An Int32 value, so that `(word & mask) === mask` works for a full last word.
    expect(bm.lastWordMask | 0).toBe(bm.lastWordMask);
  });

  it('set / test / clear / flip every edge bit, returning previous (set, clear) or new (flip) values', () => {
    const bm = AtomicBitmap.allocate(size);
    for (const i of edgeBits(size)) {
      expect(bm.test(i)).toBe(false);
      expect(bm.set(i)).toBe(false);
      expect(bm.test(i)).toBe(true);
      expect(bm.testUnsynchronized(i)).toBe(true);
      expect(bm.set(i)).toBe(true);
      expect(bm.toIndices()).toEqual([i]);
      expect(bm.popcount()).toBe(1);
      expect(bm.clear(i)).toBe(true);
      expect(bm.clear(i)).toBe(false);
      expect(bm.test(i)).toBe(false);
      expect(bm.flip(i)).toBe(true);
      expect(bm.test(i)).toBe(true);
      expect(bm.flip(i)).toBe(false);
      expect(bm.test(i)).toBe(false);
      expect(bm.testUnsynchronized(i)).toBe(false);
    }
    expect(bm.popcount()).toBe(0);
  });

  it('one bit changes only its own word and bit', () => {
    const bm = AtomicBitmap.allocate(size);
    for (const i of edgeBits(size)) {
      bm.set(i);
      for (let w = 0; w < words; w++) {
        expect(bm.loadWord(w) >>> 0).toBe(w === i >>> 5 ? 2 ** (i % 32) : 0);
      }
      bm.clear(i);
    }
  });

  it('all bits set: popcount = size, no zero, indices 0..size-1', () => {
    const bm = AtomicBitmap.allocate(size);
    for (let i = 0; i < size; i++) bm.set(i);
    expect(bm.popcount()).toBe(size);
    expect(bm.findFirstZero()).toBe(-1);
    expect(bm.findNextZero(size - 1)).toBe(-1);
    expect(bm.findFirstSet()).toBe(0);
    expect(bm.findNextSet(size - 1)).toBe(size - 1);
    expect(bm.toIndices()).toEqual(Array.from({ length: size }, (_, i) => i));
    // A full last word reads as exactly its mask.
    expect(bm.loadWord(words - 1) & bm.lastWordMask).toBe(bm.lastWordMask);
    expect(bm.loadWord(words - 1)).toBe(bm.lastWordMask);
    bm.clear(size - 1);
    expect(bm.findFirstZero()).toBe(size - 1);
    expect(bm.findNextZero(0)).toBe(size - 1);
    expect(bm.popcount()).toBe(size - 1);
  });

  it('empty: no set bit, first zero is 0, from = size finds nothing', () => {
    const bm = AtomicBitmap.allocate(size);
    expect(bm.findFirstSet()).toBe(-1);
    expect(bm.findNextSet(0)).toBe(-1);
    expect(bm.findFirstZero()).toBe(0);
    expect(bm.findNextZero(size - 1)).toBe(size - 1);
    expect(bm.findNextZero(size)).toBe(-1);
    expect(bm.findNextSet(size)).toBe(-1);
    expect(bm.toIndices()).toEqual([]);
  });

  it('garbage past `size` in the last word never shows as a phantom bit', () => {
    const bm = AtomicBitmap.allocate(size);
    const last = words - 1;
    bm.words[last] = ~bm.lastWordMask; // every bit past size set, no valid bit set
    expect(bm.popcount()).toBe(0);
    expect(bm.findFirstSet()).toBe(-1);
    expect(bm.toIndices()).toEqual([]);
    bm.words.fill(-1);
    expect(bm.popcount()).toBe(size);
    expect(bm.findFirstZero()).toBe(-1);
    const out = AtomicBitmap.allocate(size);
    AtomicBitmap.loadXorInto(bm, AtomicBitmap.allocate(size), out);
    expect(out.loadWord(last)).toBe(bm.lastWordMask);
    bm.clearAllUnsynchronized();
    expect(bm.words.every((w) => w === 0)).toBe(true);
  });

  it('bad bit indices are RangeErrors naming the index and [0, size-1]', () => {
    const bm = AtomicBitmap.allocate(size);
    const range = `[0, ${size - 1}]`;
    const bad: unknown[] = [-1, size, size + 1, 0.5, NaN, Infinity, -Infinity, 2 ** 32, 2 ** 32 + 1, '0', null, undefined];
    for (const index of bad) {
      const i = index as number;
      const named = `got ${typeof index === 'string' ? JSON.stringify(index) : String(index)}`;
      expectError(() => bm.test(i), RangeError, 'bit index must be an integer in', range, named);
      expectError(() => bm.set(i), RangeError, range, named);
      expectError(() => bm.clear(i), RangeError, range, named);
      expectError(() => bm.flip(i), RangeError, range, named);
      expectError(() => bm.testUnsynchronized(i), RangeError, range, named);
    }
    expect(bm.popcount()).toBe(0);
  });

  it('bad word indices are RangeErrors naming the index and [0, words-1]', () => {
    const bm = AtomicBitmap.allocate(size);
    for (const w of [-1, words, 0.5, NaN, 2 ** 32]) {
      expectError(() => bm.loadWord(w), RangeError, 'word index must be an integer in', `[0, ${words - 1}]`, `got ${String(w)}`);
    }
  });

  it('bad scan starts are RangeErrors naming `from` and [0, size]', () => {
    const bm = AtomicBitmap.allocate(size);
    for (const from of [-1, size + 1, 1.5, NaN, Infinity, 2 ** 32]) {
      const named = `got ${String(from)}`;
      expectError(() => bm.findNextSet(from), RangeError, 'from must be an integer in', `[0, ${size}]`, named);
      expectError(() => bm.findNextZero(from), RangeError, `[0, ${size}]`, named);
    }
  });
});

describe('scans', () => {
  it('findNextSet skips bits below `from` within a word and across words', () => {
    const bm = AtomicBitmap.allocate(200);
    for (const i of [3, 31, 32, 95, 199]) bm.set(i);
    expect(bm.findFirstSet()).toBe(3);
    expect(bm.findNextSet(3)).toBe(3);
    expect(bm.findNextSet(4)).toBe(31);
    expect(bm.findNextSet(32)).toBe(32);
    expect(bm.findNextSet(33)).toBe(95);
    expect(bm.findNextSet(96)).toBe(199);
    expect(bm.findNextSet(199)).toBe(199);
    expect(bm.findNextSet(200)).toBe(-1);
    expect(bm.toIndices()).toEqual([3, 31, 32, 95, 199]);
  });

  it('findNextZero skips zero bits below `from`', () => {
    const bm = AtomicBitmap.allocate(100);
    for (let i = 0; i < 100; i++) if (i !== 5 && i !== 64 && i !== 99) bm.set(i);
    expect(bm.findFirstZero()).toBe(5);
    expect(bm.findNextZero(6)).toBe(64);
    expect(bm.findNextZero(65)).toBe(99);
    expect(bm.findNextZero(100)).toBe(-1);
  });

  it('default `from` is 0', () => {
    const bm = AtomicBitmap.allocate(40);
    bm.set(7);
    expect(bm.findNextSet()).toBe(7);
    expect(bm.findNextZero()).toBe(0);
  });
});

describe('loadXorInto', () => {
  it('writes a XOR b into out and returns out', () => {
    const a = AtomicBitmap.allocate(65);
    const b = AtomicBitmap.allocate(65);
    const out = AtomicBitmap.allocate(65, { shared: false });
    for (const i of [0, 31, 32, 64]) a.set(i);
    for (const i of [31, 33, 64]) b.set(i);
    out.set(10); // overwritten
    expect(AtomicBitmap.loadXorInto(a, b, out)).toBe(out);
    expect(out.toIndices()).toEqual([0, 32, 33]);
    // Inputs are unchanged.
    expect(a.toIndices()).toEqual([0, 31, 32, 64]);
    expect(b.toIndices()).toEqual([31, 33, 64]);
  });

  it('may write into one of its inputs', () => {
    const a = AtomicBitmap.allocate(33);
    const b = AtomicBitmap.allocate(33);
    a.set(1);
    b.set(32);
    AtomicBitmap.loadXorInto(a, b, a);
    expect(a.toIndices()).toEqual([1, 32]);
  });

  it('rejects bitmaps of different sizes, naming all three sizes', () => {
    const a = AtomicBitmap.allocate(32);
    const b = AtomicBitmap.allocate(33);
    expectError(() => AtomicBitmap.loadXorInto(a, b, a), RangeError, 'equal size', '32, 33 and 32');
    expectError(() => AtomicBitmap.loadXorInto(a, a, b), RangeError, '32, 32 and 33');
  });
});

describe('clearAllUnsynchronized', () => {
  it('clears every word of the bitmap and nothing around it', () => {
    const buffer = new SharedArrayBuffer(384);
    const all = new Int32Array(buffer);
    all.fill(-1);
    const bm = new AtomicBitmap(buffer, 128, 65);
    bm.clearAllUnsynchronized();
    expect(bm.popcount()).toBe(0);
    expect([...bm.words]).toEqual([0, 0, 0]);
    expect(all[31]).toBe(-1); // just before
    expect(all[35]).toBe(-1); // just after
  });
});

describe('word helpers', () => {
  it('lowestSetBit finds bit 0..31, including the sign bit', () => {
    for (let b = 0; b < 32; b++) {
      expect(lowestSetBit(1 << b)).toBe(b);
      expect(lowestSetBit(-1 << b)).toBe(b);
    }
    expect(lowestSetBit(0b1011_000)).toBe(3);
  });

  it('popcount32 counts bits of Int32 and Uint32 views of a word', () => {
    expect(popcount32(0)).toBe(0);
    expect(popcount32(-1)).toBe(32);
    expect(popcount32(0xffff_ffff)).toBe(32);
    expect(popcount32(1 << 31)).toBe(1);
    expect(popcount32(0x7fff_ffff)).toBe(31);
    expect(popcount32(0x5555_5555)).toBe(16);
    expect(popcount32(0b1011)).toBe(3);
  });
});
