// Elastic threads on real threads (issue 13): a burst grows the queue to
// maxThreads, an idle period shrinks it back to minThreads, a second burst
// grows it again; every request is reported exactly once. Every wait is bounded.
import { describe, expect, it } from 'vitest';
import { withTimeout } from '@twq/test-support/worker';
import { Checksum, MODE_ASYNC, MODE_SLEEP, eventually, submit, trackQueues, type ChecksumQueue } from './helpers.js';

const { create } = trackQueues();

/** Submits seqs [from, to) of `mode` (blocking or async gets), sampling the live thread count after each; returns the most seen. */
async function burst(q: ChecksumQueue, from: number, to: number, mode: number, arg: number, blocking: boolean): Promise<number> {
  let most = 0;
  for (let seq = from; seq < to; seq++) {
    const r = blocking ? q.getRequestBlocking(10_000) : await q.getRequestAsync({ timeoutMs: 10_000 });
    submit(q, r, seq, mode, arg);
    most = Math.max(most, q.stats().liveThreads);
  }
  return most;
}

describe('elastic threads on real threads', () => {
  it('burst, idle, burst: grows to maxThreads, shrinks to minThreads, grows again; nothing lost', async () => {
    const n = 400;
    const checksum = new Checksum(2 * n);
    const exits: unknown[] = [];
    const q = await create({ minThreads: 1, maxThreads: 3, slotsPerThread: 4, idleTimeoutMs: 150, onDone: checksum.onDone, onWorkerExit: (e) => exits.push(e) });
    expect(q.stats()).toMatchObject({ minThreads: 1, maxThreads: 3, liveThreads: 1, threads: 3 });
    expect(q.stats().workers.map((w) => w.status)).toEqual(['ready', 'retired', 'retired']);

    // Burst 1 (blocking gets): 2 ms per request, 4 slots per worker: the backlog persists.
    expect(await burst(q, 0, n, MODE_SLEEP, 2, true), 'live threads in burst 1').toBe(3);
    await withTimeout(q.drain({ timeoutMs: 20_000 }), 25_000, 'drain() after burst 1');
    expect(q.stats()).toMatchObject({ peakThreads: 3, threadsStarted: 2 });

    // Idle: the two workers beyond minThreads retire (150 ms idle each), the first stays.
    await eventually(() => q.stats().liveThreads === 1, 10_000, 'shrinking back to minThreads');
    await eventually(() => q.stats().workers.filter((w) => w.status === 'retired').length === 2, 10_000, 'two workers retired');
    expect(q.stats().threadsRetired).toBe(2);
    expect(q.stats().workers.map((w) => w.generation), 'no retirement is a death (no replacement)').toEqual([0, 0, 0]);

    // Burst 2 (async gets): grows again, with new threads.
    expect(await burst(q, n, 2 * n, MODE_SLEEP, 2, false), 'live threads in burst 2').toBe(3);
    await withTimeout(q.drain({ timeoutMs: 20_000 }), 25_000, 'drain() after burst 2');
    expect(q.stats().threadsStarted).toBeGreaterThanOrEqual(3);
    expect(q.stats().workers.every((w) => w.lostToDeath === 0)).toBe(true);
    expect(exits, 'onWorkerExit heard of no death').toEqual([]);
    checksum.verify(2 * n);
    expect(q.stats()).toMatchObject({ submitted: 2 * n, completed: 2 * n, outstanding: 0 });
    await withTimeout(q.destroy(), 10_000, 'destroy()');
  });

  it('workers whose handlers are async (the async loop) retire and come back too', async () => {
    const n = 200;
    const checksum = new Checksum(2 * n);
    const q = await create({ minThreads: 1, maxThreads: 2, slotsPerThread: 2, idleTimeoutMs: 100, onDone: checksum.onDone });
    await burst(q, 0, n, MODE_ASYNC, 0, true);
    q.waitAll(20_000);
    expect(q.stats().peakThreads).toBe(2);
    // Either worker may be the one that retires (any idle worker asks; the first asked while more than minThreads are live goes).
    await eventually(
      () => q.stats().liveThreads === 1 && q.stats().workers.filter((w) => w.status === 'retired').length === 1,
      10_000,
      `an async worker retiring (statuses ${q.stats().workers.map((w) => w.status).join(', ')})`,
    );
    await burst(q, n, 2 * n, MODE_ASYNC, 0, true);
    q.waitAll(20_000);
    checksum.verify(2 * n);
  });

  it('a submitter blocked in waitAll() answers a retiring worker (its event loop is frozen: shared memory)', async () => {
    const checksum = new Checksum(64);
    const q = await create({ minThreads: 1, maxThreads: 2, slotsPerThread: 8, idleTimeoutMs: 100, onDone: checksum.onDone });
    await burst(q, 0, 32, MODE_SLEEP, 1, true);
    q.waitAll(20_000);
    expect(q.stats().peakThreads).toBe(2);
    // Worker 0 is held for 1.5 s; meanwhile worker 1 idles and asks, and only waitAll's slow path can hear it.
    // No macrotask has run since the burst: no host message could have retired anyone yet.
    expect(q.stats().liveThreads).toBe(2);
    const r = q.getRequestBlocking(10_000);
    submit(q, r, 32, MODE_SLEEP, 1_500);
    q.waitAll(20_000);
    expect(q.stats().liveThreads, 'retired while the submitter was blocked in waitAll()').toBe(1);
    expect(q.stats().threadsRetired).toBe(1);
    for (let seq = 33; seq < 64; seq++) submit(q, q.getRequestBlocking(10_000), seq, MODE_SLEEP, 1);
    q.waitAll(20_000);
    checksum.verify(64);
  });

  it('the fixed count is unchanged: threads gives minThreads = maxThreads, nothing grows or retires', async () => {
    const q = await create({ threads: 2, idleTimeoutMs: 50 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(q.stats()).toMatchObject({ minThreads: 2, maxThreads: 2, liveThreads: 2, threadsStarted: 0, threadsRetired: 0 });
    expect(q.stats().workers.map((w) => w.status)).toEqual(['ready', 'ready']);
  });
});
