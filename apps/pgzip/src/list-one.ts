import { readSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { ByteReader } from './byte-reader.js';
import { readChunks } from './compress-one.js';
import { TRAILER_BYTES, readHeader, type GzipHeader } from './gzip-header.js';

/** Width of gzip -l's size columns: the digits of the largest off_t. */
const SIZE_WIDTH = 19;
/** What -lv puts before the sizes: method, CRC, date and time (gzip's widths). */
const VERBOSE_PREFIX_WIDTH = 28;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** One input's line of gzip -l. */
export interface ListEntry {
  readonly compressed: number;
  readonly uncompressed: number;
  readonly crc: number;
  /** Seconds since 1970: the header's time, or the file's when the header has none. */
  readonly mtime: number;
  readonly header: GzipHeader;
  /** Header and trailer bytes, which gzip's ratio does not count as compressed data. */
  readonly overhead: number;
}

/**
 * Lists a regular file as gzip does: its first header, and the last member's
 * trailer (read at the end of the file, without decompressing: the size of a
 * multi-member file is the last member's, as gzip's manual warns).
 */
export async function listFile(fd: number, size: number, fileMtime: number): Promise<ListEntry> {
  const reader = new ByteReader(readChunks(fd));
  let header: GzipHeader;
  try {
    header = await readHeader(reader);
  } finally {
    await reader.close();
  }
  const trailer = Buffer.alloc(TRAILER_BYTES);
  const got = size >= header.length + TRAILER_BYTES ? readSync(fd, trailer, 0, TRAILER_BYTES, size - TRAILER_BYTES) : 0;
  return entry(header, size, got === TRAILER_BYTES ? trailer : undefined, fileMtime);
}

/** Lists a stream (standard input, a pipe): read to the end, keeping the last eight bytes. */
export async function listStream(input: Readable): Promise<ListEntry> {
  const reader = new ByteReader(input);
  const header = await readHeader(reader);
  let tail = Buffer.alloc(0);
  for (let chunk = await reader.chunk(); chunk !== undefined; chunk = await reader.chunk()) {
    tail = Buffer.concat([tail, chunk]).subarray(-TRAILER_BYTES);
  }
  return entry(header, reader.offset, tail.length === TRAILER_BYTES ? tail : undefined, 0);
}

function entry(header: GzipHeader, compressed: number, trailer: Buffer | undefined, fileMtime: number): ListEntry {
  return {
    compressed,
    uncompressed: trailer?.readUInt32LE(4) ?? 0,
    crc: trailer?.readUInt32LE(0) ?? 0,
    mtime: header.mtime !== 0 ? header.mtime : fileMtime,
    header,
    overhead: header.length + TRAILER_BYTES,
  };
}

/** gzip -l's heading. */
export function listHeading(verbose: boolean): string {
  return `${verbose ? 'method  crc     date  time  ' : ''}         compressed        uncompressed  ratio uncompressed_name\n`;
}

/** One line of gzip -l (`name` as gzip shows it: the output name, or "stdout"). */
export function listLine(e: ListEntry, name: string, verbose: boolean): string {
  const prefix = verbose ? `defla ${(e.crc >>> 0).toString(16).padStart(8, '0')} ${listDate(e.mtime)} ` : '';
  return `${prefix}${sizes(e.compressed, e.uncompressed, e.overhead)} ${name}\n`;
}

/** gzip -l's totals line; its ratio counts the last file's header, as gzip's does. */
export function listTotals(compressed: number, uncompressed: number, lastOverhead: number, verbose: boolean): string {
  return `${verbose ? ' '.repeat(VERBOSE_PREFIX_WIDTH) : ''}${sizes(compressed, uncompressed, lastOverhead)} (totals)\n`;
}

function sizes(compressed: number, uncompressed: number, overhead: number): string {
  const saved = uncompressed === 0 ? 0 : (100 * (uncompressed - (compressed - overhead))) / uncompressed;
  return `${String(compressed).padStart(SIZE_WIDTH)} ${String(uncompressed).padStart(SIZE_WIDTH)} ${saved.toFixed(1).padStart(5)}%`;
}

/** "Dec  5 18:28", in local time, as gzip -lv prints it. */
function listDate(seconds: number): string {
  const d = new Date(seconds * 1000);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[d.getMonth()]}${String(d.getDate()).padStart(3)} ${two(d.getHours())}:${two(d.getMinutes())}`;
}
