/**
 * The gzip block ops module on the platform's own deflate: each block is
 * compressed by a `CompressionStream('gzip')` (native zlib in browsers, and in
 * Node.js and Deno), chosen by measurement over pako and the WebAssembly
 * builds on the registry (see the README's "Codecs, chosen by measurement").
 *
 * A CompressionStream has no level, no preset dictionary and no sync flush:
 * - every block is compressed at zlib's default level (6), whatever `level`
 *   says (the gzip header still records the level asked for);
 * - blocks are independent (no dictionary): about 2.7% larger output than
 *   one stream at 128 KiB blocks, 0.3% at 1 MiB (measured on the demo's text);
 * - each block's stream is finished: its final bit is cleared and a sync
 *   flush marker appended (`endWithSyncFlush`), so the blocks still join into
 *   ONE deflate stream and one gzip member, which gzip, zlib and
 *   DecompressionStream read (DecompressionStream would stop after the first
 *   of several members).
 * The block's CRC-32 is the one the platform wrote in its member's trailer.
 */
import { defineOps, type Ops } from '@twq/core';
import { WINDOW_BYTES } from './block-size.js';
import { gzipBlockLayout, type GzipBlockSpec } from './block-layout.js';
import { resolveGzipBlockOptions, type GzipBlockOptions } from './block-ops.js';
import { endWithSyncFlush } from './deflate-walk.js';
import { GZIP_HEADER_BYTES, GZIP_TRAILER_BYTES } from './gzip-header.js';

/** Offset of FLG in a gzip header: the platform writes none of the optional fields (checked). */
const FLAGS_OFFSET = 3;
/** Bytes a sync flush marker may add after the final block's end (3 bits, padding, LEN and NLEN). */
const SYNC_FLUSH_ROOM = 5;

/** Each slot's own input copy (a CompressionStream takes no view of shared memory), and room for the header or trailer of its member. */
export interface NativeSlot {
  /** The block's bytes, copied out of shared memory. */
  readonly input: Uint8Array<ArrayBuffer>;
  /** Room for the member's header or trailer. */
  readonly edge: Uint8Array;
}

/**
 * `input` through a CompressionStream('gzip'): the chunks of one complete
 * member. Written and read in this thread's own JavaScript (no Blob, no
 * Response: those may hand the bytes to another process and back). The write
 * is not awaited: the stream applies backpressure until its output is read.
 */
async function gzipMember(input: Uint8Array<ArrayBuffer>): Promise<{ chunks: Uint8Array[]; length: number }> {
  const stream = new CompressionStream('gzip');
  const writer = stream.writable.getWriter();
  const written = writer.write(input).then(() => writer.close());
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    chunks.push(r.value);
    length += r.value.length;
  }
  await written;
  return { chunks, length };
}

/** Bytes [from, to) of the member made of `chunks`, copied to `output` at 0. */
function copyRange(chunks: readonly Uint8Array[], from: number, to: number, output: Uint8Array): void {
  let at = 0;
  for (const chunk of chunks) {
    const start = Math.max(from, at);
    const end = Math.min(to, at + chunk.length);
    if (start < end) output.set(chunk.subarray(start - at, end - at), start - from);
    at += chunk.length;
  }
}

/**
 * The ops factory of `@twq/compress/native-gzip-block-ops`: each block is compressed by
 * the platform's own `CompressionStream('deflate-raw')` (native zlib), the members joined
 * as `gzip-block-ops` joins its own.
 */
export const ops = (options?: GzipBlockOptions): Ops<GzipBlockSpec, NativeSlot, GzipBlockOptions> => {
  const { blockSize } = resolveGzipBlockOptions(options);
  return defineOps<GzipBlockSpec, NativeSlot, GzipBlockOptions>({
    layout: gzipBlockLayout(blockSize),
    setup: () => ({ input: new Uint8Array(blockSize), edge: new Uint8Array(Math.max(GZIP_HEADER_BYTES, GZIP_TRAILER_BYTES)) }),
    async handle(request, slot) {
      const length = request.inputLength;
      if (length > blockSize) throw new RangeError(`inputLength must be at most ${blockSize}, got ${length}`);
      if (request.dictionaryLength > WINDOW_BYTES) {
        throw new RangeError(`dictionaryLength must be at most ${WINDOW_BYTES}, got ${request.dictionaryLength}`);
      }
      const last = request.last !== 0;
      slot.input.set(request.input.subarray(0, length));
      const { chunks, length: memberLength } = await gzipMember(slot.input.subarray(0, length));
      const header = slot.edge;
      copyRange(chunks, 0, GZIP_HEADER_BYTES, header);
      if (memberLength < GZIP_HEADER_BYTES + GZIP_TRAILER_BYTES || header[FLAGS_OFFSET] !== 0) {
        throw new Error(`CompressionStream('gzip') wrote a member this codec cannot take apart (${memberLength} bytes, flags ${header[FLAGS_OFFSET]})`);
      }
      const deflateLength = memberLength - GZIP_HEADER_BYTES - GZIP_TRAILER_BYTES;
      const output = request.output;
      if (deflateLength + (last ? 0 : SYNC_FLUSH_ROOM) > output.length) {
        throw new RangeError(`block compressed to ${deflateLength} bytes, past the deflate bound ${output.length}`);
      }
      copyRange(chunks, GZIP_HEADER_BYTES, GZIP_HEADER_BYTES + deflateLength, output);
      request.outputLength = last ? deflateLength : endWithSyncFlush(output, deflateLength);
      const trailer = slot.edge;
      copyRange(chunks, memberLength - GZIP_TRAILER_BYTES, memberLength, trailer);
      request.crc = new DataView(trailer.buffer, trailer.byteOffset, GZIP_TRAILER_BYTES).getUint32(0, true);
    },
  });
};
