import { GZIP_HEADER_BYTES, GZIP_TRAILER_BYTES } from '@twq/compress';
import type { ByteReader } from './byte-reader.js';
import { CorruptInputError } from './corrupt-input-error.js';

/** gzip's magic bytes and its one method (deflate); @twq/compress does not export its copies. */
export const GZIP_MAGIC_1 = 0x1f;
export const GZIP_MAGIC_2 = 0x8b;
const METHOD_DEFLATE = 8;

/** Header flags (RFC 1952 section 2.3.1). */
const FLAG_HCRC = 0x02;
const FLAG_EXTRA = 0x04;
const FLAG_NAME = 0x08;
const FLAG_COMMENT = 0x10;
const FLAG_RESERVED = 0xe0;

/** Bytes of the fixed header and of the trailer (CRC-32 and size), as @twq/compress writes them. */
export const FIXED_HEADER_BYTES = GZIP_HEADER_BYTES;
export const TRAILER_BYTES = GZIP_TRAILER_BYTES;

/** What a member's header says. */
export interface GzipHeader {
  /** The stored file name, as bytes read as Latin-1 would give them back unchanged: decoded as UTF-8 for use. */
  readonly name: string | undefined;
  /** Seconds since 1970; 0 when none is stored. */
  readonly mtime: number;
  /** The header's length in bytes (for -l's ratio, as gzip counts it). */
  readonly length: number;
}

/**
 * Reads one member's header. The first member of an input must be gzip
 * ("not in gzip format" otherwise, as gzip says); a header cut short is
 * "unexpected end of file".
 */
export async function readHeader(reader: ByteReader): Promise<GzipHeader> {
  const start = reader.offset;
  const fixed = await reader.bytes(FIXED_HEADER_BYTES);
  if (fixed.length === 0) throw new CorruptInputError('unexpected end of file');
  if (fixed[0] !== GZIP_MAGIC_1 || (fixed.length > 1 && fixed[1] !== GZIP_MAGIC_2)) throw new CorruptInputError('not in gzip format');
  if (fixed.length < FIXED_HEADER_BYTES) throw new CorruptInputError('unexpected end of file');
  if (fixed[2] !== METHOD_DEFLATE) throw new CorruptInputError(`unknown method ${fixed[2]} -- not supported`);
  const flags = fixed[3];
  if (flags & FLAG_RESERVED) throw new CorruptInputError(`has flags 0x${flags.toString(16)} -- not supported`);
  const mtime = fixed.readUInt32LE(4);
  if (flags & FLAG_EXTRA) {
    const size = await reader.bytes(2);
    if (size.length < 2) throw new CorruptInputError('unexpected end of file');
    const extra = size.readUInt16LE(0);
    if ((await reader.bytes(extra)).length < extra) throw new CorruptInputError('unexpected end of file');
  }
  const name = flags & FLAG_NAME ? (await zeroTerminated(reader)).toString('utf8') : undefined;
  if (flags & FLAG_COMMENT) await zeroTerminated(reader);
  if (flags & FLAG_HCRC && (await reader.bytes(2)).length < 2) throw new CorruptInputError('unexpected end of file');
  return { name, mtime, length: reader.offset - start };
}

async function zeroTerminated(reader: ByteReader): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (;;) {
    const chunk = await reader.chunk();
    if (chunk === undefined) throw new CorruptInputError('unexpected end of file');
    const end = chunk.indexOf(0);
    if (end >= 0) {
      parts.push(chunk.subarray(0, end));
      reader.unread(chunk.subarray(end + 1));
      return Buffer.concat(parts);
    }
    parts.push(chunk);
  }
}
