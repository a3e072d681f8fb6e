import { lowestSetBitUnchecked } from '@twq/bitmap';
import type { WorkerBlock } from './queue-memory.js';

/**
 * The submitter's private bookkeeping of every slot, in plain memory (only the
 * submitter's thread reads or writes it). Per slot, three bits in words that
 * mirror the shared bitmaps' shape (worker `t`, word `w` at `t * wordsPerThread + w`):
 *
 *   fill     the submitter's copy of the shared FILL word (it is FILL's only
 *            writer, so the copy is exact and is never read back from memory)
 *   claimed  handed out by getRequest*, not yet submitted
 *   pending  submitted, its result not yet reported to the done callback
 *
 * With the worker's shared DONE word: fill == done means the slot is the
 * submitter's (free, or holding a result still to report when pending); they
 * differ while the worker owns it.
 *
 * Every `take*` method commits the slot's new state before it returns, so a
 * caller that then runs user code (the done callback) leaves nothing
 * half-done behind if that code re-enters the queue or throws.
 */
export class SlotBook {
  readonly threads: number;
  readonly slotsPerThread: number;
  readonly wordsPerThread: number;
  private readonly lastWordMask: number;
  private readonly blocks: readonly WorkerBlock[];
  private readonly fill: Int32Array;
  private readonly claimed: Int32Array;
  private readonly pending: Int32Array;

  constructor(blocks: readonly WorkerBlock[], slotsPerThread: number) {
    this.blocks = blocks;
    this.threads = blocks.length;
    this.slotsPerThread = slotsPerThread;
    this.wordsPerThread = blocks[0].fill.words.length;
    this.lastWordMask = blocks[0].fill.lastWordMask;
    const words = this.threads * this.wordsPerThread;
    this.fill = new Int32Array(words);
    this.claimed = new Int32Array(words);
    this.pending = new Int32Array(words);
  }

  /** Slot `s` of worker `t` free in the submitter's hands and not claimed (lowest first), or -1. */
  findFree(t: number): number {
    const done = this.blocks[t].done.words;
    const base = t * this.wordsPerThread;
    const last = this.wordsPerThread - 1;
    for (let w = 0; w <= last; w++) {
      const i = base + w;
      // Pairs with the worker's Atomics.store of DONE: its result writes come before.
      let free = ~(this.fill[i] ^ Atomics.load(done, w)) & ~this.claimed[i];
      if (w === last) free &= this.lastWordMask;
      if (free !== 0) return (w << 5) + lowestSetBitUnchecked(free);
    }
    return -1;
  }

  /**
   * Claims free slot `s` of worker `t`. Returns true when the slot still held
   * a result to report: it is then no longer pending, and the caller reports it.
   */
  claim(t: number, s: number): boolean {
    const i = t * this.wordsPerThread + (s >>> 5);
    const mask = 1 << (s & 31);
    this.claimed[i] = this.claimed[i] | mask;
    const pending = this.pending[i];
    if ((pending & mask) === 0) return false;
    this.pending[i] = pending & ~mask;
    return true;
  }

  /** Whether slot `s` of worker `t` is claimed (handed out, not yet submitted). */
  isClaimed(t: number, s: number): boolean {
    return (this.claimed[t * this.wordsPerThread + (s >>> 5)] & (1 << (s & 31))) !== 0;
  }

  /** Gives a claimed slot back unsubmitted (it becomes free again). */
  unclaim(t: number, s: number): void {
    const i = t * this.wordsPerThread + (s >>> 5);
    this.claimed[i] = this.claimed[i] & ~(1 << (s & 31));
  }

  /**
   * Hands claimed slot `s` to worker `t`: one Atomics.store of the FILL word,
   * which publishes the plain writes to the slot (pairs with the worker's
   * Atomics.load of FILL).
   */
  submit(t: number, s: number): void {
    const i = t * this.wordsPerThread + (s >>> 5);
    const mask = 1 << (s & 31);
    this.claimed[i] = this.claimed[i] & ~mask;
    this.pending[i] = this.pending[i] | mask;
    const fill = this.fill[i] ^ mask;
    this.fill[i] = fill;
    Atomics.store(this.blocks[t].fill.words, s >>> 5, fill);
  }

  /** True while worker `t` owns at least one slot (submitted, not handled). */
  isBusy(t: number): boolean {
    const done = this.blocks[t].done.words;
    const base = t * this.wordsPerThread;
    for (let w = 0; w < this.wordsPerThread; w++) {
      if ((this.fill[base + w] ^ Atomics.load(done, w)) !== 0) return true;
    }
    return false;
  }

  /** Whether some submitted slot's result is back and not yet reported. */
  hasReady(): boolean {
    return this.nextReady(0, false) >= 0;
  }

  /**
   * The first slot (global index, from `from` on) whose result is back and not
   * yet reported, taken: no longer pending, so it is reported once. -1 when none.
   */
  takeReady(from: number): number {
    return this.nextReady(from, true);
  }

  /**
   * The first slot of worker `t` (index within the worker, from `from` on) that
   * the worker owns now (submitted, not handled), or -1.
   */
  nextInFlight(t: number, from: number): number {
    const done = this.blocks[t].done.words;
    const base = t * this.wordsPerThread;
    for (let w = from >>> 5; w < this.wordsPerThread; w++) {
      let bits = this.fill[base + w] ^ Atomics.load(done, w);
      if (w === from >>> 5) bits &= -1 << (from & 31);
      if (bits !== 0) return (w << 5) + lowestSetBitUnchecked(bits);
    }
    return -1;
  }

  /**
   * Takes back every slot worker `t` owns (a dead worker's, or any once every
   * worker is gone): flips their FILL bits so that fill == done again. They
   * stay pending: their (failed) results are still to be reported.
   */
  takeBack(t: number): void {
    const block = this.blocks[t];
    const base = t * this.wordsPerThread;
    for (let w = 0; w < this.wordsPerThread; w++) {
      const i = base + w;
      const inflight = this.fill[i] ^ Atomics.load(block.done.words, w);
      if (inflight === 0) continue;
      const fill = this.fill[i] ^ inflight;
      this.fill[i] = fill;
      Atomics.store(block.fill.words, w, fill);
    }
  }

  private nextReady(from: number, take: boolean): number {
    const perThread = this.slotsPerThread;
    for (let t = Math.floor(from / perThread); t < this.threads; t++) {
      const done = this.blocks[t].done.words;
      const base = t * this.wordsPerThread;
      const first = t === Math.floor(from / perThread) ? from - t * perThread : 0;
      for (let w = first >>> 5; w < this.wordsPerThread; w++) {
        const i = base + w;
        let ready = this.pending[i] & ~(this.fill[i] ^ Atomics.load(done, w));
        if (w === first >>> 5) ready &= -1 << (first & 31);
        if (ready === 0) continue;
        const bit = lowestSetBitUnchecked(ready);
        if (take) this.pending[i] = this.pending[i] & ~(1 << bit);
        return t * perThread + (w << 5) + bit;
      }
    }
    return -1;
  }
}
