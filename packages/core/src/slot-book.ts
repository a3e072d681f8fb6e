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
 * and the slots whose done callback runs now, innermost last (a stack: a
 * callback that re-enters the queue may report others). Such a slot is not
 * free: the request is the callback's until it returns, so no call made from
 * the callback hands the slot out again.
 *
 * With the worker's shared DONE word: fill == done means the slot is the
 * submitter's (free, or holding a result still to report when pending); they
 * differ while the worker owns it.
 *
 * Exactly once: `takeReady` / `takeResult` clear `pending` before they return,
 * that is before the caller runs the done callback, so a callback that
 * re-enters the queue (getRequest, waitAll, drain, destroy) never finds the
 * slot still to report, and one that throws leaves it reported. Every method
 * commits the slot's new state before it returns, so nothing is half-done if
 * user code runs next.
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
  /** Global slots whose done callback runs now, innermost last; `reportingDepth` of them. */
  private readonly reporting: Int32Array;
  /** Done callbacks running now (more than one when a callback re-entered the queue). */
  reportingDepth = 0;

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
    // A slot is reported by one callback at a time: at most every slot at once.
    this.reporting = new Int32Array(this.threads * slotsPerThread);
  }

  /** Slot `s` of worker `t` free in the submitter's hands, neither claimed nor in its done callback (lowest first), or -1. */
  findFree(t: number): number {
    const done = this.blocks[t].done.words;
    const base = t * this.wordsPerThread;
    const last = this.wordsPerThread - 1;
    for (let w = 0; w <= last; w++) {
      const i = base + w;
      // Pairs with the worker's Atomics.store of DONE: its result writes come before.
      let free = ~(this.fill[i] ^ Atomics.load(done, w)) & ~this.claimed[i];
      if (w === last) free &= this.lastWordMask;
      // Only inside a done callback (a field check otherwise): the slots being reported are not free.
      if (free !== 0 && this.reportingDepth !== 0) free &= ~this.reportingBits(t, w);
      if (free !== 0) return (w << 5) + lowestSetBitUnchecked(free);
    }
    return -1;
  }

  /**
   * Takes the result free slot `s` of worker `t` still holds, if any: true
   * when it held one, which is then no longer pending, and the caller reports
   * it (before it claims the slot: see `claim`).
   */
  takeResult(t: number, s: number): boolean {
    const i = t * this.wordsPerThread + (s >>> 5);
    const mask = 1 << (s & 31);
    const pending = this.pending[i];
    if ((pending & mask) === 0) return false;
    this.pending[i] = pending & ~mask;
    return true;
  }

  /**
   * Claims free slot `s` of worker `t` (hands it to the caller of getRequest*).
   * Done after its earlier result was reported: while that callback runs the
   * slot is `reporting` (not free), not claimed (submit() refuses it), and a
   * callback that throws leaves it free rather than claimed by nobody.
   */
  claim(t: number, s: number): void {
    const i = t * this.wordsPerThread + (s >>> 5);
    this.claimed[i] = this.claimed[i] | (1 << (s & 31));
  }

  /** Global slot `slot` (its result taken) goes to its done callback: not free until the matching `endReport`. */
  beginReport(slot: number): void {
    this.reporting[this.reportingDepth++] = slot;
  }

  /** The innermost done callback returned or threw: its slot is free again. */
  endReport(): void {
    this.reportingDepth--;
  }

  /** The bits of word `w` of worker `t` whose slots' done callbacks run now. Slow path: only inside a callback. */
  private reportingBits(t: number, w: number): number {
    const first = t * this.slotsPerThread + (w << 5);
    let bits = 0;
    for (let k = 0; k < this.reportingDepth; k++) {
      const d = this.reporting[k] - first;
      if (d >= 0 && d < 32) bits |= 1 << d;
    }
    return bits;
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

  /** Whether slot `s` of worker `t` is submitted and its result not yet reported. */
  isPending(t: number, s: number): boolean {
    return (this.pending[t * this.wordsPerThread + (s >>> 5)] & (1 << (s & 31))) !== 0;
  }

  /** Whether slot `s` of worker `t` is in flight (fill != done: submitted, not handed back). */
  isInFlight(t: number, s: number): boolean {
    const w = s >>> 5;
    return ((this.fill[t * this.wordsPerThread + w] ^ Atomics.load(this.blocks[t].done.words, w)) & (1 << (s & 31))) !== 0;
  }

  /**
   * Hands the slots `mask` of word `w` of worker `t`, which the submitter took
   * by their claim (cancelled, helped, or run by a dead worker), back: flips
   * their FILL bits back so that fill == done. They stay pending: their result
   * is still to be reported. No worker writes DONE for them.
   */
  handBack(t: number, w: number, mask: number): void {
    const i = t * this.wordsPerThread + w;
    const fill = this.fill[i] ^ mask;
    this.fill[i] = fill;
    Atomics.store(this.blocks[t].fill.words, w, fill);
  }

  /** Whether some slot of worker `t` is handed out by getRequest* and not yet submitted. Slow path (elastic threads). */
  hasClaimed(t: number): boolean {
    const base = t * this.wordsPerThread;
    for (let w = 0; w < this.wordsPerThread; w++) if (this.claimed[base + w] !== 0) return true;
    return false;
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
