import { COMPRESSED_PAGE_BOUND, compressPageInto, noop } from '../data/page-codec.js';
import { PageTally, pageOfTask } from '../measure/page-tally.js';
import { noopInput } from '../data/reference-sizes.js';
import type { BenchSystem, RunOutcome, SystemSetup } from './bench-system.js';

/**
 * The baseline: the submitter does the work itself, one page after the other,
 * on its own thread, through the same compressPageInto() and the same tally as
 * every other system. Offloading is worth it only where it beats this.
 */
export function startInline(setup: SystemSetup): Promise<BenchSystem> {
  const { workload, memory } = setup;
  if (workload.kind === 'noop') {
    return Promise.resolve({
      id: 'inline',
      threads: 1,
      run(tasks: number): Promise<RunOutcome> {
        let sum = 0;
        const t0 = performance.now();
        for (let i = 0; i < tasks; i++) sum += noop(noopInput(i));
        return Promise.resolve({ tasks, ms: performance.now() - t0, total: sum, problem: undefined });
      },
      close: () => Promise.resolve(),
    });
  }
  if (memory === undefined) throw new TypeError('inline: a page workload needs guest memory');
  const { bytes, pages } = memory;
  const tally = new PageTally(pages);
  const output = new Uint8Array(COMPRESSED_PAGE_BOUND);
  return Promise.resolve({
    id: 'inline',
    threads: 1,
    run(tasks: number): Promise<RunOutcome> {
      tally.reset();
      const t0 = performance.now();
      for (let i = 0; i < tasks; i++) {
        const page = pageOfTask(i, pages);
        tally.add(page, compressPageInto(bytes, page, output));
      }
      const ms = performance.now() - t0;
      return Promise.resolve({ tasks, ms, total: tally.bytes, problem: tally.verify(tasks) });
    },
    close: () => Promise.resolve(),
  });
}
