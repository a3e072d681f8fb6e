/**
 * Browser versions of core's protocol and bad-input tests: the same
 * environment-agnostic code, run in Chromium (main thread and workers), where
 * blocking is forbidden on the page and Atomics.waitAsync is native.
 */
import { BlockingWaitForbiddenError, EVENT_FREE, SharedEvent, canBlock } from '@twq/event';
import { describe, expect, test } from 'vitest';
import { InlineQueue, defineLayout, defineOps } from '../src/index.js';
import { mix } from './fixtures/checksum-ops.js';
import { within } from './helpers/queues.js';

const layout = defineLayout({ seed: 'u32', result: 'u32' });

function countingOps(done: (seed: number, result: number) => void) {
  // Context type unknown: what InlineQueue's constructor takes.
  return defineOps<typeof layout.spec, unknown>({
    layout,
    handle(request) {
      request.result = mix(request.seed);
    },
    done(request, error) {
      if (error !== undefined) throw error;
      done(request.seed, request.result);
    },
  });
}

describe('the protocol, stepped inline on the page', () => {
  test.each([1, 31, 32, 33, 64, 65])('slotsPerThread %i: every slot is handed out once, handled, and reported once', async (slotsPerThread) => {
    const threads = 2;
    const seen = new Map<number, number>();
    const queue = await InlineQueue.create(
      countingOps((seed, result) => {
        expect(result).toBe(mix(seed));
        seen.set(seed, (seen.get(seed) ?? 0) + 1);
      }),
      { threads, slotsPerThread, autoRun: false },
    );
    const total = threads * slotsPerThread;
    const slots = new Set<number>();
    for (let i = 0; i < total; i++) {
      const request = queue.getRequest();
      if (request === null) throw new Error(`no free slot after ${i} of ${total}`);
      slots.add(request.slot);
      request.seed = i;
      queue.submit(request);
    }
    // Every bit of every word, including the last partial one, was found free once.
    expect(slots.size).toBe(total);
    expect(queue.getRequest()).toBeNull();
    expect(queue.runAll()).toBe(total);
    // Done callbacks run lazily: not yet.
    expect(seen.size).toBe(0);
    await queue.drain({ timeoutMs: 1_000 });
    expect(seen.size).toBe(total);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    await queue.destroy();
  });

  test('a finished slot reports its result when it is about to be reused', async () => {
    const seen: number[] = [];
    const queue = await InlineQueue.create(countingOps((seed) => seen.push(seed)), { slotsPerThread: 1, autoRun: false });
    const first = queue.getRequest();
    if (first === null) throw new Error('no free slot');
    first.seed = 41;
    queue.submit(first);
    expect(queue.step(0)).toBe(1);
    expect(seen).toEqual([]);
    const second = queue.getRequest();
    expect(second?.slot).toBe(first.slot);
    expect(seen).toEqual([41]);
    await queue.destroy();
  });
});

describe("core's bad input, in the browser", () => {
  test('layouts', () => {
    expect(() => defineLayout({ slot: 'u32' })).toThrow(/layout field name "slot" is reserved/);
    expect(() => defineLayout({ data: { bytes: 0 } })).toThrow(/bytes must be an integer in \[1, \d+\], got 0/);
    expect(() => defineLayout({ x: 'u64' } as never)).toThrow(/must be 'i32', 'u32', 'f32', 'f64' or \{ bytes: n \}, got "u64"/);
  });

  test('ops', () => {
    expect(() => defineOps({ layout } as never)).toThrow(/handle must be a function, got undefined/);
    expect(() => defineOps({ layout: {}, handle() {} } as never)).toThrow(/layout must come from defineLayout\(\)/);
  });

  test('queue options', () => {
    const ops = countingOps(() => undefined);
    expect(() => new InlineQueue(ops, { threads: 0 })).toThrow(/threads must be an integer in \[1, \d+\], got 0/);
    expect(() => new InlineQueue(ops, { slotsPerThread: 4097 })).toThrow(/slotsPerThread must be an integer in \[1, 4096\]/);
    expect(() => new InlineQueue(ops, { spinBudget: 1.5 })).toThrow(/spinBudget must be an integer/);
  });
});

describe('the event on the main thread', () => {
  test('canBlock() is false here, and a blocking wait names the async one', () => {
    expect(canBlock()).toBe(false);
    const event = new SharedEvent(new Int32Array(new SharedArrayBuffer(4)), 0);
    event.initUnsynchronized(false);
    expect(() => event.wait(10)).toThrow(BlockingWaitForbiddenError);
    expect(() => event.wait(10)).toThrow(/use SharedEvent.waitAsync\(\) instead/);
  });

  test('waitAsync() wakes when a worker sets the event, and times out when none does', async () => {
    const buffer = new SharedArrayBuffer(4);
    const event = new SharedEvent(new Int32Array(buffer), 0);
    event.initUnsynchronized(false);
    expect(Atomics.load(new Int32Array(buffer), 0)).toBe(EVENT_FREE);
    expect(await event.waitAsync(20)).toBe(false);
    const worker = new Worker(new URL('./fixtures/event-setter-worker.ts', import.meta.url), { type: 'module' });
    try {
      const reply = new Promise<{ canBlock: boolean }>((resolve) => {
        worker.onmessage = (e: MessageEvent<{ canBlock: boolean }>) => {
          resolve(e.data);
        };
      });
      worker.postMessage({ buffer, delayMs: 30 });
      expect(await within(event.waitAsync(10_000), 15_000, 'waitAsync()')).toBe(true);
      expect(await within(reply, 5_000, 'the worker')).toEqual({ canBlock: true });
    } finally {
      worker.terminate();
    }
  });
});
