import { createQueue } from '@twq/node';
import type { LayoutSpec, QueueStats, RemoteError, Request, Workqueue } from '@twq/core';
import { PageTally, pageOfTask } from '../measure/page-tally.js';
import { noopInput } from '../data/reference-sizes.js';
import { processCpuMs, threadCpuMs } from '../measure/thread-cpu.js';
import { AUTO_SPIN, type BenchSystem, type CpuTime, type RunOutcome, type SystemSetup, type TwqCounters } from './bench-system.js';

const PAGE_OPS = new URL('../ops/page-ops.js', import.meta.url);
const NOOP_OPS = new URL('../ops/noop-ops.js', import.meta.url);

/**
 * twq through its public API, used as the seed used its queue: take a free
 * request (blocking until one is), write the page index into it, submit; the
 * done callback tallies the compressed length from the slot; waitAll() at the
 * end of the run. The submitter first tries getRequest() and only calls
 * getRequestBlocking() when it returns null: the same thing the blocking call
 * does first, with a count of the times it had to wait. With `napUs`, it
 * sleeps that long before asking again (see TwqSettings).
 */
export async function startTwq(setup: SystemSetup): Promise<BenchSystem> {
  const { threads, workload, memory, twq } = setup;
  const nap = napper(twq.napUs);
  const spinBudget = twq.spinBudget === AUTO_SPIN ? undefined : twq.spinBudget;
  const common = { threads, slotsPerThread: twq.slotsPerThread, policy: twq.policy, spinBudget, name: 'twq-bench' };
  let failure: RemoteError | undefined;

  if (workload.kind === 'noop') {
    let sum = 0;
    const queue = await createQueue<typeof import('../ops/noop-ops.js').ops>(NOOP_OPS, {
      ...common,
      onDone(request, error) {
        if (error !== undefined) failure ??= error;
        sum += request.result;
      },
    });
    return twqSystem(queue, threads, nap, (request, i) => {
      request.value = noopInput(i);
    }, {
      reset: () => {
        sum = 0;
      },
      total: () => sum,
      problem: () => failure?.message,
    });
  }

  if (memory === undefined) throw new TypeError('twq: a page workload needs guest memory');
  const pages = memory.pages;
  const tally = new PageTally(pages);
  const queue = await createQueue<typeof import('../ops/page-ops.js').ops>(PAGE_OPS, {
    ...common,
    opsOptions: { memory: memory.buffer },
    onDone(request, error) {
      if (error !== undefined) failure ??= error;
      tally.add(request.page, request.length);
    },
  });
  return twqSystem(queue, threads, nap, (request, i) => {
    request.page = pageOfTask(i, pages);
  }, {
    reset: () => {
      tally.reset();
    },
    total: () => tally.bytes,
    problem: (tasks) => failure?.message ?? tally.verify(tasks),
  });
}

/** How a workload's results are tallied by its done callback. */
interface Tally {
  reset(): void;
  total(): number;
  problem(tasks: number): string | undefined;
}

/**
 * The one submit loop, for every workload: take a free request (blocking
 * until one is), `fill` it with task `i`, submit; waitAll() at the end.
 */
function twqSystem<S extends LayoutSpec>(
  queue: Workqueue<S>,
  threads: number,
  nap: (() => void) | undefined,
  fill: (request: Request<S>, i: number) => void,
  tally: Tally,
): BenchSystem {
  return {
    id: 'twq',
    threads,
    run(tasks: number): Promise<RunOutcome> {
      tally.reset();
      const before = snapshot(queue, 0);
      const cpu0 = cpuNow();
      let waits = 0;
      const t0 = performance.now();
      for (let i = 0; i < tasks; i++) {
        let request = queue.getRequest();
        if (request === null) {
          waits++;
          if (nap !== undefined) {
            nap();
            request = queue.getRequest();
          }
          request ??= queue.getRequestBlocking();
        }
        fill(request, i);
        queue.submit(request);
      }
      queue.waitAll();
      const ms = performance.now() - t0;
      return Promise.resolve({
        tasks,
        ms,
        total: tally.total(),
        problem: tally.problem(tasks),
        counters: since(before, snapshot(queue, waits)),
        cpu: cpuSince(cpu0),
      });
    },
    close: () => queue.destroy(),
  };
}

function snapshot(queue: { stats(): QueueStats }, submitterWaits: number): TwqCounters {
  let workerParks = 0;
  let wakesSent = 0;
  for (const w of queue.stats().workers) {
    workerParks += w.parks;
    wakesSent += w.wakesSent;
  }
  return { submitterWaits, workerParks, wakesSent };
}

function since(before: TwqCounters, after: TwqCounters): TwqCounters {
  return {
    submitterWaits: after.submitterWaits - before.submitterWaits,
    workerParks: after.workerParks - before.workerParks,
    wakesSent: after.wakesSent - before.wakesSent,
  };
}

/**
 * The submitter's nap when no request is free: a timed Atomics.wait on a
 * private word (nobody notifies it), so that the workers free a batch of
 * slots before the submitter comes back, instead of waking it for each one.
 */
function napper(napUs: number): (() => void) | undefined {
  if (napUs <= 0) return undefined;
  const word = new Int32Array(new SharedArrayBuffer(4));
  const ms = napUs / 1000;
  return () => {
    Atomics.wait(word, 0, 0, ms);
  };
}

function cpuNow(): CpuTime {
  return { submitterMs: threadCpuMs(), processMs: processCpuMs() };
}

function cpuSince(before: CpuTime): CpuTime {
  const now = cpuNow();
  return {
    submitterMs: now.submitterMs === undefined || before.submitterMs === undefined ? undefined : now.submitterMs - before.submitterMs,
    processMs: now.processMs - before.processMs,
  };
}
