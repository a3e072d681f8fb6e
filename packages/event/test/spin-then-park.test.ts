import { expectError } from '@twq/test-support/expect-error';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_SPINS,
  EVENT_FREE,
  MAX_BACKOFF_SPINS,
  MAX_SPINS,
  SharedEvent,
  backoff,
  checkSpins,
  spinThenPark,
  spinThenParkAsync,
} from '../src/index.js';

/** How the messages show a value: strings quoted. */
const shown = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));

afterEach(() => {
  vi.restoreAllMocks();
});

/** A condition that turns true on its `after`-th poll (1-based), counting polls. */
function readyAfter(after: number): { ready: () => boolean; polls: () => number } {
  let n = 0;
  return {
    ready: () => ++n >= after,
    polls: () => n,
  };
}

const BAD_SPINS = [-1, 1.5, NaN, Infinity, MAX_SPINS + 1, '3'];
const BAD_TIMEOUTS = [-1, -Infinity, NaN, '10'];

describe('constants and checkSpins', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_SPINS).toBe(64);
    expect(MAX_SPINS).toBe(1_000_000);
    expect(MAX_BACKOFF_SPINS).toBe(64);
  });

  it('returns a valid spin count', () => {
    expect(checkSpins(0)).toBe(0);
    expect(checkSpins(64)).toBe(64);
    expect(checkSpins(MAX_SPINS)).toBe(MAX_SPINS);
  });

  it.each(BAD_SPINS)('rejects %s naming it and [0, MAX_SPINS]', (spins) => {
    expectError(() => checkSpins(spins as number), RangeError, `spins must be an integer in [0, ${MAX_SPINS}]`, `got ${shown(spins)}`);
  });
});

describe('backoff', () => {
  it('returns after any attempt number without touching shared memory', () => {
    const load = vi.spyOn(Atomics, 'load');
    for (let attempt = 0; attempt < 100; attempt++) backoff(attempt);
    expect(load).not.toHaveBeenCalled();
  });

  it.each([-1, NaN, 1.5, '2'])('rejects attempt %s with a RangeError naming it', (attempt) => {
    expectError(() => { backoff(attempt as number); }, RangeError, 'attempt must be a non-negative integer', `got ${shown(attempt)}`);
  });
});

describe('spinThenPark', () => {
  it('returns true at once when the condition holds, touching neither the event nor Atomics.wait', () => {
    const ev = SharedEvent.allocate();
    const wait = vi.spyOn(Atomics, 'wait');
    const { ready, polls } = readyAfter(1);
    expect(spinThenPark(ev, ready)).toBe(true);
    expect(polls()).toBe(1);
    expect(wait).not.toHaveBeenCalled();
    expect(Atomics.load(ev.array, 0)).toBe(EVENT_FREE);
  });

  it('returns true while spinning when the condition turns true within the budget', () => {
    const ev = SharedEvent.allocate();
    const wait = vi.spyOn(Atomics, 'wait');
    const { ready, polls } = readyAfter(10);
    expect(spinThenPark(ev, ready, { spins: 10 })).toBe(true);
    expect(polls()).toBe(10);
    expect(wait).not.toHaveBeenCalled();
    expect(Atomics.load(ev.array, 0)).toBe(EVENT_FREE);
  });

  it('after the budget, resets the event and re-checks before parking', () => {
    const ev = SharedEvent.allocate(true); // a stale set from an earlier round
    const wait = vi.spyOn(Atomics, 'wait');
    const { ready, polls } = readyAfter(4);
    // 3 polls spinning, then reset, then the re-check (4th poll) succeeds: no park.
    expect(spinThenPark(ev, ready, { spins: 3 })).toBe(true);
    expect(polls()).toBe(4);
    expect(ev.isSet()).toBe(false);
    expect(wait).not.toHaveBeenCalled();
  });

  it('returns false after timeoutMs when the condition never holds', () => {
    const ev = SharedEvent.allocate();
    const { ready, polls } = readyAfter(Infinity);
    const t0 = performance.now();
    expect(spinThenPark(ev, ready, { spins: 5, timeoutMs: 30 })).toBe(false);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(29);
    expect(polls()).toBeGreaterThanOrEqual(5 + 2);
  });

  it('with spins 0, parks at once; timeoutMs 0 returns false at once', () => {
    const ev = SharedEvent.allocate();
    const { ready, polls } = readyAfter(Infinity);
    expect(spinThenPark(ev, ready, { spins: 0, timeoutMs: 0 })).toBe(false);
    expect(polls()).toBe(2); // the re-check after reset and the one after the wait
  });

  it('returns true when the event is set but the condition holds only on the re-check after the wait', () => {
    // Single thread: the event is already set, so the wait returns at once, and the
    // condition holds on the re-check that follows it.
    const ev = SharedEvent.allocate();
    const { ready } = readyAfter(3);
    vi.spyOn(ev, 'reset').mockImplementation(() => undefined); // keep the set visible
    ev.set();
    expect(spinThenPark(ev, ready, { spins: 1, timeoutMs: 1_000 })).toBe(true);
  });

  it.each(BAD_SPINS)('rejects spins %s before polling', (spins) => {
    const { ready, polls } = readyAfter(1);
    expectError(() => spinThenPark(SharedEvent.allocate(), ready, { spins: spins as number }), RangeError, `[0, ${MAX_SPINS}]`, `got ${shown(spins)}`);
    expect(polls()).toBe(0);
  });

  it.each(BAD_TIMEOUTS)('rejects timeoutMs %s before polling', (timeoutMs) => {
    const { ready, polls } = readyAfter(1);
    expectError(
      () => spinThenPark(SharedEvent.allocate(), ready, { spins: 0, timeoutMs: timeoutMs as number }),
      RangeError,
      'timeoutMs must be a number in [0, Infinity]',
      `got ${shown(timeoutMs)}`,
    );
    expect(polls()).toBe(0);
  });
});

describe('spinThenParkAsync', () => {
  it('resolves true at once when the condition holds', async () => {
    const { ready, polls } = readyAfter(1);
    await expect(spinThenParkAsync(SharedEvent.allocate(), ready)).resolves.toBe(true);
    expect(polls()).toBe(1);
  });

  it('parks without blocking and wakes on a set from the same thread', async () => {
    const ev = SharedEvent.allocate();
    let flag = false;
    setTimeout(() => {
      flag = true;
      ev.set();
    }, 10);
    await expect(spinThenParkAsync(ev, () => flag, { spins: 2, timeoutMs: 5_000 })).resolves.toBe(true);
  });

  it('resolves false after timeoutMs', async () => {
    const t0 = performance.now();
    await expect(spinThenParkAsync(SharedEvent.allocate(), () => false, { spins: 3, timeoutMs: 30 })).resolves.toBe(false);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(29);
  });

  it('rejects with the abort reason while parked', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const pending = spinThenParkAsync(SharedEvent.allocate(), () => false, { spins: 0, signal: controller.signal });
    setTimeout(() => {
      controller.abort(reason);
    }, 5);
    await expect(pending).rejects.toBe(reason);
  });

  it('rejects at once with an already aborted signal, before polling', async () => {
    const controller = new AbortController();
    controller.abort('early');
    const { ready, polls } = readyAfter(1);
    await expect(spinThenParkAsync(SharedEvent.allocate(), ready, { signal: controller.signal })).rejects.toBe('early');
    expect(polls()).toBe(0);
  });

  it.each(BAD_SPINS)('rejects spins %s', async (spins) => {
    const error: unknown = await spinThenParkAsync(SharedEvent.allocate(), () => true, { spins: spins as number }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toContain(`got ${shown(spins)}`);
  });

  it.each(BAD_TIMEOUTS)('rejects timeoutMs %s before polling', async (timeoutMs) => {
    const { ready, polls } = readyAfter(1);
    const error: unknown = await spinThenParkAsync(SharedEvent.allocate(), ready, { spins: 0, timeoutMs: timeoutMs as number }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toContain(`timeoutMs must be a number in [0, Infinity], got ${shown(timeoutMs)}`);
    expect(polls()).toBe(0);
  });
});
