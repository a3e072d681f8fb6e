/**
 * The gzip block ops module on libdeflate compiled to WebAssembly (the
 * `libdeflate` package on npm, MIT): the fastest block codec measured in
 * browsers (see the README's "Codecs, chosen by measurement"): per core at
 * level 6, about 2.2 times one native CompressionStream in a Chromium worker
 * (1.5 times node:zlib on Node), its output within 1% of the native stream's
 * at 1 MiB blocks.
 *
 * libdeflate compresses whole buffers only: no preset dictionary, no sync
 * flush. So:
 * - blocks are independent (no dictionary): use 1 MiB blocks, where that
 *   costs 0.3% (2.7% at 128 KiB);
 * - each block's stream ends final: its final bit is cleared and a sync
 *   flush marker appended (`endWithSyncFlush`, as the native codec does), so
 *   the blocks join into ONE deflate stream and one gzip member, which gzip,
 *   zlib and DecompressionStream read;
 * - level 0 (stored) goes through pako, as `gzip-block-ops` does: the
 *   package takes levels 1 to 12 only.
 * Levels 1 to 9 are libdeflate's own, which trade speed for size about as
 * zlib's do (its -6 is about 1.7% larger than zlib's -6 on text).
 */
import { defineOps, type Ops } from '@twq/core';
import type { CompressionLevel } from '../level.js';
import type { GzipBlockSpec } from './block-layout.js';
import {
  checkBlockArguments,
  createGzipBlockOps,
  endBlock,
  resolveGzipBlockOptions,
  type BlockCompressor,
  type GzipBlockOptions,
} from './block-ops.js';
import { pakoBlockCompressor } from './browser-block-ops.js';
import { libdeflateDeflate } from '../codec/libdeflate.js';
import { crc32 } from './crc32.js';
import { endWithSyncFlush } from './deflate-walk.js';

/** Bytes a sync flush marker may add after the final block's end (3 bits, padding, LEN and NLEN). */
const SYNC_FLUSH_ROOM = 5;

/** This thread's room for a block's stream and its sync flush, grown to the largest block seen (one per worker). */
let scratch = new Uint8Array(0);

/**
 * A block through libdeflate, made continuable when it is not the last.
 * `dictionary` is not used (libdeflate has none). The result may be reused
 * by the next call.
 */
export const libdeflateBlockCompressor: BlockCompressor = (
  input: Uint8Array,
  dictionary: Uint8Array | undefined,
  last: boolean,
  level: CompressionLevel,
) => {
  checkBlockArguments(input, dictionary, last, level);
  if (level === 0) return pakoBlockCompressor(input, dictionary, last, level);
  const out = libdeflateDeflate(input, level);
  if (last) return out;
  if (scratch.length < out.length + SYNC_FLUSH_ROOM) scratch = new Uint8Array(out.length + SYNC_FLUSH_ROOM);
  scratch.set(out);
  return endBlock(scratch.subarray(0, endWithSyncFlush(scratch, out.length)), false);
};

/** Bytes of the warm-up input: enough for V8 to tier libdeflate's hot functions up. */
const WARM_UP_BYTES = 256 * 1024;

/** Words the warm-up text is made of: matches and literals both, as in real text. */
const WARM_UP_WORDS = 'the of and to in is that for it as was with be by on not queue worker thread slot block window stream page gzip deflate level';

/** Whether this thread has warmed libdeflate up (one WebAssembly instance per thread). */
let warm = false;

/**
 * Compresses text-like bytes once per thread, when the worker starts: the
 * WebAssembly module is instantiated on first use and its functions start on
 * V8's baseline compiler (a call that is running never switches to the
 * optimized code), so without this a fresh worker's first 1 MiB block at -6
 * takes 2.5 to 3.5 times as long as the next ones; after it, 1.1 to 1.5 times
 * when the optimizing compiler has had 100 ms in the background, 2 times
 * right away (Node 20, same V8 engine as Chromium's). A page keeps its
 * workers, so this is paid once per worker, at start.
 */
function warmUp(level: CompressionLevel): void {
  if (warm || level === 0) return;
  warm = true;
  const words = WARM_UP_WORDS.split(' ').map((w) => new TextEncoder().encode(`${w} `));
  const text = new Uint8Array(WARM_UP_BYTES);
  let state = 0x9e3779b9;
  for (let i = 0; i < text.length; ) {
    // xorshift32: the same bytes every time.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const word = words[(state >>> 0) % words.length];
    for (let j = 0; j < word.length && i < text.length; j++) text[i++] = word[j];
  }
  libdeflateDeflate(text, level);
}

/**
 * The ops factory of `@twq/compress/libdeflate-gzip-block-ops`: each block
 * compressed by libdeflate (WebAssembly) without a dictionary, the blocks
 * joined into one gzip member. Each thread warms libdeflate up in `setup`.
 */
export const ops = (options?: GzipBlockOptions): Ops<GzipBlockSpec, unknown, GzipBlockOptions> => {
  const { level } = resolveGzipBlockOptions(options);
  const blockOps = createGzipBlockOps(libdeflateBlockCompressor, (data) => crc32(data), options);
  return defineOps<GzipBlockSpec, unknown, GzipBlockOptions>({ ...blockOps, setup: () => { warmUp(level); } });
};
