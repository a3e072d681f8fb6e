import { PageTally, pageOfTask } from '../measure/page-tally.js';
import { noopInput } from '../data/reference-sizes.js';
import type { BenchSystem, RunOutcome, SystemId, SystemSetup } from './bench-system.js';
import { runWindow } from './task-window.js';

/** How a promise-based pool runs one task: the task's name and its one number argument. */
export type ExecTask = (task: 'compress' | 'noop', input: number) => Promise<number>;

/**
 * The driver shared by piscina, tinypool and workerpool: task i is page
 * i mod pages (or the no-op's input), results are tallied on the main thread
 * as they arrive, `window` tasks in flight.
 */
export function promisePoolSystem(id: SystemId, setup: SystemSetup, exec: ExecTask, close: () => Promise<void>): BenchSystem {
  const { threads, window, memory, workload } = setup;
  if (workload.kind === 'noop') {
    return {
      id,
      threads,
      async run(tasks: number): Promise<RunOutcome> {
        let sum = 0;
        const t0 = performance.now();
        await runWindow(tasks, window, (i) => exec('noop', noopInput(i)), (_i, r) => (sum += r));
        return { tasks, ms: performance.now() - t0, total: sum, problem: undefined };
      },
      close,
    };
  }
  if (memory === undefined) throw new TypeError(`${id}: a page workload needs guest memory`);
  const pages = memory.pages;
  const tally = new PageTally(pages);
  return {
    id,
    threads,
    async run(tasks: number): Promise<RunOutcome> {
      tally.reset();
      const t0 = performance.now();
      await runWindow(
        tasks,
        window,
        (i) => exec('compress', pageOfTask(i, pages)),
        (i, length) => {
          tally.add(pageOfTask(i, pages), length);
        },
      );
      const ms = performance.now() - t0;
      return { tasks, ms, total: tally.bytes, problem: tally.verify(tasks) };
    },
    close,
  };
}
