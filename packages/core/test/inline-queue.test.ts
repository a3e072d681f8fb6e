import { expectError, expectRejection } from '@twq/test-support/expect-error';
import { describe, expect, it } from 'vitest';
import { HANDLER_FAILED, InlineQueue, QueueDestroyedError, RemoteError, TwqError, defineLayout, defineOps, isRemoteError, type Request, type WorkerEnv } from '../src/index.js';
import { ERROR_BYTES } from '../src/host-entry.js';
import { withTimeout } from '@twq/test-support/worker';
import { mix } from './helpers.js';

const MODE_OK = 0;
const MODE_THROW = 1;
const MODE_THROW_STRING = 2;
const MODE_ASYNC = 3;
const MODE_REJECT = 4;
const MODE_REJECT_NOTHING = 5;
const MODE_THROW_LONG = 6;

const layout = defineLayout({ seq: 'u32', mode: 'i32', out: 'u32' });
type Spec = typeof layout.spec;

interface DoneCall {
  slot: number;
  seq: number;
  out: number;
  error: RemoteError | undefined;
}

/** Ops whose handler does what `mode` says, recording every call. */
function makeOps() {
  const handled: number[] = [];
  const doneCalls: DoneCall[] = [];
  const ops = defineOps({
    layout,
    handle(r): void | Promise<void> {
      handled.push(r.seq);
      switch (r.mode) {
        case MODE_THROW:
          throw new RangeError(`bad seq ${r.seq}`);
        case MODE_THROW_STRING:
          // eslint-disable-next-line @typescript-eslint/only-throw-error
          throw 'a string';
        case MODE_THROW_LONG:
          throw new Error('x'.repeat(5 * ERROR_BYTES));
        case MODE_ASYNC:
          return new Promise<void>((resolve) => {
            setTimeout(() => {
              r.out = mix(r.seq);
              resolve();
            }, 0);
          });
        case MODE_REJECT:
          return Promise.reject(new TypeError(`rejected ${r.seq}`));
        case MODE_REJECT_NOTHING:
          return Promise.reject(undefined);
        default:
          r.out = mix(r.seq);
      }
    },
    done(r, error) {
      doneCalls.push({ slot: r.slot, seq: r.seq, out: r.out, error });
    },
  });
  return { ops, handled, doneCalls };
}

function put(q: InlineQueue<Spec>, seq: number, mode = MODE_OK): Request<Spec> {
  const r = q.getRequest();
  if (r === null) throw new Error(`no free request for seq ${seq}`);
  r.seq = seq;
  r.mode = mode;
  r.out = 0;
  q.submit(r);
  return r;
}

describe('InlineQueue: the done callback', () => {
  it('runs lazily: not at submit, but when the slot is about to be reused, with the earlier payload', async () => {
    const { ops, handled, doneCalls } = makeOps();
    const q = await InlineQueue.create(ops, { slotsPerThread: 2 });
    put(q, 10);
    expect(handled).toEqual([10]); // autoRun: handled at submit
    expect(doneCalls).toEqual([]); // ...but done waits
    const r = q.getRequest(); // slot 0 is free again: reusing it reaps it first
    expect(doneCalls).toEqual([{ slot: 0, seq: 10, out: mix(10), error: undefined }]);
    expect(r?.slot).toBe(0);
    expect(r?.seq).toBe(10); // the slot still holds the old data until overwritten
    if (r !== null) {
      r.seq = 11;
      q.submit(r);
    }
    expect(doneCalls).toHaveLength(1);
    await q.destroy();
    expect(doneCalls).toEqual([
      { slot: 0, seq: 10, out: mix(10), error: undefined },
      { slot: 0, seq: 11, out: mix(11), error: undefined },
    ]);
  });

  it('runs exactly once per request, on waitAll, and a second waitAll runs nothing again', async () => {
    const { ops, handled, doneCalls } = makeOps();
    const q = await InlineQueue.create(ops, { threads: 2, slotsPerThread: 4, autoRun: false });
    for (let i = 0; i < 8; i++) put(q, i);
    expect(q.runAll()).toBe(8);
    expect(handled).toHaveLength(8);
    expect(doneCalls).toEqual([]); // handled, but no slot reused yet
    q.waitAll(5_000);
    expect(doneCalls.map((c) => c.seq).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (const c of doneCalls) expect(c.out).toBe(mix(c.seq));
    q.waitAll(5_000);
    await q.drain();
    expect(doneCalls).toHaveLength(8);
    expect(q.stats()).toMatchObject({ submitted: 8, completed: 8, outstanding: 0 });
    await q.destroy();
    expect(doneCalls).toHaveLength(8);
  });

  it('runs on drain()', async () => {
    const { ops, doneCalls } = makeOps();
    const q = await InlineQueue.create(ops, { slotsPerThread: 3 });
    for (let i = 0; i < 3; i++) put(q, i);
    await q.drain();
    expect(doneCalls.map((c) => c.seq)).toEqual([0, 1, 2]);
    await q.destroy();
  });

  it('with autoRun: false nothing runs until step()/runAll(); a full queue returns null', async () => {
    const { ops, handled, doneCalls } = makeOps();
    const q = await InlineQueue.create(ops, { slotsPerThread: 2, autoRun: false });
    put(q, 1);
    put(q, 2);
    expect(q.getRequest()).toBeNull();
    expect(handled).toEqual([]);
    expect(q.step()).toBe(1);
    expect(handled).toEqual([1]);
    expect(doneCalls).toEqual([]);
    const r = q.getRequest();
    expect(r?.slot).toBe(0);
    expect(doneCalls.map((c) => c.seq)).toEqual([1]);
    expect(q.step()).toBe(1);
    expect(q.step()).toBe(0);
    if (r !== null) {
      r.seq = 3;
      q.submit(r);
    }
    expect(q.runAll()).toBe(1);
    q.waitAll(5_000);
    expect(doneCalls.map((c) => c.seq)).toEqual([1, 3, 2]); // waitAll reaps in slot order
    await q.destroy();
  });

  it('onDone overrides the ops done callback', async () => {
    const { ops, doneCalls } = makeOps();
    const mine: number[] = [];
    const q = await InlineQueue.create(ops, {
      onDone(r) {
        mine.push(r.seq);
      },
    });
    put(q, 7);
    q.waitAll(5_000);
    expect(mine).toEqual([7]);
    expect(doneCalls).toEqual([]);
    await q.destroy();
  });
});

describe('InlineQueue: handler errors', () => {
  it('a throw reaches done as a RemoteError with the name, message and code ERR_TWQ_HANDLER_FAILED', async () => {
    const { ops, doneCalls } = makeOps();
    const q = await InlineQueue.create(ops, { slotsPerThread: 4 });
    put(q, 1);
    put(q, 2, MODE_THROW);
    put(q, 3);
    q.waitAll(5_000);
    expect(doneCalls.map((c) => [c.seq, c.error === undefined])).toEqual([
      [1, true],
      [2, false],
      [3, true],
    ]);
    const error = doneCalls[1].error;
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toBeInstanceOf(TwqError);
    expect(isRemoteError(error)).toBe(true);
    expect(error?.name).toBe('RangeError');
    expect(error?.remoteName).toBe('RangeError');
    expect(error?.message).toBe('bad seq 2');
    expect(error?.code).toBe(HANDLER_FAILED);
    expect(error?.code).toBe('ERR_TWQ_HANDLER_FAILED');
    expect(error?.worker).toBe(0);
    expect(error?.remoteStack).toContain('RangeError: bad seq 2');
    expect(q.stats().workers[0]).toMatchObject({ handled: 2, failed: 1 });
    // The slot is fine afterwards.
    put(q, 4);
    q.waitAll(5_000);
    expect(doneCalls[3]).toEqual({ slot: doneCalls[3].slot, seq: 4, out: mix(4), error: undefined });
    await q.destroy();
  });

  it('a thrown non-Error value is reported as an Error naming the value', async () => {
    const { ops, doneCalls } = makeOps();
    const q = await InlineQueue.create(ops);
    put(q, 1, MODE_THROW_STRING);
    q.waitAll(5_000);
    expect(doneCalls[0].error?.name).toBe('Error');
    expect(doneCalls[0].error?.message).toBe('non-Error value thrown: a string');
    expect(doneCalls[0].error?.code).toBe(HANDLER_FAILED);
    await q.destroy();
  });

  it('a message too long for the error record is cut, and still reported', async () => {
    const { ops, doneCalls } = makeOps();
    const q = await InlineQueue.create(ops);
    put(q, 1, MODE_THROW_LONG);
    q.waitAll(5_000);
    const error = doneCalls[0].error;
    expect(error?.name).toBe('Error');
    expect(error?.message.startsWith('xxxx')).toBe(true);
    expect(error?.message.endsWith('…')).toBe(true);
    expect(error?.message.length).toBeLessThan(ERROR_BYTES);
    await q.destroy();
  });

  it('a rejected promise reaches done like a throw; a rejection with no reason says so', async () => {
    const { ops, doneCalls } = makeOps();
    const q = await InlineQueue.create(ops, { slotsPerThread: 2 });
    put(q, 1, MODE_REJECT);
    put(q, 2, MODE_REJECT_NOTHING);
    await withTimeout(q.drain(), 5_000, 'drain');
    expect(doneCalls.map((c) => [c.seq, c.error?.name, c.error?.message, c.error?.code])).toEqual([
      [1, 'TypeError', 'rejected 1', HANDLER_FAILED],
      [2, 'Error', 'handler rejected with no reason', HANDLER_FAILED],
    ]);
    await q.destroy();
  });
});

describe('InlineQueue: async handlers', () => {
  it('drain() waits for them; waitAll() throws ERR_TWQ_INLINE_ASYNC while one is in flight, and works after', async () => {
    const { ops, doneCalls } = makeOps();
    const q = await InlineQueue.create(ops, { threads: 2, slotsPerThread: 4 });
    for (let i = 0; i < 6; i++) put(q, i, MODE_ASYNC);
    const error = expectError(() => {
      q.waitAll(5_000);
    }, TwqError, 'async handler in flight', 'use drain()');
    expect(error.code).toBe('ERR_TWQ_INLINE_ASYNC');
    expect(doneCalls).toEqual([]);
    await withTimeout(q.drain(), 5_000, 'drain with async handlers');
    expect(doneCalls.map((c) => c.seq).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
    for (const c of doneCalls) {
      expect(c.out).toBe(mix(c.seq));
      expect(c.error).toBeUndefined();
    }
    // Mixed sync and async after that.
    put(q, 100);
    put(q, 101, MODE_ASYNC);
    put(q, 102);
    await withTimeout(q.drain(), 5_000, 'second drain');
    q.waitAll(5_000);
    expect(doneCalls.slice(6).map((c) => [c.seq, c.out])).toEqual(
      expect.arrayContaining([
        [100, mix(100)],
        [101, mix(101)],
        [102, mix(102)],
      ]),
    );
    expect(doneCalls).toHaveLength(9);
    expect(q.stats()).toMatchObject({ submitted: 9, completed: 9, outstanding: 0 });
    await q.destroy();
  });

  it('step() returns -1 while a handler is async, then takes the next request once it settled', async () => {
    const { ops, handled } = makeOps();
    const q = await InlineQueue.create(ops, { slotsPerThread: 2, autoRun: false });
    put(q, 1, MODE_ASYNC);
    put(q, 2);
    expect(q.step()).toBe(-1);
    expect(q.step()).toBe(-1);
    expect(handled).toEqual([1]);
    await withTimeout(q.runtimes[0].waitInflight() ?? Promise.resolve(), 5_000, 'in-flight handler');
    expect(q.step()).toBe(1);
    expect(handled).toEqual([1, 2]);
    await q.drain();
    await q.destroy();
  });
});

describe('InlineQueue: setup and teardown', () => {
  it('run once per slot, on the owning worker, with the right env and context', async () => {
    const setups: [number, WorkerEnv<{ k: string }>][] = [];
    const teardowns: [string, number, number][] = [];
    const contexts: string[] = [];
    const ops = defineOps<{ seq: 'u32' }, string, { k: string }>({
      layout: defineLayout({ seq: 'u32' }),
      setup(slot, env) {
        setups.push([slot, env]);
        return `ctx-${env.worker}-${slot}`;
      },
      handle(r, context, env) {
        contexts.push(`${context}@${env.worker}:${r.slot}`);
      },
      teardown(context, slot, env) {
        teardowns.push([context, slot, env.worker]);
      },
    });
    const q = await InlineQueue.create(ops, { threads: 2, slotsPerThread: 3, name: 'setup-test', opsOptions: { k: 'v' }, autoRun: false });
    expect(setups.map(([slot, env]) => [env.worker, slot])).toEqual([
      [0, 0],
      [0, 1],
      [0, 2],
      [1, 0],
      [1, 1],
      [1, 2],
    ]);
    for (const [, env] of setups) {
      expect(env).toMatchObject({ threads: 2, slotsPerThread: 3, name: 'setup-test', options: { k: 'v' } });
      expect(Object.isFrozen(env)).toBe(true);
    }
    for (let i = 0; i < 6; i++) {
      const r = q.getRequest();
      if (r === null) throw new Error('full');
      q.submit(r);
    }
    q.waitAll(5_000);
    // Global slot index = worker * slotsPerThread + slot in worker.
    expect(contexts.sort()).toEqual(['ctx-0-0@0:0', 'ctx-0-1@0:1', 'ctx-0-2@0:2', 'ctx-1-0@1:3', 'ctx-1-1@1:4', 'ctx-1-2@1:5']);
    expect(teardowns).toEqual([]);
    const first = q.destroy();
    expect(q.destroy()).toBe(first);
    await first;
    await q.destroy();
    expect(teardowns.sort()).toEqual([
      ['ctx-0-0', 0, 0],
      ['ctx-0-1', 1, 0],
      ['ctx-0-2', 2, 0],
      ['ctx-1-0', 0, 1],
      ['ctx-1-1', 1, 1],
      ['ctx-1-2', 2, 1],
    ]);
    expect(setups).toHaveLength(6);
  });

  it('a setup that throws rejects create() with that error', async () => {
    const ops = defineOps({
      layout,
      setup(slot) {
        if (slot === 1) throw new Error('no scratch for slot 1');
      },
      handle() {
        /* unused */
      },
    });
    await expectRejection(InlineQueue.create(ops, { slotsPerThread: 2 }), Error, 'no scratch for slot 1');
  });

  it('an ops factory receives opsOptions', async () => {
    let seen: unknown;
    const q = await InlineQueue.create(
      defineOps({
        layout,
        setup(_slot, env) {
          seen = env.options;
        },
        handle() {
          /* unused */
        },
      }),
      { opsOptions: [1, 2] },
    );
    expect(seen).toEqual([1, 2]);
    await q.destroy();
  });
});

describe('InlineQueue: stats()', () => {
  it('counts submitted, completed, outstanding and per-worker handled/failed', async () => {
    const { ops } = makeOps();
    const q = await InlineQueue.create(ops, { threads: 2, slotsPerThread: 2, policy: 'round-robin', name: 'stats', autoRun: false });
    expect(q.stats()).toMatchObject({
      name: 'stats',
      threads: 2,
      slotsPerThread: 2,
      policy: 'round-robin',
      submitted: 0,
      completed: 0,
      outstanding: 0,
    });
    put(q, 1); // worker 0
    put(q, 2, MODE_THROW); // worker 1
    put(q, 3); // worker 0
    expect(q.stats()).toMatchObject({ submitted: 3, completed: 0, outstanding: 3 });
    q.waitAll(5_000);
    const s = q.stats();
    expect(s).toMatchObject({ submitted: 3, completed: 3, outstanding: 0 });
    expect(s.workers.map((w) => [w.worker, w.status, w.generation, w.handled, w.failed, w.lostToDeath])).toEqual([
      [0, 'ready', 0, 2, 0, 0],
      [1, 'ready', 0, 0, 1, 0],
    ]);
    await q.destroy();
    expect(q.stats().workers.map((w) => w.status)).toEqual(['stopped', 'stopped']);
  });
});

describe('InlineQueue: destroy', () => {
  it('is idempotent (same promise), disposes through Symbol.asyncDispose, and every later call throws QueueDestroyedError', async () => {
    const { ops } = makeOps();
    const q = await InlineQueue.create(ops, { name: 'gone' });
    const r = q.getRequest();
    if (r === null) throw new Error('full');
    expect(q.destroyed).toBe(false);
    await q[Symbol.asyncDispose]();
    expect(q.destroyed).toBe(true);
    const p = q.destroy();
    expect(q.destroy()).toBe(p);
    expect(q.destroy({ force: true })).toBe(p);
    await p;
    const calls: [string, () => unknown][] = [
      ['getRequest()', () => q.getRequest()],
      ['getRequestBlocking()', () => q.getRequestBlocking(10)],
      [
        'submit()',
        () => {
          q.submit(r);
        },
      ],
      [
        'waitAll()',
        () => {
          q.waitAll(10);
        },
      ],
    ];
    for (const [call, fn] of calls) {
      const e = expectError(fn, QueueDestroyedError, 'queue "gone" is destroyed', call);
      expect(e.code).toBe('ERR_TWQ_DESTROYED');
    }
    await expectRejection(q.getRequestAsync(), QueueDestroyedError, 'getRequestAsync()');
    await expectRejection(q.drain(), QueueDestroyedError, 'drain()');
  });

  it('calls after destroy() has started (before it resolves) throw QueueDestroyedError too', async () => {
    const { ops } = makeOps();
    const q = await InlineQueue.create(ops);
    const p = q.destroy();
    expectError(() => q.getRequest(), QueueDestroyedError, 'getRequest()');
    await p;
  });

  it('graceful destroy with autoRun: false runs what is pending and passes each to done once', async () => {
    const { ops, handled, doneCalls } = makeOps();
    const q = await InlineQueue.create(ops, { threads: 2, slotsPerThread: 3, autoRun: false });
    for (let i = 0; i < 5; i++) put(q, i);
    expect(handled).toEqual([]);
    await withTimeout(q.destroy(), 5_000, 'destroy() of an inline queue with unhandled requests');
    expect(handled.sort()).toEqual([0, 1, 2, 3, 4]);
    expect(doneCalls.map((c) => [c.seq, c.out, c.error]).sort()).toEqual([0, 1, 2, 3, 4].map((s) => [s, mix(s), undefined]));
  });

  it('graceful destroy waits for async handlers in flight and for the requests queued behind them', async () => {
    const { ops, doneCalls } = makeOps();
    const q = await InlineQueue.create(ops, { slotsPerThread: 4 });
    for (let i = 0; i < 4; i++) put(q, i, MODE_ASYNC);
    await withTimeout(q.destroy(), 5_000, 'destroy() with async handlers in flight');
    expect(doneCalls.map((c) => [c.seq, c.out, c.error]).sort()).toEqual([0, 1, 2, 3].map((s) => [s, mix(s), undefined]));
  });

  it('destroy({ force: true }) reports unhandled requests to done as ERR_TWQ_DESTROYED, once, without running them', async () => {
    const { ops, handled, doneCalls } = makeOps();
    let teardowns = 0;
    const q = await InlineQueue.create(
      defineOps({
        ...ops,
        teardown() {
          teardowns++;
        },
      }),
      { slotsPerThread: 4, autoRun: false },
    );
    put(q, 1);
    put(q, 2);
    put(q, 3);
    q.step(); // seq 1 handled, not yet reaped
    await withTimeout(q.destroy({ force: true }), 5_000, 'forced destroy');
    expect(handled).toEqual([1]);
    const bySeq = new Map(doneCalls.map((c) => [c.seq, c]));
    expect(doneCalls).toHaveLength(3);
    expect(bySeq.get(1)?.error).toBeUndefined();
    expect(bySeq.get(1)?.out).toBe(mix(1));
    for (const seq of [2, 3]) {
      const e = bySeq.get(seq)?.error;
      expect(e).toBeInstanceOf(RemoteError);
      expect(e?.code).toBe('ERR_TWQ_DESTROYED');
      expect(e?.name).toBe('QueueDestroyedError');
      expect(e?.message).toContain('destroyed with force');
    }
    expect(teardowns).toBe(4);
    expect(q.stats()).toMatchObject({ submitted: 3, completed: 3, outstanding: 0 });
  });

  it('a getRequestAsync() waiting on a full queue rejects with QueueDestroyedError when the queue is destroyed', async () => {
    const { ops } = makeOps();
    const q = await InlineQueue.create(ops, { slotsPerThread: 1 });
    const held = q.getRequest(); // every slot claimed: nothing can free one
    expect(held).not.toBeNull();
    const waiting = q.getRequestAsync();
    waiting.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await q.destroy();
    await withTimeout(expectRejection(waiting, QueueDestroyedError, 'getRequestAsync()'), 5_000, 'the waiting getRequestAsync');
  });
});
