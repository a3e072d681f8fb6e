/**
 * The protocol for real: module Web Workers over one SharedArrayBuffer, in
 * Chromium. Every request is checked: its result is a hash of its seed, and
 * its done callback runs exactly once.
 */
import { describe, expect, test } from 'vitest';
import type { PlacementPolicy } from '@twq/core';
import { createQueue, type Workqueue } from '../src/index.js';
import { MODE_ASYNC, MODE_OK, mix, ops, saltedOps } from './fixtures/checksum-ops.js';
import { closeAfterTest } from './helpers/queues.js';
import { checksumWorker, saltedWorker, tracked } from './helpers/workers.js';

interface Tally {
  sum: number;
  completed: number;
  failures: number;
  readonly seen: Uint8Array;
}

async function openQueue(options: { threads: number; slotsPerThread?: number; policy?: PlacementPolicy }, tally: Tally) {
  return closeAfterTest(
    await createQueue(ops, {
      worker: checksumWorker,
      ...options,
      onDone(request, error) {
        tally.completed++;
        tally.seen[request.seed]++;
        if (error !== undefined) tally.failures++;
        else tally.sum = (tally.sum + request.result) >>> 0;
      },
    }),
  );
}

/** Submits `count` requests (seeds 0..count-1), waiting asynchronously when every slot is taken. */
async function submitAll(queue: Workqueue<typeof ops.layout.spec>, count: number, mode: number): Promise<number> {
  let expected = 0;
  for (let i = 0; i < count; i++) {
    const request = queue.getRequest() ?? (await queue.getRequestAsync({ timeoutMs: 10_000 }));
    request.seed = i;
    request.mode = mode;
    request.result = 0;
    queue.submit(request);
    expected = (expected + mix(i)) >>> 0;
  }
  return expected;
}

function newTally(count: number): Tally {
  return { sum: 0, completed: 0, failures: 0, seen: new Uint8Array(count) };
}

function expectEachOnce(tally: Tally, count: number): void {
  expect(tally.completed).toBe(count);
  expect(tally.failures).toBe(0);
  const wrong = tally.seen.findIndex((n) => n !== 1);
  expect(wrong, `seed ${wrong} was passed to done ${tally.seen[wrong]} times`).toBe(-1);
}

describe('submit / drain correctness', () => {
  test.each(['batch', 'round-robin'] as const)('50,000 requests through 2 workers (%s): checksum and exactly-once', async (policy) => {
    const count = 50_000;
    const tally = newTally(count);
    const queue = await openQueue({ threads: 2, policy }, tally);
    const expected = await submitAll(queue, count, MODE_OK);
    await queue.drain({ timeoutMs: 30_000 });
    expectEachOnce(tally, count);
    expect(tally.sum).toBe(expected);
    const stats = queue.stats();
    expect(stats.submitted).toBe(count);
    expect(stats.completed).toBe(count);
    expect(stats.outstanding).toBe(0);
    expect(stats.workers.map((w) => w.status)).toEqual(['ready', 'ready']);
    // A worker publishes its counters after it hands a request back, so the
    // last one may show a moment after drain() returns (stats() documents the lag).
    await expect.poll(() => queue.stats().workers.reduce((n, w) => n + w.handled, 0), { timeout: 5_000 }).toBe(count);
    expect(stats.workers.every((w) => w.failed === 0 && w.generation === 0)).toBe(true);
  });

  test.each([1, 31, 32, 33, 64, 65])('slotsPerThread %i (bitmap word boundaries), 3 workers', async (slotsPerThread) => {
    const count = 6_000;
    const tally = newTally(count);
    const queue = await openQueue({ threads: 3, slotsPerThread }, tally);
    const expected = await submitAll(queue, count, MODE_OK);
    await queue.drain({ timeoutMs: 30_000 });
    expectEachOnce(tally, count);
    expect(tally.sum).toBe(expected);
    // Every partition took part: the free-slot scan saw every word.
    expect(queue.stats().workers.every((w) => w.handled > 0)).toBe(true);
  });

  test('async handlers: the worker loop parks with waitAsync and still serves every request', async () => {
    const count = 20_000;
    const tally = newTally(count);
    const queue = await openQueue({ threads: 2, slotsPerThread: 16 }, tally);
    const expected = await submitAll(queue, count, MODE_ASYNC);
    await queue.drain({ timeoutMs: 30_000 });
    expectEachOnce(tally, count);
    expect(tally.sum).toBe(expected);
  });

  test('rounds of submit then drain reuse the slots; done runs lazily, once per request', async () => {
    const rounds = 20;
    const perRound = 1_000;
    const tally = newTally(rounds * perRound);
    const queue = await openQueue({ threads: 2, slotsPerThread: 8 }, tally);
    let expected = 0;
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < perRound; i++) {
        const seed = round * perRound + i;
        const request = queue.getRequest() ?? (await queue.getRequestAsync({ timeoutMs: 10_000 }));
        request.seed = seed;
        request.mode = MODE_OK;
        queue.submit(request);
        expected = (expected + mix(seed)) >>> 0;
      }
      await queue.drain({ timeoutMs: 10_000 });
      expect(tally.completed).toBe((round + 1) * perRound);
    }
    expectEachOnce(tally, rounds * perRound);
    expect(tally.sum).toBe(expected);
  });

  test('an ops factory gets opsOptions on both sides (layout and handler depend on them)', async () => {
    const count = 5_000;
    const salt = 0x5eed;
    let sum = 0;
    let completed = 0;
    const queue = closeAfterTest(
      await createQueue(saltedOps, {
        worker: saltedWorker,
        threads: 2,
        opsOptions: { salt, padding: 4096 },
        onDone(request, error) {
          expect(error).toBeUndefined();
          expect(request.pad.length).toBe(4096);
          expect(request.pad[0]).toBe(request.seed & 0xff);
          sum = (sum + request.result) >>> 0;
          completed++;
        },
      }),
    );
    let expected = 0;
    for (let i = 0; i < count; i++) {
      const request = queue.getRequest() ?? (await queue.getRequestAsync({ timeoutMs: 10_000 }));
      request.seed = i;
      queue.submit(request);
      expected = (expected + mix(i ^ salt)) >>> 0;
    }
    await queue.drain({ timeoutMs: 20_000 });
    expect(completed).toBe(count);
    expect(sum).toBe(expected);
  });

  test('destroy() drains first, then stops every worker', async () => {
    const workers = tracked(checksumWorker);
    const count = 3_000;
    const tally = newTally(count);
    const queue = await createQueue(ops, {
      worker: workers.factory,
      threads: 2,
      onDone(request, error) {
        tally.completed++;
        tally.seen[request.seed]++;
        if (error !== undefined) tally.failures++;
      },
    });
    await submitAll(queue, count, MODE_OK);
    await queue.destroy();
    expectEachOnce(tally, count);
    expect(workers.created).toHaveLength(2);
    expect(workers.terminated()).toBe(2);
    expect(queue.stats().workers.map((w) => w.status)).toEqual(['stopped', 'stopped']);
  });

  test('the default thread count comes from navigator.hardwareConcurrency, leaving the page a core', async () => {
    const queue = closeAfterTest(await createQueue(ops, { worker: checksumWorker }));
    expect(queue.threads).toBe(Math.max(1, navigator.hardwareConcurrency - 1));
  });
});
