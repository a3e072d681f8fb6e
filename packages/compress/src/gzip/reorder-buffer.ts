import { describeValue } from '@twq/core';

/** A finished block waiting for the blocks before it. */
export interface FinishedBlock {
  /** Its sequence number in the stream. */
  readonly seq: number;
  /** Its raw deflate bytes (a copy: the slot it came from is reused). */
  readonly bytes: Uint8Array;
  readonly crc: number;
  readonly length: number;
}

/**
 * Blocks finish out of order across workers; they are written in order.
 * At most one block per slot is ever in flight, so a ring of `capacity` =
 * slot count entries indexed by sequence number never collides, and memory
 * stays bounded whatever the input size.
 */
export class ReorderBuffer {
  private readonly ring: (FinishedBlock | undefined)[];
  private held = 0;

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a safe integer >= 1, got ${describeValue(capacity)}`);
    this.ring = new Array<FinishedBlock | undefined>(capacity).fill(undefined);
  }

  /** Holds block `seq` until its turn. */
  put(block: FinishedBlock): void {
    if (typeof block !== 'object' || (block as unknown) === null || !((block as Partial<FinishedBlock>).bytes instanceof Uint8Array)) {
      throw new TypeError(`block must be a FinishedBlock (seq, bytes, crc, length), got ${describeValue(block)}`);
    }
    checkSeq(block.seq);
    const i = block.seq % this.capacity;
    const held = this.ring[i];
    if (held !== undefined) {
      throw new RangeError(`reorder buffer: block ${block.seq} collides with block ${held.seq} still held (more blocks in flight than slots?)`);
    }
    this.ring[i] = block;
    this.held++;
  }

  /** Removes and returns block `seq` if it is held. */
  take(seq: number): FinishedBlock | undefined {
    checkSeq(seq);
    const i = seq % this.capacity;
    const block = this.ring[i];
    if (block?.seq !== seq) return undefined;
    this.ring[i] = undefined;
    this.held--;
    return block;
  }

  /** Blocks held. */
  get size(): number {
    return this.held;
  }
}

/** A sequence number indexes the ring: -1 or 1.5 would read and write properties that are no slot. */
function checkSeq(seq: unknown): void {
  if (!Number.isSafeInteger(seq) || (seq as number) < 0) throw new RangeError(`seq must be a safe integer >= 0, got ${describeValue(seq)}`);
}
