import { SCALE, startWorker, terminateAll, withTimeout } from '@twq/test-support/worker';
import { afterEach, describe, expect, it } from 'vitest';
import { SharedEvent } from '../src/index.js';

const fixture = (name: string): URL => new URL(`./fixtures/${name}.mjs`, import.meta.url);

afterEach(terminateAll);

/** Blocks this thread (bounded) until `array[index] >= value`; throws naming `what` on timeout. */
function blockUntil(array: Int32Array, index: number, value: number, ms: number, what: string): void {
  const deadline = performance.now() + ms;
  for (;;) {
    const v = Atomics.load(array, index);
    if (v >= value) return;
    const left = deadline - performance.now();
    if (left <= 0) throw new Error(`${what}: word ${index} stuck at ${v}, wanted ${value}, for ${ms} ms`);
    Atomics.wait(array, index, v, Math.min(left, 50));
  }
}

/** Spins this thread (bounded) until `array[index] >= value`; for reacting within microseconds. */
function spinUntil(array: Int32Array, index: number, value: number, ms: number, what: string): void {
  const deadline = performance.now() + ms;
  let n = 0;
  while (Atomics.load(array, index) < value) {
    if ((++n & 1023) === 0 && performance.now() > deadline) throw new Error(`${what}: word ${index} did not reach ${value} in ${ms} ms`);
  }
}

/** Resolves once `array[index] >= value`, without blocking the event loop. */
async function untilAsync(array: Int32Array, index: number, value: number, ms: number, what: string): Promise<void> {
  const deadline = performance.now() + ms;
  for (;;) {
    const v = Atomics.load(array, index);
    if (v >= value) return;
    const left = deadline - performance.now();
    if (left <= 0) throw new Error(`${what}: word ${index} stuck at ${v}, wanted ${value}, for ${ms} ms`);
    const r = Atomics.waitAsync(array, index, v, Math.min(left, 50));
    if (r.async) await r.value;
  }
}

interface PingPongResult {
  side: number;
  ms: number;
  notifies: number;
  parkPhases: number;
  timeouts: number;
  lostAt: number;
  lastSeen: number;
}

describe('SharedEvent across worker_threads', () => {
  const ROUNDS = Math.round(100_000 * SCALE);

  it(`ping-pong: ${ROUNDS} round trips between two workers with a tiny spin budget, no lost wake-up`, async () => {
    const buffer = new SharedArrayBuffer(512);
    SharedEvent.attach(buffer, 0).initUnsynchronized();
    SharedEvent.attach(buffer, 128).initUnsynchronized();
    const common = { buffer, rounds: ROUNDS, spins: 2, timeoutMs: 3_000 };
    const sides = [0, 1].map((side) => startWorker<PingPongResult>(fixture('pingpong'), { ...common, side }, 50_000, `ping-pong side ${side}`));
    const results = await withTimeout(Promise.all(sides.map((s) => s.result)), 50_000, 'ping-pong');
    for (const r of results) {
      expect(r.timeouts, `side ${r.side} lost a wake-up (a wait ran to its 3 s timeout) in round ${r.lostAt}`).toBe(0);
      expect(r.lastSeen).toBe(ROUNDS);
    }
    // The parking path was really taken, many times, on both sides.
    const notifies = results.map((r) => r.notifies);
    const parkPhases = results.map((r) => r.parkPhases);
    const sum = (xs: number[]): number => xs.reduce((x, y) => x + y, 0);
    console.log(
      `ping-pong: ${ROUNDS} round trips in ${Math.max(...results.map((r) => r.ms)).toFixed(0)} ms; ` +
        `set() woke a parked side ${sum(notifies)} times (${notifies.join(' + ')}); ` +
        `waits past the spin budget: ${parkPhases.join(' + ')}`,
    );
    expect(sum(parkPhases)).toBeGreaterThan(ROUNDS / 10);
    expect(sum(notifies)).toBeGreaterThan(ROUNDS / 100);
  });

  it('a set that lands between the waiter’s check and its park always wakes it', () => {
    const rounds = Math.round(3_000 * SCALE);
    const buffer = new SharedArrayBuffer(256);
    const ctl = new Int32Array(buffer, 0, 4);
    const event = SharedEvent.attach(buffer, 128);
    event.initUnsynchronized();
    const waiter = startWorker<{ failures: number; firstFailure: number; conditionEarly: number; maxWaitMs: number }>(
      fixture('window-waiter'),
      { buffer, rounds, waitTimeoutMs: 5_000 },
      60_000,
      'window-waiter',
    );
    let notified = 0;
    let sink = 0;
    for (let round = 1; round <= rounds; round++) {
      Atomics.store(ctl, 0, round);
      Atomics.notify(ctl, 0);
      spinUntil(ctl, 1, round, 5_000, `round ${round} window`);
      // Vary where in the waiter's spin/announce/park the set lands.
      const delay = (round * 104_729) % 3000;
      for (let i = 0; i < delay; i++) sink = (sink + i) | 0;
      Atomics.store(ctl, 2, round);
      if (event.set()) notified++;
      // The waiter's own timeout is 5 s; a prompt wake-up takes microseconds. Fail
      // the first round that is not woken within 2 s rather than crawl through them all.
      blockUntil(ctl, 3, round, 2_000, `round ${round}: waiter not woken (lost wake-up?)`);
    }
    expect(sink).toBeTypeOf('number');
    return waiter.result.then((r) => {
      console.log(
        `check/park window: ${rounds} rounds, set() found the waiter announced (BUSY) ${notified} times, ` +
          `${rounds - notified} times not yet; longest wait ${r.maxWaitMs.toFixed(2)} ms`,
      );
      expect(r.failures, `first failed round: ${r.firstFailure}`).toBe(0);
      // Some sets really landed after the waiter announced itself (the racy side).
      expect(notified).toBeGreaterThan(0);
      expect(r.conditionEarly).toBe(0);
      // Promptly: a lost wake-up would show as the 5 s timeout.
      expect(r.maxWaitMs).toBeLessThan(2_000);
    });
  });

  it.each([
    ['waitAsync', false],
    ['spinThenParkAsync', true],
  ])('%s in a worker is woken by the main thread’s set, every round', async (_name, useSpin) => {
    const rounds = Math.round(300 * SCALE);
    const buffer = new SharedArrayBuffer(256);
    const ctl = new Int32Array(buffer, 0, 4);
    const event = SharedEvent.attach(buffer, 128);
    event.initUnsynchronized();
    const waiter = startWorker<{ failures: number; ticks: number }>(
      fixture('async-waiter'),
      { buffer, rounds, useSpin, waitTimeoutMs: 5_000 },
      60_000,
      'async-waiter',
    );
    for (let round = 1; round <= rounds; round++) {
      await untilAsync(ctl, 1, round, 5_000, `round ${round} window`);
      if (round % 3 === 0) await new Promise((r) => setTimeout(r, 1)); // let it park for real
      Atomics.store(ctl, 2, round);
      event.set();
      await untilAsync(ctl, 3, round, 10_000, `round ${round} wake-up`);
    }
    const r = await waiter.result;
    expect(r.failures).toBe(0);
    expect(r.ticks).toBeGreaterThan(0); // its event loop ran while it waited
  });

  it('waitAsync on the main thread resolves true on a set from a worker', async () => {
    const buffer = new SharedArrayBuffer(256);
    const event = SharedEvent.attach(buffer, 128);
    event.initUnsynchronized();
    const setter = startWorker<string>(fixture('setter'), { buffer, byteOffset: 128, delayMs: 20, conditionOffset: 0, value: 42 }, 10_000, 'setter');
    await expect(withTimeout(event.waitAsync(5_000), 8_000, 'waitAsync')).resolves.toBe(true);
    expect(Atomics.load(new Int32Array(buffer), 0)).toBe(42);
    await expect(setter.result).resolves.toBe('set');
  });

  it('a blocking wait() on the main thread returns true on a set from a worker', () => {
    const buffer = new SharedArrayBuffer(256);
    const event = SharedEvent.attach(buffer, 0);
    event.initUnsynchronized();
    const setter = startWorker<string>(fixture('setter'), { buffer, byteOffset: 0, delayMs: 30 }, 10_000, 'setter');
    expect(event.wait(5_000)).toBe(true);
    return expect(setter.result).resolves.toBe('set');
  });

  it('one set() wakes every thread parked in wait()', async () => {
    const buffer = new SharedArrayBuffer(256);
    const control = new SharedArrayBuffer(4);
    const event = SharedEvent.attach(buffer, 128);
    event.initUnsynchronized();
    const n = 3;
    const waiters = Array.from({ length: n }, (_, i) =>
      startWorker<{ woken: boolean; ms: number }>(fixture('blocking-waiter'), { buffer, byteOffset: 128, control, waitTimeoutMs: 10_000 }, 20_000, `waiter ${i}`),
    );
    await untilAsync(new Int32Array(control), 0, n, 10_000, 'waiters started');
    await new Promise((r) => setTimeout(r, 50)); // let them park
    expect(event.hasWaiters()).toBe(true);
    expect(event.set()).toBe(true);
    const results = await withTimeout(Promise.all(waiters.map((w) => w.result)), 15_000, 'waiters');
    for (const r of results) {
      expect(r.woken).toBe(true);
      expect(r.ms).toBeLessThan(9_000);
    }
  });
});
