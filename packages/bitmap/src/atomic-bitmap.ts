import { describeValue } from './describe-value.js';
import { BITS_PER_WORD, BYTES_PER_WORD, assertBitCount, bytesForBits, wordsForBits } from './sizing.js';

/**
 * A fixed-size bitmap over Int32 words that may live in a SharedArrayBuffer.
 *
 * Memory model: every single-bit operation (`test`, `set`, `clear`, `flip`) and
 * every word read (`loadWord`) is one `Atomics` access, so it is sequentially
 * consistent with the other thread's atomics: plain writes made before a `flip`
 * are visible to a thread that observes the flipped bit with `test`/`loadWord`.
 *
 * Multi-word operations (scans, `popcount`, `loadXorInto`) read each word
 * atomically but are NOT a snapshot of the whole bitmap: a concurrent writer may
 * change a word already scanned. In the ownership protocols this is built for,
 * a stale word only ever makes the reader see *less* work than there is, never a
 * slot it does not own, so the reader simply looks again.
 *
 * Methods whose names end in `Unsynchronized` use plain reads/writes: use them
 * only on storage no other thread touches at the time (scratch bitmaps, set-up).
 *
 * Layout: bit `i` is bit `i % 32` of word `i >>> 5`; bits past `size` in the last
 * word are always zero after `clearAllUnsynchronized` and are masked off by every
 * scan, so they never report a phantom bit.
 */
export class AtomicBitmap {
  /** Number of bits. */
  readonly size: number;
  /** The Int32 words, `ceil(size / 32)` of them. */
  readonly words: Int32Array;
  /** Mask of the valid bits in the last word (-1 when size is a multiple of 32). */
  readonly lastWordMask: number;

  /**
   * Attaches to `size` bits stored at `byteOffset` of `buffer`: on each thread,
   * pass the same buffer and offset to see the same bits. Nothing is cleared.
   */
  constructor(buffer: ArrayBufferLike, byteOffset: number, size: number) {
    assertBitCount(size);
    if (!(buffer instanceof ArrayBuffer) && !(buffer instanceof SharedArrayBuffer)) {
      throw new TypeError(`buffer must be an ArrayBuffer or SharedArrayBuffer, got ${describeValue(buffer)}`);
    }
    if (!Number.isInteger(byteOffset) || byteOffset < 0 || byteOffset % BYTES_PER_WORD !== 0) {
      throw new RangeError(
        `byteOffset must be a non-negative integer multiple of ${BYTES_PER_WORD}, got ${describeValue(byteOffset)}`,
      );
    }
    const wordCount = wordsForBits(size);
    const needed = byteOffset + wordCount * BYTES_PER_WORD;
    if (needed > buffer.byteLength) {
      throw new RangeError(
        `buffer too small: ${size} bits at byteOffset ${byteOffset} need ${needed} bytes, buffer has ${buffer.byteLength}`,
      );
    }
    this.size = size;
    this.words = new Int32Array(buffer, byteOffset, wordCount);
    const tail = size % BITS_PER_WORD;
    // Not `(1 << tail) - 1`: for tail 31 that is -2147483649, not an Int32 (1 << 31 is negative).
    this.lastWordMask = tail === 0 ? -1 : ~(-1 << tail);
  }

  /**
   * A bitmap of `size` bits on storage of its own, padded to whole cache lines.
   * `shared: true` (the default) backs it with a SharedArrayBuffer.
   */
  static allocate(size: number, options: { shared?: boolean } = {}): AtomicBitmap {
    const bytes = bytesForBits(size);
    if (typeof options !== 'object' || (options as unknown) === null) {
      throw new TypeError(`options must be an object or undefined, got ${describeValue(options)}`);
    }
    const shared = options.shared ?? true;
    if (typeof shared !== 'boolean') throw new TypeError(`options.shared must be a boolean, got ${describeValue(shared)}`);
    const buffer = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
    return new AtomicBitmap(buffer, 0, size);
  }

  /**
   * Attaches like the constructor but refuses a non-shared buffer: use it where
   * the bitmap must be visible to other threads.
   */
  static attachShared(buffer: ArrayBufferLike, byteOffset: number, size: number): AtomicBitmap {
    if (!(buffer instanceof SharedArrayBuffer)) {
      throw new TypeError(`a SharedArrayBuffer is required here, got ${describeValue(buffer)}`);
    }
    return new AtomicBitmap(buffer, byteOffset, size);
  }

  /** Atomically reads bit `index`. */
  test(index: number): boolean {
    this.check(index);
    return (Atomics.load(this.words, index >>> 5) & (1 << (index & 31))) !== 0;
  }

  /** Atomically sets bit `index`; returns its previous value. */
  set(index: number): boolean {
    this.check(index);
    const mask = 1 << (index & 31);
    return (Atomics.or(this.words, index >>> 5, mask) & mask) !== 0;
  }

  /** Atomically clears bit `index`; returns its previous value. */
  clear(index: number): boolean {
    this.check(index);
    const mask = 1 << (index & 31);
    return (Atomics.and(this.words, index >>> 5, ~mask) & mask) !== 0;
  }

  /** Atomically flips bit `index`; returns its NEW value. */
  flip(index: number): boolean {
    this.check(index);
    const mask = 1 << (index & 31);
    return (Atomics.xor(this.words, index >>> 5, mask) & mask) === 0;
  }

  /** Atomically reads word `wordIndex` (bits `32*wordIndex` .. `32*wordIndex+31`). */
  loadWord(wordIndex: number): number {
    if (typeof wordIndex !== 'number' || (wordIndex >>> 0) !== wordIndex || wordIndex >= this.words.length) {
      throw new RangeError(`word index must be an integer in [0, ${this.words.length - 1}], got ${describeValue(wordIndex)}`);
    }
    return Atomics.load(this.words, wordIndex);
  }

  /** Index of the first set bit at or after `from`, or -1. */
  findNextSet(from = 0): number {
    return this.scan(from, 0);
  }

  /** Index of the first set bit, or -1. */
  findFirstSet(): number {
    return this.scan(0, 0);
  }

  /** Index of the first zero bit at or after `from`, or -1. */
  findNextZero(from = 0): number {
    return this.scan(from, -1);
  }

  /** Index of the first zero bit, or -1. */
  findFirstZero(): number {
    return this.scan(0, -1);
  }

  /** Number of set bits (each word read atomically; not a snapshot). */
  popcount(): number {
    const words = this.words;
    const last = words.length - 1;
    let total = 0;
    for (let w = 0; w < last; w++) total += bitCount(Atomics.load(words, w));
    return total + bitCount(Atomics.load(words, last) & this.lastWordMask);
  }

  /**
   * Writes `a XOR b` into `out`, word by word: `a` and `b` are read atomically,
   * `out` (a scratch bitmap, owned by the caller's thread) with plain stores.
   * All three must have the same size.
   */
  static loadXorInto(a: AtomicBitmap, b: AtomicBitmap, out: AtomicBitmap): AtomicBitmap {
    checkBitmap('a', a);
    checkBitmap('b', b);
    checkBitmap('out', out);
    if (a.size !== b.size || a.size !== out.size) {
      throw new RangeError(`loadXorInto needs bitmaps of equal size, got ${a.size}, ${b.size} and ${out.size}`);
    }
    const aw = a.words;
    const bw = b.words;
    const ow = out.words;
    const last = ow.length - 1;
    for (let w = 0; w < last; w++) ow[w] = Atomics.load(aw, w) ^ Atomics.load(bw, w);
    ow[last] = (Atomics.load(aw, last) ^ Atomics.load(bw, last)) & out.lastWordMask;
    return out;
  }

  /** Clears every bit with plain stores: only while no other thread uses the storage. */
  clearAllUnsynchronized(): void {
    this.words.fill(0);
  }

  /** Plain (non-atomic) read of bit `index`: only for storage this thread owns. */
  testUnsynchronized(index: number): boolean {
    this.check(index);
    return ((this.words[index >>> 5] ?? 0) & (1 << (index & 31))) !== 0;
  }

  /** Copies every bit set, in ascending order, into a new array (for tests and debugging). */
  toIndices(): number[] {
    const out: number[] = [];
    for (let i = this.findNextSet(0); i !== -1; i = this.findNextSet(i + 1)) out.push(i);
    return out;
  }

  /**
   * Shared scan: looks for a bit whose value differs from `invert`'s bits.
   * `invert` is 0 to find set bits, -1 to find zero bits. Whole words are tested
   * with one load and `Math.clz32`; no per-bit loop.
   */
  private scan(from: number, invert: number): number {
    if (typeof from !== 'number' || (from >>> 0) !== from || from > this.size) {
      throw new RangeError(`from must be an integer in [0, ${this.size}], got ${describeValue(from)}`);
    }
    if (from === this.size) return -1;
    const words = this.words;
    const last = words.length - 1;
    let w = from >>> 5;
    // Bits below `from` in the first word are masked off.
    let word = (Atomics.load(words, w) ^ invert) & (-1 << (from & 31));
    for (;;) {
      if (w === last) word &= this.lastWordMask;
      if (word !== 0) return (w << 5) + lowestBit(word);
      if (++w > last) return -1;
      word = Atomics.load(words, w) ^ invert;
    }
  }

  private check(index: number): void {
    if (typeof index !== 'number' || (index >>> 0) !== index || index >= this.size) {
      throw new RangeError(`bit index must be an integer in [0, ${this.size - 1}], got ${describeValue(index)}`);
    }
  }
}

function checkBitmap(name: string, value: unknown): void {
  if (!(value instanceof AtomicBitmap)) throw new TypeError(`${name} must be an AtomicBitmap, got ${describeValue(value)}`);
}

/** Position (0..31) of the lowest set bit of a non-zero Int32 (or Uint32) word; -1 for 0. */
export function lowestSetBit(word: number): number {
  checkWord(word);
  return lowestBit(word);
}

/** Number of set bits in a 32-bit word, Int32 or Uint32 (SWAR; no loop). */
export function popcount32(word: number): number {
  checkWord(word);
  return bitCount(word);
}

/** A word as the bit primitives take it: an integer an Int32 or Uint32 holds (no silent ToInt32 of 2.5 or "12"). */
function checkWord(word: number): void {
  if (!Number.isInteger(word) || word < -0x8000_0000 || word > 0xffff_ffff) {
    throw new RangeError(`word must be an integer in [-2147483648, 4294967295] (an Int32 or Uint32), got ${describeValue(word)}`);
  }
}

/**
 * Position of the lowest set bit of a non-zero word, unchecked: for the hot
 * loops of a protocol over Int32Array words (lowestSetBit checks its argument).
 */
export function lowestSetBitUnchecked(word: number): number {
  return 31 - Math.clz32(word & -word);
}

// The unchecked forms, for the scans (their words come from an Int32Array).
function lowestBit(word: number): number {
  return 31 - Math.clz32(word & -word);
}

function bitCount(word: number): number {
  let v = word >>> 0;
  v = v - ((v >>> 1) & 0x5555_5555);
  v = (v & 0x3333_3333) + ((v >>> 2) & 0x3333_3333);
  v = (v + (v >>> 4)) & 0x0f0f_0f0f;
  return Math.imul(v, 0x0101_0101) >>> 24;
}

