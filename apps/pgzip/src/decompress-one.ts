import type { Writable } from 'node:stream';
import * as zlib from 'node:zlib';
import { crc32 } from '@twq/compress';
import type { ByteReader } from './byte-reader.js';
import { CorruptInputError } from './corrupt-input-error.js';
import { describeError } from './describe-error.js';
import { GZIP_MAGIC_1, GZIP_MAGIC_2, TRAILER_BYTES, readHeader } from './gzip-header.js';

/** Output bytes per inflate call: large writes, few callbacks. */
const INFLATE_CHUNK_BYTES = 256 * 1024;
/** ISIZE is the length modulo 2^32. */
const UINT32 = 2 ** 32;

export interface DecompressResult {
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** Bytes other than zero padding followed the last member: gzip's "decompression OK, trailing garbage ignored" (a warning). */
  readonly trailingGarbage: boolean;
}

/** zlib.crc32 (Node 20.15 and later), or @twq/compress's table CRC-32 on older Nodes. */
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array, value: number) => number }).crc32;
const updateCrc32 = (crc: number, data: Uint8Array): number => (nativeCrc32 === undefined ? crc32(data, crc) : nativeCrc32(data, crc));

/**
 * Decompresses every member of a gzip input whose first header `reader` has
 * just read, as gzip does: each member checked against its CRC-32 and length;
 * after a member, either another member (its magic bytes), or nothing but zero
 * bytes to the end (padding: accepted), or anything else: trailing garbage,
 * which ends decompression with a warning (the data before it is good). No
 * byte after a member is skipped unseen.
 */
export async function inflateMembers(reader: ByteReader, output: Writable | undefined, onRead: (offset: number) => void): Promise<DecompressResult> {
  let bytesOut = 0;
  let trailingGarbage = false;
  for (;;) {
    const member = await inflateOne(reader, output, onRead);
    bytesOut += member.size;
    const trailer = await reader.bytes(TRAILER_BYTES);
    if (trailer.length < TRAILER_BYTES) throw new CorruptInputError('unexpected end of file');
    if (trailer.readUInt32LE(0) !== member.crc >>> 0) throw new CorruptInputError('invalid compressed data--crc error');
    if (trailer.readUInt32LE(4) !== member.size % UINT32) throw new CorruptInputError('invalid compressed data--length error');
    const next = await reader.bytes(2);
    if (next.length === 0) break;
    // One byte more is the start of a magic number cut short, for gzip.
    if (next.length === 1) throw new CorruptInputError('unexpected end of file');
    if (next[0] === GZIP_MAGIC_1 && next[1] === GZIP_MAGIC_2) {
      reader.unread(next);
      await readHeader(reader);
      continue;
    }
    reader.unread(next);
    trailingGarbage = !(await onlyZerosFollow(reader));
    break;
  }
  onRead(reader.offset);
  if (output !== undefined) await endOutput(output);
  return { bytesIn: reader.offset, bytesOut, trailingGarbage };
}

/** Reads to the end; whether every byte was zero (stops at the first that is not). */
async function onlyZerosFollow(reader: ByteReader): Promise<boolean> {
  for (let chunk = await reader.chunk(); chunk !== undefined; chunk = await reader.chunk()) {
    if (chunk.some((b) => b !== 0)) return false;
  }
  return true;
}

/**
 * One member's deflate data, fed chunk by chunk to a raw inflater. The
 * inflater stops at the end of the deflate stream; how much of the last chunk
 * it used (bytesWritten counts the bytes it consumed) tells where the trailer
 * starts, and the rest is handed back to the reader.
 */
async function inflateOne(reader: ByteReader, output: Writable | undefined, onRead: (offset: number) => void): Promise<{ crc: number; size: number }> {
  const inflate = zlib.createInflateRaw({ chunkSize: INFLATE_CHUNK_BYTES });
  let crc = 0;
  let size = 0;
  inflate.on('data', (data: Buffer) => {
    crc = updateCrc32(crc, data);
    size += data.length;
    if (output !== undefined && !output.write(data)) {
      inflate.pause();
      output.once('drain', () => inflate.resume());
    }
  });
  let outputFailed: (e: Error) => void = () => undefined;
  const failed = new Promise<never>((_resolve, reject) => {
    inflate.once('error', (e) => {
      reject(new CorruptInputError(describeError(e, true), { cause: e }));
    });
    outputFailed = reject;
  });
  output?.once('error', outputFailed);
  failed.catch(() => undefined);
  const ended = new Promise<void>((resolve) => inflate.once('end', resolve));
  let consumed = 0;
  try {
    for (;;) {
      const chunk = await Promise.race([reader.chunk(), failed]);
      if (chunk === undefined) {
        inflate.end();
        break;
      }
      await Promise.race([
        new Promise<void>((resolve) => {
          inflate.write(chunk, () => { resolve(); });
        }),
        failed,
      ]);
      const used = inflate.bytesWritten - consumed;
      consumed = inflate.bytesWritten;
      onRead(reader.offset);
      if (used < chunk.length) {
        reader.unread(chunk.subarray(used));
        break;
      }
    }
    await Promise.race([ended, failed]);
  } finally {
    output?.off('error', outputFailed);
    inflate.destroy();
  }
  return { crc, size };
}

/** Ends the output and waits until everything is written (a file stream: closed). */
async function endOutput(output: Writable): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    output.once('error', reject);
    output.end(() => { resolve(); });
  });
}
