// Random interleavings of the submitter's calls (driven by a seeded PRNG: the
// seed is in the test name), async handlers, timeouts and AbortSignal, through
// real worker threads.
import { expectError, expectRejection } from '@twq/test-support/expect-error';
import { describe, expect, it } from 'vitest';
import type { PlacementPolicy } from '@twq/core';
import { WaitTimeoutError } from '../dist/index.js';
import { SCALE, withTimeout } from '@twq/test-support/worker';
import {
  Checksum,
  MODE_ASYNC,
  MODE_OK,
  MODE_SLEEP,
  MODE_THROW,
  mix,
  prng,
  submit,
  trackQueues,
  type ChecksumRequest,
} from './helpers.js';

const { create } = trackQueues();

interface Scenario {
  seed: number;
  threads: number;
  slotsPerThread: number;
  policy: PlacementPolicy;
  steps: number;
}

const STEPS = Math.round(40_000 * SCALE);
const scenarios: Scenario[] = [
  { seed: 0x5eed_0001, threads: 1, slotsPerThread: 3, policy: 'batch', steps: STEPS },
  // Fewer steps: while the slot of the worker that getRequestBlocking() parks on is
  // claimed by us, the wait sleeps whole 50 ms slices even though the other
  // worker's slot is free (see the report), which makes this scenario slow.
  { seed: 0x5eed_0002, threads: 2, slotsPerThread: 1, policy: 'round-robin', steps: Math.round(STEPS / 4) },
  { seed: 0x5eed_0003, threads: 2, slotsPerThread: 33, policy: 'batch', steps: STEPS },
  { seed: 0x5eed_0004, threads: 2, slotsPerThread: 5, policy: 'round-robin', steps: STEPS },
];

let pushedThroughThreads = 0;

describe('random interleavings of submit / getRequest / getRequestBlocking / getRequestAsync / waitAll / drain', () => {
  it.each(scenarios)(
    'seed $seed: $threads worker(s) x $slotsPerThread slot(s), $policy, $steps steps',
    async ({ seed, threads, slotsPerThread, policy, steps }) => {
      const rand = prng(seed);
      const checksum = new Checksum(steps);
      const q = await create({ threads, slotsPerThread, policy, onDone: checksum.onDone });
      const total = threads * slotsPerThread;
      const claimed: ChecksumRequest[] = [];
      const failing = new Set<number>();
      let seq = 0;
      const submitOne = (r: ChecksumRequest): void => {
        const x = rand();
        // Mostly plain requests; now and then one that throws, or an async one.
        const mode = x < 0.01 ? MODE_THROW : x < 0.02 ? MODE_ASYNC : MODE_OK;
        if (mode === MODE_THROW) failing.add(seq);
        submit(q, r, seq++, mode);
      };
      for (let i = 0; i < steps; i++) {
        const x = rand();
        if (x < 0.3) {
          const r = q.getRequest();
          if (r !== null) claimed.push(r);
          // null: no slot is free, so each is either claimed by us or submitted and not yet passed to done.
          else expect(claimed.length + q.stats().outstanding, `getRequest() returned null at step ${i}`).toBe(total);
        } else if (x < 0.4) {
          // A blocking get cannot end while every slot is claimed by us: only when one is free or in flight.
          if (claimed.length < total) claimed.push(q.getRequestBlocking(20_000));
        } else if (x < 0.45) {
          if (claimed.length < total) claimed.push(await q.getRequestAsync({ timeoutMs: 20_000 }));
        } else if (x < 0.85) {
          if (claimed.length > 0) submitOne(claimed.splice(Math.floor(rand() * claimed.length), 1)[0]);
        } else if (x < 0.93) {
          for (const r of claimed.splice(0)) submitOne(r);
        } else if (x < 0.97) {
          q.waitAll(20_000);
          expect(q.stats().outstanding, `outstanding after waitAll at step ${i}`).toBe(0);
          expect(checksum.count).toBe(seq);
        } else {
          await q.drain({ timeoutMs: 20_000 });
          expect(q.stats().outstanding, `outstanding after drain at step ${i}`).toBe(0);
          expect(checksum.count).toBe(seq);
        }
        // The same request object is never handed out twice while claimed.
        if (claimed.length > 1 && i % 64 === 0) expect(new Set(claimed).size).toBe(claimed.length);
      }
      for (const r of claimed.splice(0)) submitOne(r);
      q.waitAll(20_000);
      checksum.verify(seq, { failuresAllowed: true });
      expect(new Set(checksum.failures.map((f) => f.seq))).toEqual(failing);
      for (const { seq: s, error } of checksum.failures) {
        expect([error.name, error.message, error.code]).toEqual(['RangeError', `bad seq ${s}`, 'ERR_TWQ_HANDLER_FAILED']);
      }
      expect(q.stats()).toMatchObject({ submitted: seq, completed: seq, outstanding: 0 });
      // How many steps found a request to submit depends on timing; only that some did is certain.
      expect(seq).toBeGreaterThan(0);
      pushedThroughThreads += seq;
    },
  );

  it('pushed requests through every random scenario', () => {
    expect(pushedThroughThreads).toBeGreaterThan(0);
    if (process.env.TWQ_TEST_VERBOSE !== undefined) console.log(`random scenarios: ${pushedThroughThreads} requests`);
  });
});

describe('async handlers through real workers', () => {
  it.each([1, 2])('%i worker(s): handlers that resolve after a setTimeout(0); waitAll and drain both work', async (threads) => {
    const n = Math.round(600 * SCALE);
    const checksum = new Checksum(3 * n);
    const q = await create({ threads, slotsPerThread: 4, onDone: checksum.onDone });
    for (let seq = 0; seq < n; seq++) submit(q, q.getRequestBlocking(20_000), seq, MODE_ASYNC);
    q.waitAll(20_000);
    expect(checksum.count).toBe(n);
    for (let seq = n; seq < 2 * n; seq++) submit(q, await q.getRequestAsync({ timeoutMs: 20_000 }), seq, MODE_ASYNC);
    await q.drain({ timeoutMs: 20_000 });
    expect(checksum.count).toBe(2 * n);
    // Sync and async mixed, on workers now parking the async way.
    for (let seq = 2 * n; seq < 3 * n; seq++) submit(q, q.getRequestBlocking(20_000), seq, seq % 2 === 0 ? MODE_ASYNC : MODE_OK);
    await q.drain({ timeoutMs: 20_000 });
    checksum.verify(3 * n);
    pushedThroughThreads += 3 * n;
  });
});

describe('AbortSignal', () => {
  it('getRequestAsync: abort rejects with the reason; the queue is still usable after', async () => {
    const checksum = new Checksum(10);
    const q = await create({ threads: 1, slotsPerThread: 2, onDone: checksum.onDone });
    submit(q, q.getRequestBlocking(10_000), 0, MODE_SLEEP, 500);
    submit(q, q.getRequestBlocking(10_000), 1, MODE_SLEEP, 500);
    const reason = new Error('caller gave up');
    const controller = new AbortController();
    const waiting = q.getRequestAsync({ signal: controller.signal, timeoutMs: 20_000 });
    setTimeout(() => {
      controller.abort(reason);
    }, 30);
    await expect(withTimeout(waiting, 10_000, 'aborted getRequestAsync')).rejects.toBe(reason);
    // An already aborted signal rejects at once, with its reason.
    const pre = new Error('already');
    await expect(q.getRequestAsync({ signal: AbortSignal.abort(pre) })).rejects.toBe(pre);
    // Still usable: the next getRequestAsync gets the slot once a sleep ends.
    submit(q, await q.getRequestAsync({ timeoutMs: 20_000 }), 2);
    submit(q, await q.getRequestAsync({ timeoutMs: 20_000 }), 3);
    await q.drain({ timeoutMs: 20_000 });
    checksum.verify(4);
  });

  it('drain: abort rejects with the reason; the queue is still usable after and nothing is lost', async () => {
    const checksum = new Checksum(10);
    const q = await create({ threads: 2, slotsPerThread: 2, onDone: checksum.onDone });
    submit(q, q.getRequestBlocking(10_000), 0, MODE_SLEEP, 500);
    submit(q, q.getRequestBlocking(10_000), 1, MODE_OK);
    const reason = new Error('shutdown requested');
    const controller = new AbortController();
    const draining = q.drain({ signal: controller.signal, timeoutMs: 20_000 });
    setTimeout(() => {
      controller.abort(reason);
    }, 30);
    await expect(withTimeout(draining, 10_000, 'aborted drain')).rejects.toBe(reason);
    const pre = new Error('already');
    await expect(q.drain({ signal: AbortSignal.abort(pre) })).rejects.toBe(pre);
    submit(q, q.getRequestBlocking(10_000), 2);
    await q.drain({ timeoutMs: 20_000 });
    submit(q, q.getRequestBlocking(10_000), 3);
    q.waitAll(20_000);
    checksum.verify(4);
  });
});

describe('timeouts through real workers', () => {
  it('waitAll, getRequestBlocking, getRequestAsync and drain time out while a handler sleeps; nothing is lost after', async () => {
    const checksum = new Checksum(10);
    const q = await create({ threads: 1, slotsPerThread: 1, onDone: checksum.onDone });
    submit(q, q.getRequestBlocking(10_000), 0, MODE_SLEEP, 1_000);
    expectError(() => {
      q.waitAll(40);
    }, WaitTimeoutError, 'waitAll() timed out after 40 ms');
    expectError(() => q.getRequestBlocking(40), WaitTimeoutError, 'getRequestBlocking() timed out after 40 ms');
    await expectRejection(q.getRequestAsync({ timeoutMs: 40 }), WaitTimeoutError, 'getRequestAsync() timed out after 40 ms');
    await expectRejection(q.drain({ timeoutMs: 40 }), WaitTimeoutError, 'drain() timed out after 40 ms');
    expect(checksum.count).toBe(0);
    q.waitAll(20_000);
    expect(checksum.count).toBe(1);
    submit(q, q.getRequestBlocking(10_000), 1);
    q.waitAll(20_000);
    checksum.verify(2);
    expect(mix(1)).toBeGreaterThan(0);
  });
});
