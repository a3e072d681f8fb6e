import { COMPRESSED_PAGE_BOUND, compressPageInto } from './page-codec.js';

/**
 * Compressed size of every page, computed once on this thread before any
 * system runs: the reference every system's total is checked against, so
 * that none is fast by skipping or mangling work.
 */
export class ReferenceSizes {
  readonly pages: number;
  /** prefix[i] = compressed bytes of pages [0, i). */
  private readonly prefix: Float64Array;

  constructor(memory: Uint8Array, pages: number) {
    this.pages = pages;
    this.prefix = new Float64Array(pages + 1);
    const output = new Uint8Array(COMPRESSED_PAGE_BOUND);
    for (let p = 0; p < pages; p++) this.prefix[p + 1] = this.prefix[p] + compressPageInto(memory, p, output);
  }

  /** Compressed bytes of all pages. */
  get total(): number {
    return this.prefix[this.pages];
  }

  /** Expected compressed bytes of tasks [0, tasks), task i compressing page i mod pages. */
  bytesOf(tasks: number): number {
    const passes = Math.floor(tasks / this.pages);
    return passes * this.total + this.prefix[tasks % this.pages];
  }
}

/** Sum of noop(i & 0xffff) over tasks [0, tasks): the no-op workload's checksum. */
export function noopChecksum(tasks: number): number {
  // (i & 0xffff) + 1 summed: whole blocks of 65536, then the rest.
  const block = 65536;
  const full = Math.floor(tasks / block);
  const rest = tasks % block;
  return full * ((block * (block + 1)) / 2) + (rest * (rest + 1)) / 2;
}

/** The no-op workload's input for task i (kept small so that sums stay exact). */
export function noopInput(i: number): number {
  return i & 0xffff;
}
