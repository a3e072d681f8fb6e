import { constants, createDeflateRaw, inflateRawSync } from 'node:zlib';
import { rawDeflateBound, SYNC_FLUSH_BYTES } from '../deflate-bound.js';
import type { CompressionLevel } from '../level.js';
import { nativeZlibOf, writeWhole, type NativeZlib } from '../codec/native-zlib.js';

/**
 * Compresses gzip blocks (raw deflate primed with a preset dictionary, ended
 * with a sync flush or finished) through ONE zlib stream kept for the life of
 * the thread, rather than node:zlib's one-shot `deflateRawSync`, which builds
 * and frees a z_stream per block.
 *
 * Why: per 128 KiB block the one-shot path allocates and clears about 256 KiB
 * of window and hash tables (fresh pages from the kernel each time: glibc
 * returns them when the stream is freed), gathers the output in 16 KiB
 * Buffers and concatenates them. Profiled (perf) on twq-gzip -1 over 100 MiB
 * of text, zlib's set-up and the page faults under it were about 15% of the
 * process's CPU; this path measured 12 to 35% less CPU than the one-shot one
 * per block at level 1 (see the README).
 *
 * How: the native handle is driven as node:zlib's own sync path drives it
 * (`writeSync` and the Uint32Array where it reports [avail_out, avail_in]),
 * and a block's dictionary goes in through the handle's `init`, which on a
 * stream already started only replaces the dictionary that `reset()` then
 * applies (deflateReset + deflateSetDictionary).
 *
 * Same bytes whoever compresses: deflateReset keeps the window and the
 * match finder looks past the end of the input, so on its own the output
 * would depend on the blocks the stream saw before. Each block therefore
 * starts from a scrubbed stream (a window's worth of zeros compressed and
 * dropped), after which the output is a function of (block, dictionary,
 * last, level) only: the same on every thread, and the same as a new stream
 * started the same way (checked by a test over a corpus, in shuffled orders).
 * It is not always byte for byte the one-shot function's (a few level-1
 * blocks in a hundred choose other, equally long, matches); the fallback
 * below is used by every thread of a process alike.
 *
 * Checked when made (the internals' shape, a round trip through inflate, the
 * same bytes after another block): if a Node release changes them,
 * `createBlockDeflater` returns null and callers use the one-shot function.
 */
export interface BlockDeflater {
  /**
   * The compressed block, a view of this deflater's buffer, valid until the
   * next call.
   */
  compress(input: Uint8Array, dictionary: Uint8Array | undefined, last: boolean): Uint8Array;
  /** Frees the native stream; the deflater must not be used after (a thread's own are never closed). */
  close(): void;
}

/** A deflate handle's `init`: on a stream already started, it only replaces the dictionary that reset() then applies. */
type InitDeflate = (
  windowBits: number,
  level: number,
  memLevel: number,
  strategy: number,
  writeState: Uint32Array,
  processCallback: () => void,
  dictionary: Uint8Array | undefined,
) => void;

interface ClosableStream {
  close(): void;
}

const WINDOW_BITS = 15;
const MEM_LEVEL = 8;

/** Zeros that overwrite the whole window (2 x 32 KiB) and the match finder's look-ahead past it. */
const SCRUB_BYTES = 2 * 32 * 1024 + 512;
let scrubInput: Uint8Array | undefined;
let scrubOutput: Uint8Array | undefined;

/** Async writes never go through this stream: its completion callback is never called. */
function unused(): void {
  throw new Error('twq internal error: an async write on a block deflater stream');
}

class NativeBlockDeflater implements BlockDeflater {
  readonly #zlib: NativeZlib;
  readonly #init: InitDeflate;
  readonly #level: CompressionLevel;
  // Held so the native stream lives as long as this deflater (one per thread and level, never closed).
  readonly #stream: ClosableStream;
  #output = new Uint8Array(0);

  constructor(stream: ClosableStream, zlib: NativeZlib, init: InitDeflate, level: CompressionLevel) {
    this.#stream = stream;
    this.#zlib = zlib;
    this.#init = init;
    this.#level = level;
  }

  compress(input: Uint8Array, dictionary: Uint8Array | undefined, last: boolean): Uint8Array {
    this.#scrub();
    const room = rawDeflateBound(input.length) + SYNC_FLUSH_BYTES;
    if (this.#output.length < room) this.#output = new Uint8Array(room);
    const n = this.#run(dictionary, last ? constants.Z_FINISH : constants.Z_SYNC_FLUSH, input, this.#output);
    // Sized from the deflate bound: only a codec breaking its bound gets here.
    if (n < 0) throw new RangeError(`block of ${input.length} bytes did not fit its deflate bound ${room}`);
    return this.#output.subarray(0, n);
  }

  close(): void {
    this.#stream.close();
  }

  /** Starts the stream afresh with `dictionary`, compresses `input` with `flush`: the output's length, or -1 when it did not fit. */
  #run(dictionary: Uint8Array | undefined, flush: number, input: Uint8Array, output: Uint8Array): number {
    const { handle, state } = this.#zlib;
    this.#init.call(handle, WINDOW_BITS, this.#level, MEM_LEVEL, constants.Z_DEFAULT_STRATEGY, state, unused, dictionary);
    handle.reset();
    return writeWhole(this.#zlib, flush, input, output);
  }

  /** Overwrites the window with zeros (their stream is dropped): what the last block left there cannot change the next. */
  #scrub(): void {
    scrubInput ??= new Uint8Array(SCRUB_BYTES);
    // Zeros compress to about a byte per 258 at any level but 0 (which never gets here).
    scrubOutput ??= new Uint8Array(4096);
    if (this.#run(undefined, constants.Z_FINISH, scrubInput, scrubOutput) < 0) {
      throw new Error('twq internal error: scrubbing the zlib window did not finish');
    }
  }
}

/** Self-test sizes: a dictionary, then a block longer than the 32 KiB window (the window slides within it). */
const SELF_TEST_DICTIONARY_BYTES = 16 * 1024;
const SELF_TEST_BLOCK_BYTES = 40 * 1024;
/** Of every 3 KiB of self-test input, the first 2 KiB are text-like (8 letters), the rest random bytes. */
const SELF_TEST_PERIOD_WORDS = 768;
const SELF_TEST_TEXT_WORDS = 512;
/** Four copies of 'a' (0x61), and the mask that adds 0-7 to each: a word of four letters a-h. */
const FOUR_AS = 0x6161_6161;
const FOUR_LETTER_MASK = 0x0707_0707;

/**
 * Self-test input: text-like and not, a dictionary and a block longer than a
 * window. Made a 32-bit word (four bytes) per step: this runs once per thread
 * as it starts, on cold code, where a byte per step cost several ms.
 */
function selfTestInput(): Uint8Array {
  const out = new Uint8Array(SELF_TEST_DICTIONARY_BYTES + SELF_TEST_BLOCK_BYTES);
  const words = new Uint32Array(out.buffer);
  let x = 0x9e3779b9;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = i % SELF_TEST_PERIOD_WORDS < SELF_TEST_TEXT_WORDS ? FOUR_AS + (x & FOUR_LETTER_MASK) : x;
  }
  return out;
}

/**
 * A block deflater for `level` on this thread, or null where the one-shot
 * function must serve (level 0, or this Node's zlib internals are not the
 * ones expected).
 */
export function createBlockDeflater(level: CompressionLevel): BlockDeflater | null {
  // Level 0 only stores: no set-up worth saving.
  if (level === 0) return null;
  let deflater: NativeBlockDeflater | undefined;
  try {
    const stream = createDeflateRaw({ level });
    const zlib = nativeZlibOf(stream);
    const init = zlib?.handle.init;
    if (zlib === undefined || typeof init !== 'function') {
      stream.close();
      return null;
    }
    deflater = new NativeBlockDeflater(stream, zlib, init as InitDeflate, level);
    if (passesSelfTest(deflater)) return deflater;
  } catch {
    // Internals not as expected: the one-shot path serves.
  }
  deflater?.close();
  return null;
}

/**
 * The checks of the doc comment above, small (this runs as each thread
 * starts): a block with a dictionary; another block (none, finished); the
 * first again, which must give the same bytes; and those bytes must inflate,
 * with the dictionary, to the block.
 */
export function passesSelfTest(deflater: BlockDeflater): boolean {
  const data = selfTestInput();
  const dictionary = data.subarray(0, SELF_TEST_DICTIONARY_BYTES);
  const block = data.subarray(SELF_TEST_DICTIONARY_BYTES);
  const first = deflater.compress(block, dictionary, false).slice();
  // Another block in between (no dictionary, finished), then the first again: the same bytes.
  deflater.compress(block.subarray(SELF_TEST_BLOCK_BYTES / 2), undefined, true);
  const again = deflater.compress(block, dictionary, false);
  if (!sameBytes(first, again)) return false;
  return sameBytes(inflateRawSync(first, { dictionary, finishFlush: constants.Z_SYNC_FLUSH }), block);
}

/** Native comparison: a per-byte callback on cold code is slow. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}
