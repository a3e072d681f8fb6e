import { TwqError } from '@twq/core';
import type { CompressionLevel } from '../level.js';
import { crc32CombineWith, crc32ShiftOperator } from './crc32-combine.js';
import { gzipHeader, gzipTrailer, type GzipHeaderOptions } from './gzip-header.js';
import { ReorderBuffer } from './reorder-buffer.js';

/** Held copies are sized in steps of this, so that one serves blocks of about the same size. */
const COPY_GRAIN_BYTES = 16 * 1024;

/**
 * The output side of parallel gzip: numbers the blocks, writes the header,
 * writes finished blocks in order (holding those that finish early in a
 * bounded reorder ring), keeps the CRC-32 and length, and writes the trailer:
 * one gzip member, as pigz writes it. (Not one member per block: gzip and zlib
 * read several members, but Chromium's DecompressionStream stops after the
 * first with "Junk found after end of compressed data".)
 * Knows nothing of queues or slots: the encoder feeds it.
 *
 * Output goes to `onChunk` synchronously, in order; the bytes are only valid
 * during the call.
 */
export class GzipSequencer {
  private reorder: ReorderBuffer | undefined;
  private nextSeq = 0;
  private writeSeq = 0;
  private crc = 0;
  private bytesIn = 0;
  private bytesOut = 0;
  private headerWritten = false;
  /** x^(8 * blockSize): combines the CRC of a full block in one multiplication. */
  private readonly fullBlockShift: number;
  /**
   * Memory of held blocks already written, for the next ones to hold: no
   * more buffers than blocks held at once. Allocating each copy anew cost
   * twq-gzip -1 -p 2 about 45 ms of its main thread's CPU on 100 MiB (a
   * fresh 50 KB a block, page faults and all), 5% of its wall time.
   */
  private readonly spareCopies: ArrayBuffer[] = [];

  constructor(
    private readonly level: CompressionLevel,
    private readonly header: GzipHeaderOptions,
    private readonly blockSize: number,
    private readonly onChunk: (chunk: Uint8Array) => void,
  ) {
    // Checked now, not at the first write.
    gzipHeader(level, header);
    this.fullBlockShift = crc32ShiftOperator(blockSize);
  }

  /** Uncompressed bytes written so far. */
  get bytesWritten(): number {
    return this.bytesIn;
  }

  /** Compressed bytes emitted so far. */
  get bytesEmitted(): number {
    return this.bytesOut;
  }

  /** Blocks numbered but not yet written. */
  get outstanding(): number {
    return this.nextSeq - this.writeSeq;
  }

  /** Whether one more block would leave more blocks outstanding than the reorder ring holds (never, before it exists). */
  get windowFull(): boolean {
    return this.reorder !== undefined && this.outstanding >= this.reorder.capacity;
  }

  /** Sizes the reorder ring: at most `capacity` blocks outstanding from now on. */
  bound(capacity: number): void {
    this.reorder = new ReorderBuffer(capacity);
  }

  /** The sequence number of a new block. */
  number(): number {
    return this.nextSeq++;
  }

  /** Writes the header if it is not written yet (the output starts as soon as there is input). */
  writeHeader(): void {
    if (this.headerWritten) return;
    this.headerWritten = true;
    this.emit(gzipHeader(this.level, this.header));
  }

  /**
   * Block `seq` is compressed: written now if it is next (with every held
   * block that follows it), else held. `bytes` may be a view of memory that
   * is reused after this call: a held block keeps a copy.
   */
  blockDone(seq: number, bytes: Uint8Array, crc: number, length: number): void {
    if (seq !== this.writeSeq) {
      if (this.reorder === undefined) throw new TwqError('ERR_TWQ_GZIP_ORDER', `gzip: block ${seq} finished before block ${this.writeSeq} with no reorder ring`);
      this.reorder.put({ seq, bytes: this.copyOf(bytes), crc, length });
      return;
    }
    this.writeBlock(bytes, crc, length);
    const reorder = this.reorder;
    if (reorder === undefined) return;
    for (let next = reorder.take(this.writeSeq); next !== undefined; next = reorder.take(this.writeSeq)) {
      this.writeBlock(next.bytes, next.crc, next.length);
      // Written: onChunk is done with the bytes (they are only valid during its call).
      this.spareCopies.push(next.bytes.buffer as ArrayBuffer);
    }
  }

  /** Every block numbered must be written: then the trailer ends the output. */
  writeTrailer(): void {
    if (this.writeSeq !== this.nextSeq) {
      throw new TwqError('ERR_TWQ_GZIP_LOST', `gzip: ${this.nextSeq} blocks compressed but ${this.writeSeq} written`);
    }
    this.writeHeader();
    this.emit(gzipTrailer(this.crc, this.bytesIn));
  }

  /**
   * A copy of `bytes` in memory of its own, a spare's when one is big enough.
   * Copied with `set`, not `new Uint8Array(view)`: from a view of a
   * SharedArrayBuffer (a worker's output slot) V8 copies that one byte by
   * byte until the caller is optimized (measured: 800 copies of 50 KB, 125 ms
   * against 11 ms).
   */
  private copyOf(bytes: Uint8Array): Uint8Array {
    let memory = this.spareCopies.pop();
    if (memory === undefined || memory.byteLength < bytes.length) {
      // Rounded up, so that the next block, a few bytes longer, fits too.
      memory = new ArrayBuffer(Math.ceil(bytes.length / COPY_GRAIN_BYTES) * COPY_GRAIN_BYTES);
    }
    const copy = new Uint8Array(memory, 0, bytes.length);
    copy.set(bytes);
    return copy;
  }

  private writeBlock(bytes: Uint8Array, crc: number, length: number): void {
    this.bytesIn += length;
    this.crc = crc32CombineWith(this.crc, crc, length === this.blockSize ? this.fullBlockShift : crc32ShiftOperator(length));
    this.writeSeq++;
    this.emit(bytes);
  }

  private emit(bytes: Uint8Array): void {
    this.bytesOut += bytes.length;
    this.onChunk(bytes);
  }
}
