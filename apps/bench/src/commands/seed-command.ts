import { createQueue } from '@twq/node';
import type { PlacementPolicy, RemoteError } from '@twq/core';
import { fillDataSet, touchPages, type DataSet } from '../data/data-sets.js';
import { allocateGuestMemory } from '../data/guest-memory.js';
import { describeMachine, machineInfo } from '../report/machine-info.js';
import { MIB, PAGE_SIZE } from '../data/page-size.js';
import { PageTally } from '../measure/page-tally.js';
import { AUTO_SPIN } from '../systems/bench-system.js';

const PAGE_OPS = new URL('../ops/page-ops.js', import.meta.url);

export interface SeedOptions {
  /** -t: worker threads. */
  readonly threads: number;
  /** -r: requests (slots) per thread. */
  readonly requests: number;
  /** -m: guest memory, bytes. */
  readonly memory: number;
  /** -c: runs. */
  readonly count: number;
  readonly policy: PlacementPolicy;
  readonly spinBudget: number;
  readonly data: DataSet;
}

export interface SeedRun {
  readonly us: number;
  readonly pages: number;
  readonly compressedBytes: number;
  readonly ratio: number;
  /** undefined when every page was seen exactly once. */
  readonly problem: string | undefined;
}

/**
 * The seed's threaded-workqueue-bench, ported: one twq queue with `-t`
 * workers of `-r` slots, each slot's request compressing one page of the
 * guest memory in place (zlib raw deflate, level 1) into the slot; `-c` runs,
 * each writing 0x10 at the start of every page (data set `seed`), then
 * submitting every page (taking a free request, blocking while none is free),
 * then waiting for all. Like the original, it checks that the done callback
 * saw every page exactly once, and prints each run's time, page count and
 * compression ratio, then the average. Returns the runs; any failed check
 * makes the command exit non-zero.
 */
export async function runSeed(options: SeedOptions, print: (line: string) => void): Promise<SeedRun[]> {
  const { threads, requests, memory: memoryBytes, count, policy, spinBudget, data } = options;
  const memory = allocateGuestMemory(memoryBytes);
  print(describeMachine(await machineInfo()));
  print(
    `# threaded-workqueue-bench (twq port): -t ${threads} -r ${requests} -m ${memoryBytes / MIB}M -c ${count}, ` +
      `policy ${policy}, spin budget ${spinBudget === AUTO_SPIN ? 'auto' : spinBudget}, data ${data}, ${memory.pages} pages of ${PAGE_SIZE} bytes, zlib level 1`,
  );
  if (data !== 'seed') fillDataSet(memory.bytes, data);
  const tally = new PageTally(memory.pages);
  let failure: RemoteError | undefined;
  const queue = await createQueue<typeof import('../ops/page-ops.js').ops>(PAGE_OPS, {
    threads,
    slotsPerThread: requests,
    policy,
    spinBudget: spinBudget === AUTO_SPIN ? undefined : spinBudget,
    name: 'twq-bench-seed',
    opsOptions: { memory: memory.buffer },
    onDone(request, error) {
      if (error !== undefined) failure ??= error;
      // The seed's done callback: append the compressed bytes to a sink that counts them, count the page.
      tally.add(request.page, request.length);
    },
  });
  const runs: SeedRun[] = [];
  try {
    for (let run = 1; run <= count; run++) {
      if (data === 'seed') touchPages(memory.bytes);
      tally.reset();
      const t0 = performance.now();
      for (let page = 0; page < memory.pages; page++) {
        const request = queue.getRequestBlocking();
        request.page = page;
        queue.submit(request);
      }
      queue.waitAll();
      const us = Math.round((performance.now() - t0) * 1000);
      const problem = failure?.message ?? tally.verify(memory.pages);
      const ratio = memoryBytes / Math.max(1, tally.bytes);
      runs.push({ us, pages: tally.seen, compressedBytes: tally.bytes, ratio, problem });
      print(`run ${run}: ${us} us, ${tally.seen} pages, compression ratio ${ratio.toFixed(2)}`);
      if (problem !== undefined) print(`run ${run}: page check FAILED: ${problem}`);
    }
  } finally {
    await queue.destroy();
  }
  const average = runs.reduce((s, r) => s + r.us, 0) / runs.length;
  print(`average: ${Math.round(average)} us (${((memoryBytes / MIB) / (average / 1e6)).toFixed(0)} MiB/s)`);
  return runs;
}
