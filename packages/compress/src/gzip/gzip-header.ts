import { describeValue } from '@twq/core';
import { checkLevel, type CompressionLevel } from '../level.js';
import { checkByteCount, checkWord32 } from '../check.js';

/** gzip's magic bytes and its one compression method (deflate). RFC 1952 section 2.3. */
export const GZIP_ID1 = 0x1f;
export const GZIP_ID2 = 0x8b;
export const GZIP_CM_DEFLATE = 8;

/** FLG bit: an original file name follows the fixed header, zero-terminated. */
export const GZIP_FLAG_NAME = 0x08;

/** XFL values zlib writes: slowest (level 9) and fastest (level 1). */
export const GZIP_XFL_SLOWEST = 2;
export const GZIP_XFL_FASTEST = 4;

/** OS byte: 3 is Unix (what gzip and pigz write there), 255 unknown. */
export const GZIP_OS_UNIX = 3;
/** The gzip header's OS byte for "unknown" (RFC 1952), the default. */
export const GZIP_OS_UNKNOWN = 255;

/** Bytes of the fixed header and of the trailer (CRC-32, ISIZE). */
export const GZIP_HEADER_BYTES = 10;
/** Bytes of a gzip member's trailer: CRC-32 and length, 4 bytes each. */
export const GZIP_TRAILER_BYTES = 8;

/** Offsets within the fixed header. */
const OFFSET_FLAGS = 3;
const OFFSET_MTIME = 4;
const OFFSET_XFL = 8;
const OFFSET_OS = 9;

/** Largest MTIME the 32-bit field holds. */
const MAX_MTIME = 0xffffffff;

/** What a gzip header may carry besides the level: the file name, modification time and OS byte. */
export interface GzipHeaderOptions {
  /** Original file name (its base name is stored; gunzip -N restores it). Omitted when undefined or empty. */
  fileName?: string;
  /** Modification time of the original: a Date, or seconds since the epoch. 0 or undefined: none. */
  mtime?: Date | number;
  /** OS byte; default 255 (unknown). */
  os?: number;
}

/** The MTIME field for `mtime`: whole seconds, 0 when unknown or out of the field's range. */
export function gzipMtime(mtime: Date | number | undefined): number {
  if (mtime === undefined) return 0;
  // Only a Date or a number: Math.floor would take true as 1 and "5" as 5.
  if (!(mtime instanceof Date) && typeof mtime !== 'number') {
    throw new RangeError(`mtime must be a valid Date or a number of seconds, got ${describeValue(mtime)}`);
  }
  const seconds = mtime instanceof Date ? Math.floor(mtime.getTime() / 1000) : Math.floor(mtime);
  if (!Number.isFinite(seconds)) throw new RangeError(`mtime must be a valid Date or a number of seconds, got ${describeValue(mtime)}`);
  return seconds >= 0 && seconds <= MAX_MTIME ? seconds : 0;
}

/**
 * The header of one gzip member (RFC 1952): ID, CM=deflate, FLG (FNAME when a
 * name is given), MTIME, XFL as zlib sets it for the level, OS. The name is
 * stored as its UTF-8 bytes, as gzip stores a Unix file name's bytes, with any
 * directory part and NUL removed.
 */
export function gzipHeader(level: CompressionLevel, options: GzipHeaderOptions = {}): Uint8Array {
  checkLevel(level);
  if (typeof options !== 'object' || (options as unknown) === null) {
    throw new TypeError(`gzip header options must be an object or undefined, got ${describeValue(options)}`);
  }
  const fileName = options.fileName ?? '';
  if (typeof fileName !== 'string') throw new TypeError(`fileName must be a string, got ${describeValue(fileName)}`);
  const name = baseName(fileName);
  const nameBytes = name.length > 0 ? new TextEncoder().encode(name) : undefined;
  const length = GZIP_HEADER_BYTES + (nameBytes === undefined ? 0 : nameBytes.length + 1);
  const header = new Uint8Array(length);
  const view = new DataView(header.buffer);
  header[0] = GZIP_ID1;
  header[1] = GZIP_ID2;
  header[2] = GZIP_CM_DEFLATE;
  header[OFFSET_FLAGS] = nameBytes === undefined ? 0 : GZIP_FLAG_NAME;
  view.setUint32(OFFSET_MTIME, gzipMtime(options.mtime), true);
  header[OFFSET_XFL] = level === 9 ? GZIP_XFL_SLOWEST : level <= 1 ? GZIP_XFL_FASTEST : 0;
  const os = options.os ?? GZIP_OS_UNKNOWN;
  if (!Number.isInteger(os) || os < 0 || os > 255) throw new RangeError(`os must be an integer in [0, 255], got ${describeValue(os)}`);
  header[OFFSET_OS] = os;
  if (nameBytes !== undefined) header.set(nameBytes, GZIP_HEADER_BYTES); // the zero terminator is already there
  return header;
}

/** The trailer of a gzip member: CRC-32 and ISIZE (the length modulo 2^32), little-endian. */
export function gzipTrailer(crc: number, length: number): Uint8Array {
  checkWord32(crc, 'crc');
  checkByteCount(length, 'length');
  const trailer = new Uint8Array(GZIP_TRAILER_BYTES);
  const view = new DataView(trailer.buffer);
  view.setUint32(0, crc >>> 0, true);
  // ISIZE is the length modulo 2^32; `% 2 ** 32` stays exact past 2^32, where `>>> 0` would too but reads as a bug.
  view.setUint32(4, length % 2 ** 32, true);
  return trailer;
}

function baseName(path: string): string {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return path.slice(slash + 1).replaceAll('\0', '');
}
