/**
 * Faults, for real: workers that fail to load or to set up, handlers that
 * throw, and workers that die mid-request in each way a Web Worker can. No
 * fault may hang a wait (every wait here has a bound) or leave a worker running.
 */
import { describe, expect, test } from 'vitest';
import {
  HANDLER_FAILED,
  OpsLoadError,
  QueueFailedError,
  RemoteError,
  WORKER_DIED,
  WorkerStartError,
  createQueue,
  type WorkerExitEvent,
} from '../src/index.js';
import {
  MODE_CLOSE,
  MODE_CLOSE_LATER,
  MODE_OK,
  MODE_SLOW,
  MODE_STRAY_REJECTION,
  MODE_THROW,
  MODE_TIMER_THROW,
  MODE_WAIT,
  mix,
  ops,
} from './fixtures/checksum-ops.js';
import type { SubmitterJob, SubmitterReport } from './fixtures/submitter-worker.js';
import { closeAfterTest, within } from './helpers/queues.js';
import {
  badOpsWorker,
  checksumWorker,
  loadThrowsWorker,
  otherLayoutWorker,
  setupThrowsWorker,
  silentWorker,
  submitterWorker,
  tracked,
  type Factory,
} from './helpers/workers.js';

interface Outcome {
  readonly seed: number;
  readonly worker: number;
  readonly result: number;
  readonly error: RemoteError | undefined;
}

async function openQueue(factory: Factory, extra: { replaceDeadWorkers?: boolean } = {}) {
  const outcomes: Outcome[] = [];
  const exits: WorkerExitEvent[] = [];
  const queue = closeAfterTest(
    await createQueue(ops, {
      worker: factory,
      threads: 2,
      slotsPerThread: 4,
      ...extra,
      onDone(request, error) {
        outcomes.push({ seed: request.seed, worker: request.worker, result: request.result, error });
      },
      onWorkerExit(event) {
        exits.push(event);
      },
    }),
  );
  return { queue, outcomes, exits };
}

type Queue = Awaited<ReturnType<typeof openQueue>>['queue'];

/** Seeds of the requests that land on other partitions while one is aimed (all distinct). */
let detour = 1_000_000;

/**
 * Submits one request; with `worker`, on that partition: the requests that
 * come first from other partitions are held (so that the free-slot scan moves
 * on), then submitted as plain ones.
 */
async function submit(queue: Queue, seed: number, mode: number, worker?: number): Promise<void> {
  const held = [];
  for (;;) {
    const request = queue.getRequest() ?? (await queue.getRequestAsync({ timeoutMs: 10_000 }));
    if (worker !== undefined && request.worker !== worker) {
      held.push(request);
      continue;
    }
    request.seed = seed;
    request.mode = mode;
    request.result = 0;
    queue.submit(request);
    break;
  }
  for (const request of held) {
    request.seed = detour++;
    request.mode = MODE_OK;
    queue.submit(request);
  }
}

/** Polls `condition` until it holds; fails after `ms`. */
async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function expectStartError(factory: Factory, pattern: RegExp): Promise<WorkerStartError> {
  const workers = tracked(factory);
  const error: unknown = await within(
    createQueue(ops, { worker: workers.factory, threads: 2, startTimeoutMs: 10_000 }),
    20_000,
    'createQueue()',
  ).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(WorkerStartError);
  expect((error as Error).message).toMatch(pattern);
  // Nothing left running: every worker that was started was terminated.
  expect(workers.created.length).toBeGreaterThan(0);
  expect(workers.terminated()).toBeGreaterThanOrEqual(workers.created.length);
  return error as WorkerStartError;
}

/** Every request got through: a right result, or the expected error. */
function expectAllAccounted(outcomes: readonly Outcome[], submitted: number): void {
  expect(outcomes).toHaveLength(submitted);
  expect(new Set(outcomes.map((o) => o.seed)).size).toBe(submitted);
  for (const o of outcomes) {
    if (o.error === undefined) expect(o.result, `seed ${o.seed}`).toBe(mix(o.seed));
  }
}

describe('handler errors', () => {
  test('a throwing handler fails its own request with a RemoteError; the others succeed', async () => {
    const { queue, outcomes, exits } = await openQueue(checksumWorker);
    for (let i = 0; i < 200; i++) await submit(queue, i, i % 50 === 7 ? MODE_THROW : MODE_OK);
    await queue.drain({ timeoutMs: 10_000 });
    expectAllAccounted(outcomes, 200);
    const failed = outcomes.filter((o) => o.error !== undefined);
    expect(failed.map((o) => o.seed).sort((a, b) => a - b)).toEqual([7, 57, 107, 157]);
    for (const o of failed) {
      const error = o.error as RemoteError;
      expect(error).toBeInstanceOf(RemoteError);
      expect(error.code).toBe(HANDLER_FAILED);
      expect(error.remoteName).toBe('TypeError');
      expect(error.message).toBe(`seed ${o.seed} is refused`);
      expect(error.remoteStack).toMatch(/checksum-ops/);
      expect(error.worker).toBe(o.worker);
    }
    expect(queue.stats().workers.reduce((n, w) => n + w.failed, 0)).toBe(4);
    expect(exits).toEqual([]);
  });
});

describe('start failures reject createQueue() with a WorkerStartError and leave no worker running', () => {
  test('a worker module that throws while loading', async () => {
    const error = await expectStartError(loadThrowsWorker, /boom while loading the worker module/);
    expect(error.code).toBe('ERR_TWQ_WORKER_START');
  });

  test('set-up that throws for one slot', async () => {
    const error = await expectStartError(setupThrowsWorker, /RangeError: setup refused slot 2/);
    expect(error.worker).toBeGreaterThanOrEqual(0);
  });

  test('a worker that serves invalid ops: an OpsLoadError, named', async () => {
    const error = await expectStartError(badOpsWorker, /OpsLoadError: .*handle must be a function/);
    expect(error.message).toMatch(/bad-ops-worker/);
  });

  test("a worker whose ops are not the page's (another request layout)", async () => {
    await expectStartError(otherLayoutWorker, /the ops layout is \d+ bytes but the queue was created with \d+/);
  });

  test('a worker script that does not exist', async () => {
    const workers = tracked(() => new Worker(new URL('./fixtures/no-such-worker.js', import.meta.url), { type: 'module' }));
    const error: unknown = await createQueue(ops, { worker: workers.factory, threads: 1, startTimeoutMs: 10_000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WorkerStartError);
    expect(workers.terminated()).toBe(1);
  });

  test('a worker that never calls serveOps(): startTimeoutMs', async () => {
    const workers = tracked(silentWorker);
    const error: unknown = await createQueue(ops, { worker: workers.factory, threads: 2, startTimeoutMs: 300 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WorkerStartError);
    expect((error as Error).message).toMatch(/did not all start within 300 ms .*serveOps\(\)/);
    expect(workers.terminated()).toBe(2);
  });

  test('a factory that throws, or returns something that is not a Worker', async () => {
    const thrown: unknown = await createQueue(ops, {
      worker: () => {
        throw new Error('no worker for you');
      },
      threads: 1,
    }).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(WorkerStartError);
    expect((thrown as Error).message).toMatch(/no worker for you/);
    const wrong: unknown = await createQueue(ops, { worker: () => ({}) as Worker, threads: 1 }).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(WorkerStartError);
    expect((wrong as Error).message).toMatch(/the worker factory must return a Worker, got \[object Object\]/);
  });
});

describe('a worker that dies mid-request never hangs a drain', () => {
  // Each way a Web Worker can die while it holds a request.
  const deaths = [
    { how: 'its sync handler calls self.close()', mode: MODE_CLOSE, reason: /WorkerClosed: the worker called self.close\(\)/ },
    { how: 'its async handler calls self.close()', mode: MODE_CLOSE_LATER, reason: /WorkerClosed/ },
    { how: 'a timer of its handler throws', mode: MODE_TIMER_THROW, reason: /Error: thrown from a timer/ },
    { how: 'its handler leaves a rejection unhandled', mode: MODE_STRAY_REJECTION, reason: /unhandled rejection: nobody handles this rejection/ },
  ];

  test.each(deaths)('$how: that request fails with WorkerDiedError, a replacement serves the rest', async ({ mode, reason }) => {
    const workers = tracked(checksumWorker);
    const { queue, outcomes, exits } = await openQueue(workers.factory);
    let submitted = 0;
    for (let i = 0; i < 20; i++, submitted++) await submit(queue, i, MODE_OK);
    await submit(queue, 999, mode, 1);
    submitted++;
    await within(queue.drain({ timeoutMs: 15_000 }), 20_000, 'drain() after a death');
    const died = outcomes.find((o) => o.seed === 999);
    expect(died?.error).toBeInstanceOf(RemoteError);
    expect(died?.error?.code).toBe(WORKER_DIED);
    expect(died?.error?.remoteName).toBe('WorkerDiedError');
    expect(died?.error?.message).toMatch(reason);
    // Claims: only the request the dying worker ran fails (seed 999, in worker 1's partition).
    for (const o of outcomes) if (o.error !== undefined) expect([o.seed, o.worker, o.error.code]).toEqual([999, 1, WORKER_DIED]);
    submitted += outcomes.filter((o) => o.seed >= 1_000_000).length;
    // The partition is served from now on (by its replacement, or by a thief while it starts).
    for (let i = 100; i < 400; i++, submitted++) await submit(queue, i, MODE_OK);
    await within(queue.drain({ timeoutMs: 15_000 }), 20_000, 'drain() after the replacement');
    expectAllAccounted(outcomes, submitted);
    expect(outcomes.filter((o) => o.seed >= 100 && o.seed < 400).every((o) => o.error === undefined)).toBe(true);
    const stats = queue.stats();
    expect(exits).toHaveLength(1);
    // The request is worker 1's, but worker 0 may have stolen it (and died of it).
    const dead = exits[0].worker;
    expect(stats.workers[dead].generation).toBe(1);
    // Idle thieves may serve the partition before its replacement is up: wait for it.
    await expect.poll(() => queue.stats().workers[dead].status, { timeout: 10_000 }).toBe('ready');
    expect(stats.workers[dead].lostToDeath).toBeGreaterThanOrEqual(1);
    expect(stats.workers[1 - dead].generation).toBe(0);
    expect(exits[0]).toMatchObject({ replaced: true });
    expect(`${exits[0].error.name}: ${exits[0].error.message}`).toMatch(reason);
    expect(workers.created).toHaveLength(3);
  });

  test('the replacement starts while the page is idle: the page reclaims the slots as soon as it hears of the death', async () => {
    const { queue, outcomes, exits } = await openQueue(checksumWorker);
    await submit(queue, 7, MODE_CLOSE, 1);
    // No wait, no drain: only the page's event loop runs.
    await until(() => queue.stats().workers[1].generation === 1 && queue.stats().workers[1].status === 'ready', 10_000, 'the replacement');
    expect(exits).toEqual([expect.objectContaining({ worker: 1, replaced: true })]);
    await queue.drain({ timeoutMs: 10_000 });
    expect(outcomes.find((o) => o.seed === 7)?.error?.code).toBe(WORKER_DIED);
  });

  test('a worker terminated by other code (no word from it): its life lock tells the page', async () => {
    const workers = tracked(checksumWorker);
    const { queue, outcomes, exits } = await openQueue(workers.factory);
    // A 300 ms request is in flight on worker 1 when it is terminated. (Its
    // handler awaits a timer: Chromium lets a worker that is busy in script
    // run on for up to 2 s after terminate(); the life lock waits for that too.)
    await submit(queue, 300, MODE_WAIT, 1);
    const victim = workers.created[1];
    await new Promise((resolve) => setTimeout(resolve, 50));
    victim.terminate();
    await within(queue.drain({ timeoutMs: 15_000 }), 20_000, 'drain() after terminate()');
    const died = outcomes.find((o) => o.seed === 300);
    expect(died?.error?.code).toBe(WORKER_DIED);
    expect(died?.error?.message).toMatch(/WorkerGone: the worker stopped running/);
    expect(exits).toHaveLength(1);
    expect(exits[0]).toMatchObject({ worker: 1, replaced: true });
    for (let i = 0; i < 100; i++) await submit(queue, i, MODE_OK);
    await within(queue.drain({ timeoutMs: 15_000 }), 20_000, 'drain() after the replacement');
    expect(outcomes.filter((o) => o.seed < 100).every((o) => o.error === undefined && o.result === mix(o.seed))).toBe(true);
  });

  test('a worker terminated while busy in script is stopped by the browser a little later; the drain waits for it', async () => {
    const workers = tracked(checksumWorker);
    const { queue, outcomes, exits } = await openQueue(workers.factory);
    // A 10 s busy loop: Chromium interrupts it about 2 s after terminate().
    await submit(queue, 10_000, MODE_SLOW, 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    workers.created[1].terminate();
    await within(queue.drain({ timeoutMs: 15_000 }), 20_000, 'drain() after terminate()');
    expect(performance.now() - started).toBeLessThan(8_000);
    expect(outcomes.find((o) => o.seed === 10_000)?.error?.code).toBe(WORKER_DIED);
    expect(exits).toEqual([expect.objectContaining({ worker: 1, replaced: true })]);
  });

  test('replaceDeadWorkers: false fails the queue: drain and every later call throw QueueFailedError', async () => {
    const { queue, exits } = await openQueue(checksumWorker, { replaceDeadWorkers: false });
    await submit(queue, 1, MODE_CLOSE, 0);
    const error: unknown = await within(queue.drain({ timeoutMs: 15_000 }), 20_000, 'drain()').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueueFailedError);
    // Core words the reason; it names the worker and why it died.
    expect((error as Error).message).toMatch(/worker 0 .*WorkerClosed: the worker called self\.close\(\)/);
    expect(() => queue.getRequest()).toThrow(QueueFailedError);
    await expect(queue.drain()).rejects.toBeInstanceOf(QueueFailedError);
    // The worker failed the queue itself; the page hears of it on its next turn.
    await until(() => exits.length > 0, 5_000, 'onWorkerExit');
    expect(exits).toEqual([expect.objectContaining({ worker: 0, replaced: false })]);
    await queue.destroy();
  });
});

describe('a submitter in a worker (nested workers) may block', () => {
  function runSubmitter(job: SubmitterJob): Promise<SubmitterReport> {
    const worker = submitterWorker();
    return within(
      new Promise<SubmitterReport>((resolve, reject) => {
        worker.onmessage = (event: MessageEvent<SubmitterReport>) => {
          resolve(event.data);
        };
        worker.onerror = (event) => {
          event.preventDefault();
          reject(new Error(`submitter worker failed: ${event.message}`));
        };
        worker.postMessage(job);
      }),
      30_000,
      'the submitter worker',
    ).finally(() => {
      worker.terminate();
    });
  }

  test('getRequestBlocking() and waitAll() serve every request', async () => {
    const report = await runSubmitter({ count: 5_000, closeAt: -1 });
    expect(report).toEqual({ ok: true, submitted: 5_000, succeeded: 5_000, mismatches: 0, errors: [] });
  });

  test('a worker death reaches a submitter blocked in waitAll() through shared memory', async () => {
    const report = await runSubmitter({ count: 5_000, closeAt: 300 });
    expect(report.ok).toBe(true);
    if (!report.ok) return;
    expect(report.mismatches).toBe(0);
    expect(report.errors).toContain(`${WORKER_DIED}:300`);
    expect(report.errors.every((e) => e.startsWith(`${WORKER_DIED}:`))).toBe(true);
    expect(report.succeeded + report.errors.length).toBe(report.submitted);
  });
});

test('OpsLoadError is what the page gets for ops it cannot use', async () => {
  const error: unknown = await createQueue({ handle() {} } as never, { worker: checksumWorker }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(OpsLoadError);
  expect((error as Error).message).toMatch(/cannot use ops module createQueue\(ops\): ops.layout must come from defineLayout\(\)/);
});
