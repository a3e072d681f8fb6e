// The paths a platform without Atomics.waitAsync, without a blocking wait (a
// browser's main thread) or with Atomics.pause (Node 24+) takes, on Node 20,
// by replacing what src/platform.ts detected.
import { startWorker, terminateAll } from '@twq/test-support/worker';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BlockingWaitForbiddenError, MAX_BACKOFF_SPINS, SharedEvent, backoff, spinThenPark, spinThenParkAsync } from '../src/index.js';

const platform = vi.hoisted(() => ({ block: true, pauses: [] as (number | undefined)[] }));

vi.mock('../src/platform.js', () => ({
  canBlock: () => platform.block,
  nativeWaitAsync: undefined,
  nativePause: (i?: number) => {
    platform.pauses.push(i);
  },
}));

afterEach(async () => {
  platform.block = true;
  platform.pauses.length = 0;
  await terminateAll();
});

describe('backoff with Atomics.pause', () => {
  it.each([
    [0, 1],
    [1, 2],
    [3, 8],
    [5, 32],
    [6, MAX_BACKOFF_SPINS],
    [50, MAX_BACKOFF_SPINS],
  ])('attempt %i pauses %i times, passing the iteration number', (attempt, count) => {
    backoff(attempt);
    expect(platform.pauses).toHaveLength(count);
    expect(platform.pauses).toEqual(Array.from({ length: count }, (_, i) => i));
  });
});

describe('where Atomics.wait is forbidden (browser main thread)', () => {
  it('wait() on an unset event throws BlockingWaitForbiddenError naming waitAsync', () => {
    platform.block = false;
    const ev = SharedEvent.allocate();
    let thrown: unknown;
    try {
      ev.wait(10);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(BlockingWaitForbiddenError);
    expect((thrown as Error).message).toContain('SharedEvent.wait() would block');
    expect((thrown as Error).message).toContain('use SharedEvent.waitAsync() instead');
    expect(ev.hasWaiters()).toBe(false); // threw before announcing
  });

  it('wait() on a set event still returns true (it would not block)', () => {
    platform.block = false;
    expect(SharedEvent.allocate(true).wait()).toBe(true);
  });

  it('spinThenPark throws it when it has to park, and not before', () => {
    platform.block = false;
    let polls = 0;
    expect(() =>
      spinThenPark(
        SharedEvent.allocate(),
        () => {
          polls++;
          return false;
        },
        { spins: 3 },
      ),
    ).toThrow(BlockingWaitForbiddenError);
    expect(polls).toBe(4);
    expect(spinThenPark(SharedEvent.allocate(), () => true)).toBe(true);
  });

  it('spinThenParkAsync still works', async () => {
    platform.block = false;
    const ev = SharedEvent.allocate();
    let flag = false;
    setTimeout(() => {
      flag = true;
      ev.set();
    }, 5);
    await expect(spinThenParkAsync(ev, () => flag, { spins: 0, timeoutMs: 5_000 })).resolves.toBe(true);
  });
});

describe('waitAsync without Atomics.waitAsync (polling fallback)', () => {
  it('resolves true when the event is set later on this thread', async () => {
    const ev = SharedEvent.allocate();
    setTimeout(() => ev.set(), 20);
    const t0 = performance.now();
    await expect(ev.waitAsync(5_000)).resolves.toBe(true);
    expect(performance.now() - t0).toBeLessThan(4_000);
  });

  it('resolves false after the timeout', async () => {
    const t0 = performance.now();
    await expect(SharedEvent.allocate().waitAsync(40)).resolves.toBe(false);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(39);
  });

  it('rejects with the abort reason', async () => {
    const controller = new AbortController();
    const pending = SharedEvent.allocate().waitAsync(5_000, controller.signal);
    setTimeout(() => {
      controller.abort('bye');
    }, 10);
    await expect(pending).rejects.toBe('bye');
  });

  it('resolves true when another thread sets it', async () => {
    const ev = SharedEvent.allocate();
    const setter = startWorker<string>(
      new URL('./fixtures/setter.mjs', import.meta.url),
      { buffer: ev.array.buffer, byteOffset: 0, delayMs: 20 },
      10_000,
      'setter',
    );
    await expect(ev.waitAsync(5_000)).resolves.toBe(true);
    await expect(setter.result).resolves.toBe('set');
  });

  it('resolves true for a set that was reset again before the next poll', async () => {
    const ev = SharedEvent.allocate();
    const pending = ev.waitAsync(2_000);
    ev.set();
    ev.reset(); // by the time the fallback polls, the word is FREE, not SET
    await expect(pending).resolves.toBe(true);
  });

  it('never misses a set that lands at any point of the polling schedule', async () => {
    for (let delay = 0; delay < 40; delay += 3) {
      const ev = SharedEvent.allocate();
      setTimeout(() => ev.set(), delay);
      await expect(ev.waitAsync(2_000)).resolves.toBe(true);
    }
  });
});
