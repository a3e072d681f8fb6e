import { constants, createDeflate, createDeflateRaw, createGzip, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import type { CompressionFormat } from '../format.js';
import type { CompressionLevel } from '../level.js';
import { nativeZlibOf, writeWhole, type NativeZlib } from './native-zlib.js';

/**
 * Compresses one whole page into a caller's buffer through ONE zlib stream
 * kept for the life of the thread, reset between pages.
 *
 * Why: node:zlib's one-shot functions (deflateRawSync and friends) build a
 * new z_stream for every call -- deflateInit2 allocates and clears about
 * 256 KiB of window and hash tables, then frees them -- and return a new
 * Buffer. On a 4 KiB page that set-up is most of the cost: measured on Node
 * 20 and 24, level 1, 9.7 us a page one-shot against 3.5 us reused on a
 * mostly-zero page, 14.5 against 7.5 us on text (`pnpm --filter
 * @twq/compress bench`). deflateReset keeps the tables and only clears the
 * hash heads, and the output lands in the slot with no allocation.
 *
 * How: Node exposes no public synchronous API on a reusable stream, so this
 * uses the two internals its own one-shot functions are built on -- the
 * native handle's writeSync() and the Uint32Array where it reports
 * [avail_out, avail_in] after a call -- and the public reset(). Both are
 * checked when the deflater is made, and its output is compared once with the
 * one-shot function's: if a Node release changes them, `createReusableDeflater`
 * returns null and the codec falls back to the one-shot path (slower, same
 * bytes). A test fails loudly on any Node where the fast path is not taken.
 */
export interface ReusableDeflater {
  /**
   * Writes the complete compressed stream of `input` at the start of `output`
   * and returns its length, or -1 when it does not fit (nothing else is
   * promised about `output` then). The stream is reset either way.
   */
  compressInto(input: Uint8Array, output: Uint8Array): number;
  /** Frees the native stream; the deflater must not be used after. */
  close(): void;
}

interface ClosableStream {
  close(): void;
}

/** The self-test input: compressible and not, so a wrong window or level shows. */
const SELF_TEST_INPUT = Uint8Array.from({ length: 3000 }, (_, i) => (i < 1500 ? i % 7 : (i * 2654435761) >>> 24));

/**
 * zlib's sliding window: 2 x 32 KiB (windowBits 15). Input of at least this
 * length overwrites all of it in the first read.
 */
const WINDOW_BYTES = 2 * 32 * 1024;

/** Zeros to scrub the window with, and room for their (tiny) stream: made on first need, shared by this thread's deflaters. */
let scrubInput: Uint8Array | undefined;
let scrubOutput: Uint8Array | undefined;

class NativeDeflater implements ReusableDeflater {
  readonly #zlib: NativeZlib;
  // The stream object owns the handle: held so that the native state lives
  // as long as this deflater, and freed through it.
  readonly #stream: ClosableStream;
  /**
   * Window bytes [0, #dirty) may hold an earlier input. deflateReset clears
   * the hash chains but not the window, and longest_match compares a few
   * bytes past the end of the input: with an earlier, longer input still
   * there, it can pick another (equally long, valid) match than a fresh
   * stream, and the bytes differ. A fresh stream's window past the input is
   * zeros; #scrub() restores that before an input shorter than what came
   * before. Pages of one size (the usual case) never need it.
   */
  #dirty = 0;

  constructor(stream: ClosableStream, zlib: NativeZlib) {
    this.#stream = stream;
    this.#zlib = zlib;
  }

  compressInto(input: Uint8Array, output: Uint8Array): number {
    if (input.length < this.#dirty) this.#scrub();
    const length = this.#finish(input, output);
    this.#dirty = Math.max(this.#dirty, Math.min(input.length, WINDOW_BYTES));
    return length;
  }

  close(): void {
    this.#stream.close();
  }

  /** One whole stream of `input` into `output`: its length, or -1 when it does not fit. Leaves the stream reset. */
  #finish(input: Uint8Array, output: Uint8Array): number {
    // Z_FINISH with the whole input: deflate ends the stream in this one call
    // unless the output runs out first.
    const length = writeWhole(this.#zlib, constants.Z_FINISH, input, output);
    this.#zlib.handle.reset();
    return length;
  }

  /** Overwrites the window's dirty bytes with zeros by compressing zeros (the output is dropped). */
  #scrub(): void {
    scrubInput ??= new Uint8Array(WINDOW_BYTES);
    // Zeros compress to about 1 byte per 258 at any level but 0 (which never scrubs: no matches, no reuse).
    scrubOutput ??= new Uint8Array(WINDOW_BYTES >>> 4);
    if (this.#finish(scrubInput.subarray(0, this.#dirty), scrubOutput) < 0) {
      throw new Error('twq internal error: scrubbing the zlib window did not finish');
    }
    this.#dirty = 0;
  }
}

const ONE_SHOT = {
  'deflate-raw': deflateRawSync,
  deflate: deflateSync,
  gzip: gzipSync,
} as const;

const CREATE = {
  'deflate-raw': createDeflateRaw,
  deflate: createDeflate,
  gzip: createGzip,
} as const;

/**
 * A deflater for one format and level, or null when this Node's zlib
 * internals are not the ones expected (the caller then uses the one-shot
 * functions). Checked once, with a round of the self-test.
 */
export function createReusableDeflater(format: CompressionFormat, level: CompressionLevel): ReusableDeflater | null {
  // Level 0 only stores: there is no set-up worth saving, and its stored
  // path keeps state that deflateReset does not clear.
  if (level === 0) return null;
  let stream: ClosableStream | undefined;
  try {
    stream = CREATE[format]({ level });
    const zlib = nativeZlibOf(stream);
    if (zlib !== undefined) {
      const deflater = new NativeDeflater(stream, zlib);
      if (passesSelfTest(deflater, format, level)) return deflater;
    }
  } catch {
    // Internals not as expected: fall through to the one-shot path.
  }
  stream?.close();
  return null;
}

function passesSelfTest(deflater: ReusableDeflater, format: CompressionFormat, level: CompressionLevel): boolean {
  // The whole input, then a shorter one twice: proves that reset() gives a
  // fresh stream and that the window scrub works.
  for (const input of [SELF_TEST_INPUT, SELF_TEST_INPUT.subarray(0, 2000), SELF_TEST_INPUT.subarray(0, 2000)]) {
    const expected = ONE_SHOT[format](input, { level });
    const out = new Uint8Array(expected.length + 64);
    const n = deflater.compressInto(input, out);
    if (n !== expected.length || !out.subarray(0, n).every((b, i) => b === expected[i])) return false;
  }
  return true;
}
