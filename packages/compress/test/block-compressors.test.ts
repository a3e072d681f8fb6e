import * as zlib from 'node:zlib';
import { compressibleText, prng, randomBytes } from '@twq/test-support/corpus';
import { describe, expect, it } from 'vitest';
import type { BlockCompressor } from '../src/gzip/block-ops.js';
import { pakoBlockCompressor } from '../src/gzip/browser-block-ops.js';
import { libdeflateBlockCompressor } from '../src/gzip/libdeflate-block-ops.js';
import { crc32 } from '../src/gzip/crc32.js';
import { gzipHeader, gzipTrailer } from '../src/gzip/gzip-header.js';
import { nodeBlockCompressor } from '../src/gzip/node-block-ops.js';
import type { CompressionLevel } from '../src/level.js';
import { expectSameBytes } from './helpers/bytes.js';

const BLOCK = 128 * 1024;
const WINDOW = 32 * 1024;

/** pigz's method by hand: blocks with the previous 32 KiB as dictionary, sync-flushed, the last finished. */
function gzipByBlocks(compress: BlockCompressor, data: Uint8Array, level: CompressionLevel, block: number): Buffer {
  const parts: Uint8Array[] = [gzipHeader(level)];
  let dictionary: Uint8Array | undefined;
  for (let at = 0; ; at += block) {
    const piece = data.subarray(at, at + block);
    const last = at + block >= data.length;
    parts.push(compress(piece, dictionary, last, level).slice());
    if (last) break;
    dictionary = piece.subarray(piece.length - WINDOW);
  }
  parts.push(gzipTrailer(crc32(data), data.length));
  return Buffer.concat(parts);
}

/** Text with random stretches: stored, fixed and dynamic blocks all occur. */
function mixed(length: number, seed: number): Uint8Array {
  const out = compressibleText(length, seed);
  const random = prng(seed);
  for (let at = 0; at < length; at += 50_000) out.set(randomBytes(Math.min(7000, length - at), Math.floor(random() * 1e6)), at);
  return out;
}

const DATA: [string, (n: number, seed: number) => Uint8Array][] = [
  ['text', compressibleText],
  ['random', randomBytes],
  ['zeros', (n) => new Uint8Array(n)],
  ['mixed', mixed],
];

describe.each([
  ['node:zlib', nodeBlockCompressor],
  ['pako (browser)', pakoBlockCompressor],
  ['libdeflate (browser, WebAssembly; no dictionary)', libdeflateBlockCompressor],
] as const)('%s block compressor', (_name, compress) => {
  // zlib itself is the judge here: a lenient inflater (fflate's) accepts streams gzip rejects.
  it.each(DATA)('makes streams that zlib accepts, on %s data, at levels 1, 6 and 9', (_kind, make) => {
    for (const level of [1, 6, 9] as CompressionLevel[]) {
      for (const length of [1, WINDOW + 1, 2 * BLOCK + 5, 500_000]) {
        const data = make(length, length + level);
        const gz = gzipByBlocks(compress, data, level, BLOCK);
        expectSameBytes(zlib.gunzipSync(gz), data, `level ${level}, ${length} bytes`);
      }
    }
  });

  it('ends a non-last block byte-aligned with an empty stored block (a sync flush)', () => {
    const out = compress(compressibleText(BLOCK, 3), undefined, false, 6);
    expect([...out.subarray(out.length - 4)]).toEqual([0x00, 0x00, 0xff, 0xff]);
  });
});
