// Bad input: every refusal is a typed error whose message names the bad value
// and what is allowed, and nothing is left corrupted (the queue still works).
import { expectError, expectRejection } from '@twq/test-support/expect-error';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, DEFAULT_SLOTS_PER_THREAD, InlineQueue, MAX_REQUEST_BYTES, QueueDestroyedError, RequestStateError, WaitTimeoutError, defineLayout, defineOps, type InlineQueueOptions, type Request } from '../src/index.js';
import { resolveOptions } from '../src/host-entry.js';
import { mix } from './helpers.js';

const layout = defineLayout({ seq: 'u32', out: 'u32' });
type Spec = typeof layout.spec;

const ops = defineOps({
    layout,
    handle(r) {
      r.out = mix(r.seq);
    },
  });

/** A started inline queue whose done callback records each result once (a second call for one seq throws). */
async function makeQueue(options: InlineQueueOptions<Spec, unknown> = {}): Promise<{ q: InlineQueue<Spec>; done: Map<number, number> }> {
  const done = new Map<number, number>();
  const q = await InlineQueue.create(ops, {
    ...options,
    onDone(r, error) {
      if (error !== undefined) throw error;
      if (done.has(r.seq)) throw new Error(`done twice for seq ${r.seq}`);
      done.set(r.seq, r.out);
    },
  });
  return { q, done };
}

let nextSeq = 1000;

/** Submits a few requests and waits: each must come back once with the right result. */
function expectStillWorks(q: InlineQueue<Spec>, done: Map<number, number>): void {
  for (let i = 0; i < 3; i++) {
    const r = q.getRequest();
    if (r === null) throw new Error('the queue has no free request after a refused call');
    const seq = nextSeq++;
    r.seq = seq;
    q.submit(r);
    q.waitAll(5_000);
    expect(done.get(seq), `result of seq ${seq}`).toBe(mix(seq));
  }
  expect(q.stats().outstanding).toBe(0);
}

/** Creates an inline queue with `options` spread over valid ones. */
function create(options: Record<string, unknown>): InlineQueue<Spec> {
  return new InlineQueue(ops, options);
}

describe('queue options', () => {
  it.each([
    [0, '0'],
    [-1, '-1'],
    [1.5, '1.5'],
    [Number.NaN, 'NaN'],
    [Infinity, 'Infinity'],
    [257, '257'],
    ['2', '"2"'],
  ])('threads %s is a RangeError naming it and [1, 256]', (threads, shown) => {
    expectError(() => create({ threads }), RangeError, 'threads must be an integer in [1, 256]', `got ${shown}`);
  });

  it.each([
    [0, '0'],
    [4097, '4097'],
    [1.5, '1.5'],
    [Number.NaN, 'NaN'],
    [-3, '-3'],
    ['16', '"16"'],
  ])('slotsPerThread %s is a RangeError naming it and [1, 4096]', (slotsPerThread, shown) => {
    expectError(() => create({ slotsPerThread }), RangeError, 'slotsPerThread must be an integer in [1, 4096]', `got ${shown}`);
  });

  it.each([
    [-1, '-1'],
    [1.5, '1.5'],
    [1e7, '10000000'],
    [Number.NaN, 'NaN'],
  ])('spinBudget %s is a RangeError naming it and [0, 1000000]', (spinBudget, shown) => {
    expectError(() => create({ spinBudget }), RangeError, 'spinBudget must be an integer in [0, 1000000]', `got ${shown}`);
  });

  it.each([
    ['fifo', '"fifo"'],
    [1, '1'],
    ['Batch', '"Batch"'],
  ])('policy %s is a RangeError naming it and the policies', (policy, shown) => {
    expectError(() => create({ policy }), RangeError, "policy must be one of 'batch', 'round-robin'", `got ${shown}`);
  });

  it.each([
    ['', '""'],
    ['q'.repeat(65), `"${'q'.repeat(65)}"`],
    [5, '5'],
  ])('name %s is a TypeError naming it and 1 to 64 characters', (name, shown) => {
    expectError(() => create({ name }), TypeError, 'name must be a string of 1 to 64 characters', `got ${shown}`);
  });

  it('accepts the limits themselves', () => {
    expect(resolveOptions({ threads: 256, slotsPerThread: 4096, spinBudget: 1_000_000, name: 'n'.repeat(64) }, 1)).toMatchObject({
      threads: 256,
      slotsPerThread: 4096,
      spinBudget: 1_000_000,
    });
    expect(resolveOptions({ threads: 1, slotsPerThread: 1, spinBudget: 0, name: 'n', policy: 'round-robin' }, 1)).toMatchObject({
      threads: 1,
      slotsPerThread: 1,
      spinBudget: 0,
      policy: 'round-robin',
    });
  });

  it('defaults: threads from the host parallelism minus one (at least 1), the default slots and policy', () => {
    expect(resolveOptions(undefined, 8)).toMatchObject({
      threads: 7,
      slotsPerThread: DEFAULT_SLOTS_PER_THREAD,
      policy: DEFAULT_POLICY,
      name: 'twq',
    });
    expect(resolveOptions({}, 1).threads).toBe(1);
    expect(resolveOptions({}, 0).threads).toBe(1);
    expect(resolveOptions({}, 1000).threads).toBe(256);
  });

  it('default spin budget: 64 when every thread has a core, 0 (park at once) when oversubscribed', () => {
    expect(resolveOptions({ threads: 3 }, 4).spinBudget).toBe(64);
    expect(resolveOptions({ threads: 2 }, 2).spinBudget).toBe(0);
    expect(resolveOptions({ threads: 2, spinBudget: 10 }, 2).spinBudget).toBe(10);
  });

  it('options that are not an object, and an onDone that is not a function, are TypeErrors', () => {
    expectError(() => resolveOptions(5 as unknown as object, 1), TypeError, 'options must be an object or undefined', 'got 5');
    expectError(() => create({ onDone: 'yes' }), TypeError, 'onDone must be a function or undefined', 'got "yes"');
  });
});

describe('request size', () => {
  it('a region of 0 bytes, or a request over 16 MiB, is a RangeError naming the size and the limit', () => {
    expectError(() => defineLayout({ data: { bytes: 0 } }), RangeError, '"data"', `[1, ${MAX_REQUEST_BYTES}]`, 'got 0');
    expectError(
      () => defineLayout({ data: { bytes: MAX_REQUEST_BYTES + 1 } }),
      RangeError,
      `[1, ${MAX_REQUEST_BYTES}]`,
      `got ${MAX_REQUEST_BYTES + 1}`,
    );
    expectError(
      () => defineLayout({ x: 'f64', data: { bytes: MAX_REQUEST_BYTES } }),
      RangeError,
      `request size must be at most ${MAX_REQUEST_BYTES} bytes`,
      `got ${MAX_REQUEST_BYTES + 8}`,
    );
  });
});

describe('submit() of a request that is not the submitter’s to submit', () => {
  it('a request from another queue: RequestStateError naming it; both queues still work', async () => {
    const a = await makeQueue({ name: 'a', slotsPerThread: 2 });
    const b = await makeQueue({ name: 'b', slotsPerThread: 2 });
    const fromB = b.q.getRequest();
    if (fromB === null) throw new Error('full');
    const e = expectError(
      () => {
        a.q.submit(fromB);
      },
      RequestStateError,
      'submit() needs a request obtained from queue "a" by getRequest()',
      'a request for slot 0 of another queue',
    );
    expect(e.code).toBe('ERR_TWQ_REQUEST_STATE');
    expectStillWorks(a.q, a.done);
    fromB.seq = 1;
    b.q.submit(fromB); // still held by b: b accepts it
    b.q.waitAll(5_000);
    expect(b.done.get(1)).toBe(mix(1));
    expectStillWorks(b.q, b.done);
  });

  it('the same request twice: RequestStateError; it is handled and passed to done once', async () => {
    const { q, done } = await makeQueue({ slotsPerThread: 2, autoRun: false });
    const r = q.getRequest();
    if (r === null) throw new Error('full');
    r.seq = 7;
    q.submit(r);
    expectError(
      () => {
        q.submit(r);
      },
      RequestStateError,
      'request in slot 0 of queue "twq" is not held by the submitter',
      'already submitted',
    );
    q.waitAll(5_000);
    expect([...done]).toEqual([[7, mix(7)]]);
    // Handled and reaped: submitting the stale handle again is refused too.
    expectError(() => {
      q.submit(r);
    }, RequestStateError, 'not held by the submitter');
    expect(q.stats()).toMatchObject({ submitted: 1, completed: 1 });
    expectStillWorks(q, done);
  });

  it.each([
    ['a plain object', {}, 'an object that is not a twq request'],
    ['an object with a slot number', { slot: 0, worker: 0, seq: 1 }, 'a request for slot 0 of another queue'],
    ['null', null, 'got null'],
    ['undefined', undefined, 'got undefined'],
    ['a number', 3, 'got 3'],
  ])('%s, never obtained from getRequest(): RequestStateError; the queue still works', async (_what, value, shown) => {
    const { q, done } = await makeQueue({ slotsPerThread: 2 });
    expectError(
      () => {
        q.submit(value as Request<Spec>);
      },
      RequestStateError,
      'submit() needs a request obtained from queue "twq" by getRequest()',
      shown,
    );
    expect(q.stats().submitted).toBe(0);
    expectStillWorks(q, done);
  });

  it('an object inheriting from a real request is refused; the real one is still held', async () => {
    const { q, done } = await makeQueue({ slotsPerThread: 1 });
    const r = q.getRequest();
    if (r === null) throw new Error('full');
    const fake = Object.create(r) as Request<Spec>;
    expectError(() => {
      q.submit(fake);
    }, RequestStateError, 'another queue');
    r.seq = 5;
    q.submit(r);
    q.waitAll(5_000);
    expect(done.get(5)).toBe(mix(5));
    expectStillWorks(q, done);
  });
});

describe('timeouts', () => {
  it.each([
    [-1, '-1'],
    [Number.NaN, 'NaN'],
    [-Infinity, '-Infinity'],
    ['10', '"10"'],
  ])('timeoutMs %s is a RangeError naming it and [0, Infinity], on every waiting call; the queue still works', async (bad, shown) => {
    const { q, done } = await makeQueue({ slotsPerThread: 2 });
    const timeoutMs = bad as number;
    const range = `timeoutMs must be a number in [0, Infinity], got ${shown}`;
    expectError(() => { q.waitAll(timeoutMs); }, RangeError, 'waitAll()', range);
    expectError(() => q.getRequestBlocking(timeoutMs), RangeError, 'getRequestBlocking()', range);
    await expectRejection(q.getRequestAsync({ timeoutMs }), RangeError, 'getRequestAsync()', range);
    await expectRejection(q.drain({ timeoutMs }), RangeError, 'drain()', range);
    expect(q.stats()).toMatchObject({ submitted: 0, completed: 0 });
    expectStillWorks(q, done);
  });

  it('a wait that cannot finish ends with WaitTimeoutError naming the call and the time; the queue still works', async () => {
    const { q, done } = await makeQueue({ slotsPerThread: 2 });
    const held = [q.getRequest(), q.getRequest()];
    expect(q.getRequest()).toBeNull();
    const e1 = expectError(() => q.getRequestBlocking(30), WaitTimeoutError, 'getRequestBlocking() timed out after 30 ms');
    expect(e1.code).toBe('ERR_TWQ_TIMEOUT');
    await expectRejection(q.getRequestAsync({ timeoutMs: 30 }), WaitTimeoutError, 'getRequestAsync() timed out after 30 ms');
    for (const [i, r] of held.entries()) {
      if (r === null) throw new Error('full');
      r.seq = 900 + i;
      q.submit(r);
    }
    q.waitAll(5_000);
    expect(done.get(900)).toBe(mix(900));
    expect(done.get(901)).toBe(mix(901));
    expectStillWorks(q, done);
  });

  it('getRequestAsync() with an aborted signal rejects with the reason; the queue still works', async () => {
    const { q, done } = await makeQueue({ slotsPerThread: 1 });
    const reason = new Error('stop');
    await expect(q.getRequestAsync({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    const held = q.getRequest();
    if (held === null) throw new Error('full');
    const controller = new AbortController();
    const waiting = q.getRequestAsync({ signal: controller.signal });
    setTimeout(() => {
      controller.abort(reason);
    }, 20);
    await expect(waiting).rejects.toBe(reason);
    held.seq = 77;
    q.submit(held);
    q.waitAll(5_000);
    expect(done.get(77)).toBe(mix(77));
    expectStillWorks(q, done);
  });
});

describe('calls after destroy', () => {
  it('each throws QueueDestroyedError naming the call, also with a request held from before', async () => {
    const { q } = await makeQueue({ name: 'closed', slotsPerThread: 2 });
    const held = q.getRequest();
    if (held === null) throw new Error('full');
    await q.destroy();
    const sync: [string, () => unknown][] = [
      ['getRequest()', () => q.getRequest()],
      ['getRequestBlocking()', () => q.getRequestBlocking()],
      ['getRequestBlocking()', () => q.getRequestBlocking(0)],
      ['submit()', () => { q.submit(held); }],
      ['waitAll()', () => { q.waitAll(5_000); }],
    ];
    for (const [call, fn] of sync) {
      const e = expectError(fn, QueueDestroyedError, `queue "closed" is destroyed: ${call} is not allowed after destroy()`);
      expect(e.code).toBe('ERR_TWQ_DESTROYED');
    }
    await expectRejection(q.getRequestAsync(), QueueDestroyedError, 'getRequestAsync() is not allowed');
    await expectRejection(q.drain(), QueueDestroyedError, 'drain() is not allowed');
    // destroy itself stays fine.
    await q.destroy();
    await q.destroy({ force: true });
  });
});
