/**
 * Walks a raw deflate stream's blocks (RFC 1951) without inflating it: it
 * decodes the Huffman codes only far enough to find where each block ends,
 * so that a compressed block can be re-ended without compressing it again:
 *
 * - `endWithSyncFlush`: a finished stream (what a browser's CompressionStream
 *   makes) becomes one that can be continued: its final bit is cleared and an
 *   empty stored block (a sync flush's marker) aligns it to a byte, so the
 *   next block's stream may follow and the whole is one deflate stream.
 * - `tightenSyncFlush`: pigz's smaller ending. A sync flush costs 35 to 42
 *   bits (an empty stored block); when the data ends on an even bit, pigz
 *   instead adds empty fixed-Huffman blocks (10 bits each) until it is
 *   byte-aligned, which is 0 to 30 bits. On a block that compresses to a few
 *   hundred bytes (zeros, sparse files) the difference is about 2% of the file.
 *
 * Both return the new length; the bytes are rewritten in place.
 */

/** Bits of an empty fixed-Huffman block: BFINAL 0, BTYPE 01, end-of-block code 0000000. */
const EMPTY_FIXED_BLOCK_BITS = 10;
/** The same block as a value written least significant bit first: only BTYPE's low bit is set. */
const EMPTY_FIXED_BLOCK_VALUE = 2;
/** A sync flush's empty stored block after its 3 header bits and the padding: LEN 0000, NLEN FFFF. */
const STORED_EMPTY_LEN_NLEN = [0x00, 0x00, 0xff, 0xff] as const;
const BTYPE_STORED = 0;
const BTYPE_FIXED = 1;
const BTYPE_DYNAMIC = 2;
const END_OF_BLOCK = 256;
/** Extra bits of length symbols 257..285 and distance symbols 0..29. */
const LENGTH_EXTRA = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]);
const DISTANCE_EXTRA = Uint8Array.from([0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]);
/** Order in which a dynamic block lists its code-length code lengths. */
const CODE_LENGTH_ORDER = Uint8Array.from([16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]);
const MAX_CODE_BITS = 15;

/** A decoding table: entry (symbol << 4 | code length), indexed by the next `bits` bits of the stream. */
interface HuffmanTable {
  readonly entries: Uint16Array;
  readonly bits: number;
}

/** Where the last block of a stream starts and where the stream ends, in bits. */
export interface DeflateEnd {
  readonly lastBlockStart: number;
  readonly lastBlockType: number;
  readonly lastBlockFinal: boolean;
  readonly end: number;
}

class DeflateWalkError extends Error {
  override readonly name = 'DeflateWalkError';
}

function readBits(bytes: Uint8Array, at: number, count: number): number {
  const i = at >>> 3;
  // Past the end reads as zeros; the caller checks the position against the length.
  const word = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
  return (word >>> (at & 7)) & ((1 << count) - 1);
}

function buildTable(lengths: Uint8Array, count: number): HuffmanTable {
  let bits = 0;
  const perLength = new Uint16Array(MAX_CODE_BITS + 1);
  for (let s = 0; s < count; s++) {
    perLength[lengths[s]]++;
    if (lengths[s] > bits) bits = lengths[s];
  }
  const entries = new Uint16Array(1 << Math.max(1, bits));
  const next = new Uint16Array(MAX_CODE_BITS + 2);
  let code = 0;
  perLength[0] = 0;
  for (let len = 1; len <= MAX_CODE_BITS; len++) {
    code = (code + perLength[len - 1]) << 1;
    next[len] = code;
  }
  for (let s = 0; s < count; s++) {
    const len = lengths[s];
    if (len === 0) continue;
    const c = next[len]++;
    // Codes are stored most significant bit first; the stream is read least significant first: reverse.
    let reversed = 0;
    for (let b = 0; b < len; b++) reversed |= ((c >>> b) & 1) << (len - 1 - b);
    for (let fill = reversed; fill < entries.length; fill += 1 << len) entries[fill] = (s << 4) | len;
  }
  return { entries, bits: Math.max(1, bits) };
}

let fixedTables: { literals: HuffmanTable; distances: HuffmanTable } | undefined;

function fixed(): { literals: HuffmanTable; distances: HuffmanTable } {
  if (fixedTables === undefined) {
    const lengths = new Uint8Array(288);
    lengths.fill(8, 0, 144);
    lengths.fill(9, 144, 256);
    lengths.fill(7, 256, 280);
    lengths.fill(8, 280, 288);
    fixedTables = { literals: buildTable(lengths, 288), distances: buildTable(new Uint8Array(30).fill(5), 30) };
  }
  return fixedTables;
}

/** Decodes one symbol; returns (symbol << 4 | length) or throws on a code the table does not have. */
function decode(bytes: Uint8Array, at: number, table: HuffmanTable): number {
  const entry = table.entries[readBits(bytes, at, table.bits)];
  if (entry === 0) throw new DeflateWalkError(`invalid Huffman code at bit ${at}`);
  return entry;
}

/** Skips the symbols of a Huffman block from `at`; returns the bit after its end-of-block code. */
function skipSymbols(bytes: Uint8Array, at: number, literals: HuffmanTable, distances: HuffmanTable, limit: number): number {
  for (;;) {
    if (at > limit) throw new DeflateWalkError('deflate stream ends inside a block');
    const entry = decode(bytes, at, literals);
    at += entry & 15;
    const symbol = entry >>> 4;
    if (symbol < END_OF_BLOCK) continue;
    if (symbol === END_OF_BLOCK) return at;
    at += LENGTH_EXTRA[symbol - 257];
    const d = decode(bytes, at, distances);
    at += (d & 15) + DISTANCE_EXTRA[d >>> 4];
  }
}

function readDynamicTables(bytes: Uint8Array, at: number): { literals: HuffmanTable; distances: HuffmanTable; at: number } {
  const literalCount = readBits(bytes, at, 5) + 257;
  const distanceCount = readBits(bytes, at + 5, 5) + 1;
  const codeLengthCount = readBits(bytes, at + 10, 4) + 4;
  at += 14;
  const codeLengthLengths = new Uint8Array(19);
  for (let i = 0; i < codeLengthCount; i++, at += 3) codeLengthLengths[CODE_LENGTH_ORDER[i]] = readBits(bytes, at, 3);
  const codeLengths = buildTable(codeLengthLengths, 19);
  const lengths = new Uint8Array(literalCount + distanceCount);
  for (let i = 0; i < lengths.length; ) {
    const entry = decode(bytes, at, codeLengths);
    at += entry & 15;
    const symbol = entry >>> 4;
    if (symbol < 16) {
      lengths[i++] = symbol;
      continue;
    }
    let repeat: number;
    let value = 0;
    if (symbol === 16) {
      if (i === 0) throw new DeflateWalkError('repeat of no code length');
      value = lengths[i - 1];
      repeat = 3 + readBits(bytes, at, 2);
      at += 2;
    } else if (symbol === 17) {
      repeat = 3 + readBits(bytes, at, 3);
      at += 3;
    } else {
      repeat = 11 + readBits(bytes, at, 7);
      at += 7;
    }
    if (i + repeat > lengths.length) throw new DeflateWalkError('code lengths overrun');
    lengths.fill(value, i, i + repeat);
    i += repeat;
  }
  return {
    literals: buildTable(lengths.subarray(0, literalCount), literalCount),
    distances: buildTable(lengths.subarray(literalCount), distanceCount),
    at,
  };
}

/**
 * Walks `bytes[0, length)` block by block up to the final block, or to the
 * end of the bytes when no block is final (a sync-flushed stream).
 */
export function findDeflateEnd(bytes: Uint8Array, length = bytes.length): DeflateEnd {
  const limit = length * 8;
  let at = 0;
  for (;;) {
    if (at + 3 > limit) throw new DeflateWalkError('deflate stream ends before a block header');
    const start = at;
    const final = readBits(bytes, at, 1) === 1;
    const type = readBits(bytes, at + 1, 2);
    at += 3;
    if (type === BTYPE_STORED) {
      at = (at + 7) & ~7;
      const len = readBits(bytes, at, 16);
      at += 32 + len * 8;
    } else if (type === BTYPE_FIXED) {
      const tables = fixed();
      at = skipSymbols(bytes, at, tables.literals, tables.distances, limit);
    } else if (type === BTYPE_DYNAMIC) {
      const tables = readDynamicTables(bytes, at);
      at = skipSymbols(bytes, tables.at, tables.literals, tables.distances, limit);
    } else {
      throw new DeflateWalkError(`invalid block type at bit ${start}`);
    }
    if (at > limit) throw new DeflateWalkError('deflate stream ends inside a block');
    if (final || at === limit) return { lastBlockStart: start, lastBlockType: type, lastBlockFinal: final, end: at };
  }
}

function clearBitsFrom(bytes: Uint8Array, at: number): void {
  bytes[at >>> 3] &= (1 << (at & 7)) - 1;
}

/**
 * Turns the finished deflate stream in `bytes[0, length)` into a
 * sync-flushed one, in place: clears the final block's BFINAL bit and writes
 * an empty stored block after it. `bytes` needs room for 5 more bytes.
 * Returns the new length.
 */
export function endWithSyncFlush(bytes: Uint8Array, length: number): number {
  const { lastBlockStart, lastBlockFinal, end } = findDeflateEnd(bytes, length);
  if (!lastBlockFinal) throw new DeflateWalkError('the stream has no final block');
  bytes[lastBlockStart >>> 3] &= ~(1 << (lastBlockStart & 7));
  // The stored block's 3 header bits are zeros, as is the padding to the byte boundary.
  clearBitsFrom(bytes, end);
  let at = (end + 3 + 7) >>> 3;
  if (at + STORED_EMPTY_LEN_NLEN.length > bytes.length) throw new RangeError(`no room for the sync flush: ${bytes.length} bytes`);
  for (let i = (end >>> 3) + 1; i < at; i++) bytes[i] = 0;
  for (const b of STORED_EMPTY_LEN_NLEN) bytes[at++] = b;
  return at;
}

/**
 * pigz's ending for a sync-flushed stream in `bytes[0, length)`, in place:
 * when the data before the flush's empty stored block ends on an even bit,
 * the stored block is replaced by empty fixed blocks up to the byte
 * boundary; on an odd bit it stays (10-bit blocks could never align it).
 * Returns the new length (never more than `length`).
 */
export function tightenSyncFlush(bytes: Uint8Array, length: number): number {
  const { lastBlockStart, lastBlockType, lastBlockFinal, end } = findDeflateEnd(bytes, length);
  if (lastBlockFinal || lastBlockType !== BTYPE_STORED || end !== length * 8 || readBits(bytes, end - 32, 16) !== 0) {
    throw new DeflateWalkError('the stream does not end with a sync flush');
  }
  let at = lastBlockStart;
  if ((at & 1) !== 0) return length;
  clearBitsFrom(bytes, at);
  for (; (at & 7) !== 0; at += EMPTY_FIXED_BLOCK_BITS) {
    // 10 bits starting at `at` span at most 3 bytes; the first keeps its lower bits.
    const i = at >>> 3;
    const shifted = EMPTY_FIXED_BLOCK_VALUE << (at & 7);
    bytes[i] |= shifted & 0xff;
    bytes[i + 1] = (shifted >>> 8) & 0xff;
    bytes[i + 2] = (shifted >>> 16) & 0xff;
  }
  return at >>> 3;
}
