import { expectError } from '@twq/test-support/expect-error';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BlockingWaitForbiddenError, EVENT_BUSY, EVENT_BYTES, EVENT_FREE, EVENT_SET, SharedEvent, canBlock } from '../src/index.js';

/** How the messages show a value: strings quoted. */
const shown = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));

afterEach(() => {
  vi.restoreAllMocks();
});

function word(event: SharedEvent): number {
  return Atomics.load(event.array, event.index);
}

describe('states', () => {
  it('are SET 0, FREE 1, BUSY -1 in a 4-byte word', () => {
    expect(EVENT_SET).toBe(0);
    expect(EVENT_FREE).toBe(1);
    expect(EVENT_BUSY).toBe(-1);
    expect(EVENT_BYTES).toBe(4);
  });
});

describe('SharedEvent.allocate', () => {
  it('gives a free event on its own 128-byte shared line', () => {
    const ev = SharedEvent.allocate();
    expect(ev.array.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(ev.array.buffer.byteLength).toBe(128);
    expect(ev.index).toBe(0);
    expect(word(ev)).toBe(EVENT_FREE);
    expect(ev.isSet()).toBe(false);
    expect(ev.hasWaiters()).toBe(false);
  });

  it('gives a set event with initiallySet = true', () => {
    const ev = SharedEvent.allocate(true);
    expect(word(ev)).toBe(EVENT_SET);
    expect(ev.isSet()).toBe(true);
  });
});

describe('SharedEvent constructor', () => {
  it('attaches to array[index] and writes nothing', () => {
    const array = new Int32Array(new SharedArrayBuffer(64));
    array[5] = 1234;
    const ev = new SharedEvent(array, 5);
    expect(ev.array).toBe(array);
    expect(ev.index).toBe(5);
    expect(array[5]).toBe(1234);
    ev.initUnsynchronized();
    expect(array[5]).toBe(EVENT_FREE);
    ev.initUnsynchronized(true);
    expect(array[5]).toBe(EVENT_SET);
    expect(new SharedEvent(array).index).toBe(0);
  });

  it.each([
    [new Uint32Array(new SharedArrayBuffer(8)), '[object Uint32Array]'],
    [new SharedArrayBuffer(8), '[object SharedArrayBuffer]'],
    [[0, 1], '[object Array]'],
    [null, 'null'],
    [undefined, 'undefined'],
    [7, '7'],
  ])('rejects %s with a TypeError naming it', (array, shown) => {
    expectError(() => new SharedEvent(array as unknown as Int32Array), TypeError, 'an Int32Array is required', `got ${shown}`);
  });

  it.each([-1, 4, 1.5, NaN, Infinity, 2 ** 32])('rejects index %s with the allowed range', (index) => {
    expectError(
      () => new SharedEvent(new Int32Array(new SharedArrayBuffer(16)), index),
      RangeError,
      'event index must be an integer in [0, 3]',
      `got ${shown(index)}`,
    );
  });
});

describe('SharedEvent.attach', () => {
  it('sees the word another view allocated, at any 4-byte offset', () => {
    const buffer = new SharedArrayBuffer(512);
    const a = SharedEvent.attach(buffer, 256);
    a.initUnsynchronized();
    const b = SharedEvent.attach(buffer, 256);
    a.set();
    expect(b.isSet()).toBe(true);
    expect(new Int32Array(buffer)[64]).toBe(EVENT_SET);
    expect(SharedEvent.attach(buffer, 508).array.byteOffset).toBe(508);
    const own = SharedEvent.allocate(true);
    expect(SharedEvent.attach(own.array.buffer as SharedArrayBuffer, 0).isSet()).toBe(true);
  });

  it('refuses a non-shared buffer with a TypeError', () => {
    expectError(() => SharedEvent.attach(new ArrayBuffer(128) as unknown as SharedArrayBuffer, 0), TypeError, 'SharedArrayBuffer is required', 'got [object ArrayBuffer]');
    expectError(() => SharedEvent.attach(null as unknown as SharedArrayBuffer, 0), TypeError, 'got null');
  });

  it.each([2, -4, 1.5, NaN, Infinity, 128, 126, 132])('rejects byteOffset %s with the allowed range', (offset) => {
    expectError(
      () => SharedEvent.attach(new SharedArrayBuffer(128), offset),
      RangeError,
      'byteOffset must be a multiple of 4 in [0, 124]',
      `got ${shown(offset)}`,
    );
  });
});

describe('set / reset transitions', () => {
  it('FREE -> SET: no notify', () => {
    const ev = SharedEvent.allocate();
    const notify = vi.spyOn(Atomics, 'notify');
    expect(ev.set()).toBe(false);
    expect(word(ev)).toBe(EVENT_SET);
    expect(notify).not.toHaveBeenCalled();
  });

  it('SET -> SET: a load only, no write and no notify', () => {
    const ev = SharedEvent.allocate(true);
    const exchange = vi.spyOn(Atomics, 'exchange');
    const notify = vi.spyOn(Atomics, 'notify');
    expect(ev.set()).toBe(false);
    expect(word(ev)).toBe(EVENT_SET);
    expect(exchange).not.toHaveBeenCalled();
    expect(notify).not.toHaveBeenCalled();
  });

  it('BUSY -> SET: notifies and says so', () => {
    const ev = SharedEvent.allocate();
    Atomics.store(ev.array, 0, EVENT_BUSY);
    expect(ev.hasWaiters()).toBe(true);
    const notify = vi.spyOn(Atomics, 'notify');
    expect(ev.set()).toBe(true);
    expect(notify).toHaveBeenCalledTimes(1);
    expect(word(ev)).toBe(EVENT_SET);
    expect(ev.hasWaiters()).toBe(false);
  });

  it('SET -> FREE on reset', () => {
    const ev = SharedEvent.allocate(true);
    ev.reset();
    expect(word(ev)).toBe(EVENT_FREE);
    expect(ev.isSet()).toBe(false);
  });

  it('reset leaves FREE and BUSY alone, writing nothing', () => {
    const ev = SharedEvent.allocate();
    const cas = vi.spyOn(Atomics, 'compareExchange');
    ev.reset();
    expect(word(ev)).toBe(EVENT_FREE);
    Atomics.store(ev.array, 0, EVENT_BUSY);
    ev.reset();
    expect(word(ev)).toBe(EVENT_BUSY);
    expect(cas).not.toHaveBeenCalled();
  });

  it('set, reset, set, reset... always ends in the last one', () => {
    const ev = SharedEvent.allocate();
    for (let i = 0; i < 10; i++) {
      ev.set();
      expect(ev.isSet()).toBe(true);
      ev.reset();
      expect(ev.isSet()).toBe(false);
    }
  });
});

describe('wait (blocking)', () => {
  it('returns true at once on a set event, whatever the timeout', () => {
    const ev = SharedEvent.allocate(true);
    const wait = vi.spyOn(Atomics, 'wait');
    expect(ev.wait()).toBe(true);
    expect(ev.wait(0)).toBe(true);
    expect(wait).not.toHaveBeenCalled();
    expect(ev.isSet()).toBe(true);
  });

  it('returns false after the timeout, leaving the word BUSY (FREE -> BUSY)', () => {
    const ev = SharedEvent.allocate();
    const t0 = performance.now();
    expect(ev.wait(30)).toBe(false);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(29);
    expect(ev.hasWaiters()).toBe(true);
    // A later set pays for the (now useless) notify, and the event is set.
    expect(ev.set()).toBe(true);
    expect(ev.isSet()).toBe(true);
  });

  it('returns false at once with timeout 0', () => {
    const ev = SharedEvent.allocate();
    const t0 = performance.now();
    expect(ev.wait(0)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('a further waiter on a BUSY word stays BUSY (BUSY -> BUSY) and times out', () => {
    const ev = SharedEvent.allocate();
    Atomics.store(ev.array, 0, EVENT_BUSY);
    const cas = vi.spyOn(Atomics, 'compareExchange');
    expect(ev.wait(5)).toBe(false);
    expect(cas).not.toHaveBeenCalled();
    expect(word(ev)).toBe(EVENT_BUSY);
  });

  it.each([-1, -Infinity, NaN, '10', null])('rejects timeout %s with a RangeError naming it', (timeout) => {
    const ev = SharedEvent.allocate();
    expectError(() => ev.wait(timeout as number), RangeError, 'timeoutMs must be a number in [0, Infinity]', `got ${shown(timeout)}`);
    expect(word(ev)).toBe(EVENT_FREE); // nothing announced
  });
});

describe('waitAsync', () => {
  it('resolves true at once on a set event', async () => {
    await expect(SharedEvent.allocate(true).waitAsync()).resolves.toBe(true);
  });

  it('resolves false after the timeout', async () => {
    const ev = SharedEvent.allocate();
    const t0 = performance.now();
    await expect(ev.waitAsync(30)).resolves.toBe(false);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(29);
    await expect(ev.waitAsync(0)).resolves.toBe(false);
  });

  it('resolves true when the same thread sets it later, without blocking the event loop', async () => {
    const ev = SharedEvent.allocate();
    let notified: boolean | undefined;
    setTimeout(() => {
      notified = ev.set();
    }, 10);
    await expect(ev.waitAsync(5_000)).resolves.toBe(true);
    expect(notified).toBe(true); // the waiter had announced itself (BUSY)
  });

  it('resolves true for a set that was reset again at once', async () => {
    const ev = SharedEvent.allocate();
    const pending = ev.waitAsync(2_000);
    expect(ev.set()).toBe(true); // the waiter had announced itself
    ev.reset();
    await expect(pending).resolves.toBe(true);
  });

  it('one set wakes every async waiter', async () => {
    const ev = SharedEvent.allocate();
    const waits = [ev.waitAsync(5_000), ev.waitAsync(5_000), ev.waitAsync(5_000)];
    setTimeout(() => ev.set(), 5);
    await expect(Promise.all(waits)).resolves.toEqual([true, true, true]);
  });

  it('rejects with the abort reason when the signal aborts while parked', async () => {
    const ev = SharedEvent.allocate();
    const controller = new AbortController();
    const reason = { why: 'shutting down' };
    const pending = ev.waitAsync(5_000, controller.signal);
    setTimeout(() => {
      controller.abort(reason);
    }, 5);
    await expect(pending).rejects.toBe(reason);
  });

  it('rejects with an AbortError by default', async () => {
    const ev = SharedEvent.allocate();
    const controller = new AbortController();
    const pending = ev.waitAsync(Infinity, controller.signal);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects at once when the signal is already aborted, even on a set event', async () => {
    const controller = new AbortController();
    const reason = new Error('gone');
    controller.abort(reason);
    await expect(SharedEvent.allocate(true).waitAsync(10, controller.signal)).rejects.toBe(reason);
  });

  it('an unaborted signal does not change the result', async () => {
    const ev = SharedEvent.allocate();
    const controller = new AbortController();
    await expect(ev.waitAsync(5, controller.signal)).resolves.toBe(false);
    setTimeout(() => ev.set(), 5);
    await expect(ev.waitAsync(5_000, controller.signal)).resolves.toBe(true);
  });

  it.each([-1, NaN, '5'])('rejects timeout %s with a RangeError naming it', async (timeout) => {
    const ev = SharedEvent.allocate();
    const error: unknown = await ev.waitAsync(timeout as number).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toContain(`timeoutMs must be a number in [0, Infinity], got ${shown(timeout)}`);
  });
});

describe('platform', () => {
  it('canBlock() is true on the main thread of Node', () => {
    expect(canBlock()).toBe(true);
    expect(canBlock()).toBe(true); // cached
  });

  it('BlockingWaitForbiddenError is a TypeError that names the async alternative', () => {
    const e = new BlockingWaitForbiddenError('SharedEvent.wait()', 'SharedEvent.waitAsync()');
    expect(e).toBeInstanceOf(TypeError);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('BlockingWaitForbiddenError');
    expect(e.message).toContain('SharedEvent.wait() would block');
    expect(e.message).toContain("a browser's main thread");
    expect(e.message).toContain('use SharedEvent.waitAsync() instead');
  });
});
