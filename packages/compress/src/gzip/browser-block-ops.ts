/**
 * The gzip block ops module for browser workers, and for any runtime
 * without node:zlib: pako, zlib's deflate in JavaScript, with a real
 * Z_SYNC_FLUSH and a preset dictionary.
 *
 * Not fflate (the browser entry's page codec): fflate 0.8.3's
 * `Deflate.flush(true)` misplaces the empty stored block of a sync flush for
 * some inputs (fflate issue #267): its own inflater tolerates that, zlib and
 * gzip reject the file ("invalid stored block lengths"). Complete streams
 * (pages) are unaffected. A test checks every block compressor's output
 * with zlib itself, on text, random and mixed data at several levels.
 */
import { Deflate, Z_FINISH, Z_OK, Z_SYNC_FLUSH } from 'pako';
import type { Ops } from '@twq/core';
import type { CompressionLevel } from '../level.js';
import type { GzipBlockSpec } from './block-layout.js';
import { checkBlockArguments, createGzipBlockOps, endBlock, type BlockCompressor, type GzipBlockOptions } from './block-ops.js';
import { crc32 } from './crc32.js';

/** pako's output chunk: large enough that a typical block's output is one chunk (no concatenation). */
const OUTPUT_CHUNK_BYTES = 64 * 1024;

export const pakoBlockCompressor: BlockCompressor = (
  input: Uint8Array,
  dictionary: Uint8Array | undefined,
  last: boolean,
  level: CompressionLevel,
) => {
  checkBlockArguments(input, dictionary, last, level);
  const chunks: Uint8Array[] = [];
  const deflate = new Deflate({ raw: true, level, chunkSize: OUTPUT_CHUNK_BYTES, ...(dictionary === undefined ? {} : { dictionary }) });
  deflate.onData = (chunk) => {
    chunks.push(chunk);
  };
  deflate.push(input, last ? Z_FINISH : Z_SYNC_FLUSH);
  if (deflate.err !== Z_OK) throw new Error(`pako deflate failed (${deflate.err}): ${deflate.msg}`);
  return endBlock(concat(chunks), last);
};

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  let total = 0;
  for (const c of chunks) total += c.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export const ops = (options?: GzipBlockOptions): Ops<GzipBlockSpec, unknown, GzipBlockOptions> =>
  createGzipBlockOps(pakoBlockCompressor, (data) => crc32(data), options);
