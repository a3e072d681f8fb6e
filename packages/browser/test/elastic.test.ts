/**
 * Elastic threads in Chromium (issue 13): from the page's main thread (async
 * waits only), a burst grows the queue to maxThreads module Web Workers, an
 * idle period retires them back to minThreads (each closes itself: not a
 * death), a second burst starts new ones; every request reported once with
 * its result. Every wait is bounded.
 */
import { describe, expect, test } from 'vitest';
import type { RemoteError } from '@twq/core';
import { createPool, createQueue } from '../src/index.js';
import { MODE_SLOW, mix, ops } from './fixtures/checksum-ops.js';
import { closeAfterTest, within } from './helpers/queues.js';
import { checksumWorker } from './helpers/workers.js';

async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`${what}: still not true after ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('elastic threads in Chromium', () => {
  test('burst, idle, burst: grows to maxThreads, retires to minThreads, grows again; nothing lost', async () => {
    // Exactly once, by slot: the sequence number each slot went out with, taken back by its done callback.
    const inFlight = new Map<number, number>();
    const seen = new Uint8Array(1000);
    let twice = 0;
    const errors: (RemoteError | string)[] = [];
    const exits: unknown[] = [];
    const queue = closeAfterTest(
      await createQueue(ops, {
        worker: checksumWorker,
        minThreads: 1,
        maxThreads: 3,
        slotsPerThread: 4,
        idleTimeoutMs: 150,
        onWorkerExit: (event) => exits.push(event),
        onDone(request, error) {
          const seq = inFlight.get(request.slot);
          inFlight.delete(request.slot);
          if (seq === undefined || seen[seq] !== 0) twice++;
          else seen[seq] = 1;
          if (error !== undefined) errors.push(error);
          else if (request.result !== mix(request.seed)) errors.push(`slot ${request.slot}: wrong result ${request.result}`);
        },
      }),
    );
    expect(queue.stats()).toMatchObject({ minThreads: 1, maxThreads: 3, liveThreads: 1 });
    let seq = 0;
    const burst = async (n: number): Promise<number> => {
      let most = 0;
      for (let i = 0; i < n; i++) {
        const r = await queue.getRequestAsync({ timeoutMs: 10_000 });
        // 2 ms of busy work each (MODE_SLOW busy-waits `seed` ms).
        r.seed = 2;
        inFlight.set(r.slot, seq++);
        r.mode = MODE_SLOW;
        r.handledBy = -1;
        queue.submit(r);
        most = Math.max(most, queue.stats().liveThreads);
      }
      await within(queue.drain({ timeoutMs: 20_000 }), 25_000, 'drain()');
      return most;
    };
    expect(await burst(500), 'live workers in burst 1').toBe(3);
    await until(() => queue.stats().liveThreads === 1, 10_000, 'retiring back to minThreads');
    await until(() => queue.stats().workers.filter((w) => w.status === 'retired').length === 2, 10_000, 'two workers retired');
    expect(await burst(500), 'live workers in burst 2').toBe(3);
    const stats = queue.stats();
    expect(stats.threadsRetired).toBeGreaterThanOrEqual(2);
    expect(stats.threadsStarted).toBeGreaterThanOrEqual(4);
    expect(stats.workers.map((w) => w.generation), 'no retirement is a death').toEqual([0, 0, 0]);
    expect(exits, 'onWorkerExit heard of no death').toEqual([]);
    expect(errors).toEqual([]);
    expect(twice, 'done callbacks for a slot not in flight').toBe(0);
    expect(seen.every((v) => v === 1), 'every request reported').toBe(true);
    expect(seq).toBe(1000);
  });

  test("createPool's minThreads / maxThreads (piscina's) still size a fixed pool (they clashed with its threads once the queue took them)", async () => {
    const pool = await createPool<typeof import('./fixtures/square-task.js')>({
      worker: () => new Worker(new URL('./fixtures/square-task-worker.ts', import.meta.url), { type: 'module' }),
      minThreads: 1,
      maxThreads: 2,
    }).then(closeAfterTest);
    expect(await within(pool.run({ n: 7 }), 10_000, 'run')).toStrictEqual({ n: 49, sum: 0 });
  });
});
