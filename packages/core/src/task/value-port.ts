import { defineLayout, type Layout } from '../request-layout.js';
import type { ArenaBytes, SlotArena } from './slot-arena.js';
import { OVERFLOW, Unsupported, ValueReader, ValueWriter, bytesValueBound, cloneError } from './value-codec.js';

/**
 * The slot of a value-mode queue: an inline region each way, and where the
 * value went when it did not fit (0: inline; 1: the writer's overflow arena,
 * at the offset in `inAt` / `outAt`). `op` 0 is a skipped request (the
 * submitter claimed the slot but could not encode the input); else the task
 * function's index + 1.
 */
export function valueLayout(inlineBytes: number) {
  return defineLayout({
    inAt: 'f64',
    outAt: 'f64',
    op: 'u32',
    inArena: 'u32',
    outArena: 'u32',
    input: { bytes: inlineBytes },
    output: { bytes: inlineBytes },
  });
}

/** The request layout of a value-mode queue (header words, inline input and output regions). */
export type ValueLayout = ReturnType<typeof valueLayout>;
/** The layout spec of a value-mode queue's requests. */
export type ValueSpec = ValueLayout extends Layout<infer S> ? S : never;

const INITIAL_SCRATCH = 64 * 1024;

/**
 * One side's encoder and decoder over a queue's shared buffer and arenas.
 * Small values are written straight into the slot; a larger one straight into
 * the writer's arena when its size is known (typed arrays, ArrayBuffer), else
 * through a private scratch buffer that measures it.
 */
export class ValuePort {
  private readonly writer = new ValueWriter();
  private readonly reader = new ValueReader();
  private u8: Uint8Array = new Uint8Array(0);
  private dv: DataView = new DataView(new ArrayBuffer(0));
  private scratch = new ArrayBuffer(0);
  private scratchU8 = new Uint8Array(0);
  private scratchDv = new DataView(this.scratch);

  constructor(
    /** Largest encoded value, in bytes. */
    readonly maxValueBytes: number,
    /** The option that sets maxValueBytes, named in errors. */
    private readonly maxOption: string,
    /** The option that sets the arena size, named in errors. */
    private readonly arenaOption: string,
  ) {}

  /**
   * Encodes `value` for `slot` into `inline` (a view of the queue's buffer),
   * or into `arena`. Returns -1 when inline, else the arena offset. Throws
   * ValueCloneError (naming where in the value, as `what`) or RangeError.
   */
  put(value: unknown, inline: Uint8Array, arena: SlotArena, slot: number, what: string): number {
    const w = this.writer;
    if (this.u8.buffer !== inline.buffer) {
      this.u8 = new Uint8Array(inline.buffer);
      this.dv = new DataView(inline.buffer);
    }
    const start = inline.byteOffset;
    w.target(this.u8, this.dv, start, start + inline.byteLength);
    try {
      w.write(value);
      return -1;
    } catch (e) {
      if (e !== OVERFLOW) throw e instanceof Unsupported ? cloneError(value, e, what) : e;
    }
    const bound = bytesValueBound(value);
    if (bound >= 0) {
      this.checkSize(bound - 16, what);
      const at = arena.reserve(slot, bound, this.arenaOption);
      w.target(arena.u8, arena.dv, at, at + bound);
      w.write(value);
      return at;
    }
    const size = this.measure(value, what);
    this.checkSize(size, what);
    const at = arena.reserve(slot, size + 8, this.arenaOption);
    // The scratch copy was written at offset 0 (8-aligned), and `at` is 8-aligned too: typed-array padding holds.
    arena.u8.set(this.scratchU8.subarray(0, size), at);
    return at;
  }

  /** Encodes into the scratch buffer, growing it, and returns the encoded size. */
  private measure(value: unknown, what: string): number {
    const w = this.writer;
    for (;;) {
      if (this.scratch.byteLength === 0) this.growScratch(INITIAL_SCRATCH);
      w.target(this.scratchU8, this.scratchDv, 0, this.scratch.byteLength);
      try {
        w.write(value);
        return w.pos;
      } catch (e) {
        if (e !== OVERFLOW) throw e instanceof Unsupported ? cloneError(value, e, what) : e;
      }
      const cap = this.scratch.byteLength;
      if (cap > this.maxValueBytes) this.checkSize(cap + 1, what);
      this.growScratch(Math.min(2 * cap, this.maxValueBytes + 64));
    }
  }

  private growScratch(bytes: number): void {
    this.scratch = new ArrayBuffer(bytes);
    this.scratchU8 = new Uint8Array(this.scratch);
    this.scratchDv = new DataView(this.scratch);
  }

  private checkSize(bytes: number, what: string): void {
    if (bytes > this.maxValueBytes) {
      throw new RangeError(
        `${what} is too large: it encodes to ${bytes > this.maxValueBytes + 64 ? 'more than ' : ''}${bytes} bytes, over ${this.maxOption} (${this.maxValueBytes} bytes); raise ${this.maxOption} or send it in parts`,
      );
    }
  }

  /** Decodes the value at `at` (-1: in `inline`). `share`: typed arrays view shared memory (worker side). */
  get(inline: Uint8Array, arena: ArenaBytes | undefined, at: number, share: boolean): unknown {
    if (at < 0) {
      if (this.u8.buffer !== inline.buffer) {
        this.u8 = new Uint8Array(inline.buffer);
        this.dv = new DataView(inline.buffer);
      }
      return this.reader.read(this.u8, this.dv, inline.byteOffset, share);
    }
    if (arena === undefined) throw new RangeError('twq value codec: a value in an overflow arena that this side cannot see');
    return this.reader.read(arena.u8, arena.dv, at, share);
  }
}
