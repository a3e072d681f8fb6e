/**
 * Counts what a run's done callbacks saw, per page, so that a run can be
 * checked the way the seed checks it: every page seen exactly once per pass
 * over the memory (no request lost, none handled twice), and the compressed
 * bytes adding up to the reference's.
 */
export class PageTally {
  readonly pages: number;
  private readonly counts: Uint32Array;
  /** Compressed bytes seen so far. */
  bytes = 0;
  /** Results seen so far. */
  seen = 0;

  constructor(pages: number) {
    this.pages = pages;
    this.counts = new Uint32Array(pages);
  }

  reset(): void {
    this.counts.fill(0);
    this.bytes = 0;
    this.seen = 0;
  }

  add(page: number, compressedBytes: number): void {
    this.counts[page]++;
    this.bytes += compressedBytes;
    this.seen++;
  }

  /**
   * undefined when `tasks` results were seen and page p was seen as often as
   * tasks i < `tasks` map onto it (i mod pages); otherwise what is wrong.
   */
  verify(tasks: number): string | undefined {
    if (this.seen !== tasks) return `${this.seen} results for ${tasks} tasks`;
    const passes = Math.floor(tasks / this.pages);
    const rest = tasks % this.pages;
    for (let p = 0; p < this.pages; p++) {
      const expected = passes + (p < rest ? 1 : 0);
      if (this.counts[p] !== expected) return `page ${p} seen ${this.counts[p]} times, expected ${expected}`;
    }
    return undefined;
  }
}

/** Page of task `i` when a run of more tasks than pages wraps around the memory. */
export function pageOfTask(i: number, pages: number): number {
  return i < pages ? i : i % pages;
}
