/**
 * The overflow arena: where a value that does not fit its slot's inline region
 * goes. One arena per writer: the submitter owns the input arena, each worker
 * the result arena of its partition. Only the owner allocates, so no lock.
 *
 * Each slot keeps its own block and reuses it while it is large enough: a
 * block is read by the other side before the slot comes back to its owner (the
 * worker reads the input before it flips DONE; the submitter reads the result
 * in the done callback, before it reuses the slot), so the owner may overwrite
 * it at once. A slot that needs more gets a new block of at least twice the
 * size, bump-allocated: the memory an arena holds is at most about twice the
 * sum over its slots of the largest value each carried.
 *
 * The buffer is a growable SharedArrayBuffer where the engine has one (Node
 * 20+, Chromium 111+, Firefox 119+, Safari 16.4+): it starts at one page and
 * grows on demand up to `maxArenaBytes`. Elsewhere it is allocated at
 * `maxArenaBytes` up front (untouched pages cost nothing on most systems).
 *
 * Word 0 (a Float64) holds the bump pointer, so that a replacement worker goes
 * on after its dead predecessor's blocks instead of over them.
 */

/** Bytes reserved at the arena's start (the bump pointer), keeping blocks 8-aligned. */
const ARENA_HEADER = 8;
const INITIAL_ARENA_BYTES = 64 * 1024;

interface GrowableSharedArrayBuffer extends SharedArrayBuffer {
  readonly growable: boolean;
  readonly maxByteLength: number;
  grow(newLength: number): void;
}

type GrowableSabConstructor = new (length: number, options: { maxByteLength: number }) => GrowableSharedArrayBuffer;

/** Whether this engine has growable SharedArrayBuffers. */
export function hasGrowableSharedMemory(): boolean {
  return typeof (SharedArrayBuffer.prototype as Partial<GrowableSharedArrayBuffer>).grow === 'function';
}

/** Creates an arena buffer of at most `maxBytes`: growable where possible, else full size at once. */
export function createArenaBuffer(maxBytes: number): SharedArrayBuffer {
  if (hasGrowableSharedMemory()) {
    return new (SharedArrayBuffer as unknown as GrowableSabConstructor)(Math.min(INITIAL_ARENA_BYTES, maxBytes), { maxByteLength: maxBytes });
  }
  return new SharedArrayBuffer(maxBytes);
}

/** Length-tracking views of an arena, for the side that only reads it. */
export interface ArenaBytes {
  readonly u8: Uint8Array;
  readonly dv: DataView;
}

export function arenaBytes(buffer: SharedArrayBuffer): ArenaBytes {
  return { u8: new Uint8Array(buffer), dv: new DataView(buffer) };
}

export class SlotArena implements ArenaBytes {
  readonly buffer: SharedArrayBuffer;
  /** Slots this arena serves (indices 0 .. slots - 1). */
  readonly slots: number;
  /** Length-tracking views: they follow the buffer as it grows. */
  readonly u8: Uint8Array;
  readonly dv: DataView;
  private readonly head: Float64Array;
  private readonly at: Float64Array;
  private readonly cap: Float64Array;
  private readonly max: number;

  constructor(buffer: SharedArrayBuffer, slots: number) {
    this.buffer = buffer;
    this.slots = slots;
    this.u8 = new Uint8Array(buffer);
    this.dv = new DataView(buffer);
    this.head = new Float64Array(buffer, 0, 1);
    if (this.head[0] < ARENA_HEADER) this.head[0] = ARENA_HEADER;
    this.at = new Float64Array(slots);
    this.cap = new Float64Array(slots);
    const b = buffer as Partial<GrowableSharedArrayBuffer>;
    this.max = b.growable === true ? (b.maxByteLength as number) : buffer.byteLength;
  }

  /**
   * The offset of a block of at least `bytes` for `slot`, the slot's own if
   * large enough. Throws a RangeError naming `option` when the arena is full.
   */
  reserve(slot: number, bytes: number, option: string): number {
    if (this.cap[slot] >= bytes) return this.at[slot];
    const size = align8(Math.max(bytes, 2 * this.cap[slot]));
    const start = this.head[0];
    let end = start + size;
    if (end > this.max && bytes < size) end = start + align8(bytes);
    if (end > this.max) {
      throw new RangeError(
        `the overflow arena is full: ${bytes} more bytes for slot ${slot} would take it past ${option} (${this.max} bytes; ${start - ARENA_HEADER} in use by the slots' blocks, which are reused, never freed)`,
      );
    }
    const current = this.buffer.byteLength;
    if (end > current) this.buffer.grow(Math.min(this.max, Math.max(end, 2 * current)));
    this.head[0] = end;
    this.at[slot] = start;
    this.cap[slot] = end - start;
    return start;
  }
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
