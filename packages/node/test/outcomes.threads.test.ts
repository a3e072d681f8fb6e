// Issue 11 (part B): every submitted request is reported exactly once, with its
// own result, on real worker threads: whatever a handler throws, with the
// error's identity (code, cause chain, AggregateError's errors); counters that
// survive a replacement; requests stranded by a death without replacement; a
// destroy() that is bounded whatever the handlers do. Every wait is bounded.
import { expectError } from '@twq/test-support/expect-error';
import { withTimeout } from '@twq/test-support/worker';
import { describe, expect, it } from 'vitest';
import {
  MIN_STACK_SIZE_MB,
  QueueFailedError,
  RemoteError,
  TRUNCATED_ERROR_NAME,
  createQueue,
  type NodeQueueOptions,
  type Ops,
  type Request,
  type Workqueue,
} from '../dist/index.js';
import { MODE_EXIT as CHECKSUM_EXIT, MODE_OK as CHECKSUM_OK, submit as submitChecksum, deferred, eventually, fixture, mix, trackQueues } from './helpers.js';

type Spec = { seq: 'u32'; mode: 'i32'; arg: 'i32'; out: 'u32' };
type Queue = Workqueue<Spec>;

// Modes of fixtures/outcomes.mjs.
const MODE_OK = 0;
const MODE_THROW_VALUE = 1;
const MODE_REJECT_VALUE = 2;
const MODE_THROW_RICH = 3;
const MODE_THROW_AGGREGATE = 4;
const MODE_LOOP = 5;
const MODE_NEVER = 6;
const MODE_EXIT = 7;
const MODE_THROW_DEEP = 8;
/** fixtures/outcomes.mjs's VALUES, as the messages name them. */
const VALUE_NAMES = ['undefined', 'null', '0', '42', 'a string', 'false'];

const { track, create: createChecksum } = trackQueues();

interface Outcome {
  readonly seq: number;
  readonly out: number;
  readonly error: RemoteError | undefined;
}

async function open(options: NodeQueueOptions<Spec> = {}): Promise<{ q: Queue; outcomes: Outcome[] }> {
  const outcomes: Outcome[] = [];
  const q = track(
    await createQueue<Ops<Spec>>(fixture('outcomes.mjs'), {
      threads: 1,
      slotsPerThread: 8,
      ...options,
      onDone(r: Request<Spec>, error: RemoteError | undefined) {
        outcomes.push({ seq: r.seq, out: r.out, error });
      },
    }),
  );
  return { q, outcomes };
}

function put(q: Queue, seq: number, mode: number, arg = 0): void {
  const r = q.getRequestBlocking(10_000);
  r.seq = seq;
  r.mode = mode;
  r.arg = arg;
  r.out = 0;
  q.submit(r);
}

/** Each sequence number in [0, n) reported exactly once. */
function expectOnceEach(outcomes: readonly Outcome[], n: number): void {
  expect(outcomes.map((o) => o.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
}

describe('a handler that throws a non-Error value', () => {
  it('undefined, null, 0, 42, a string or false thrown on a worker thread: each reported failed, once, naming the value', async () => {
    const { q, outcomes } = await open();
    VALUE_NAMES.forEach((_, i) => {
      put(q, i, MODE_THROW_VALUE, i);
    });
    put(q, VALUE_NAMES.length, MODE_OK);
    q.waitAll(20_000);
    expectOnceEach(outcomes, VALUE_NAMES.length + 1);
    for (const o of outcomes) {
      if (o.seq === VALUE_NAMES.length) {
        expect(o.error).toBeUndefined();
        expect(o.out).toBe(mix(o.seq));
        continue;
      }
      expect(o.error, `seq ${o.seq} (throw ${VALUE_NAMES[o.seq]}) reported as a success`).toBeInstanceOf(RemoteError);
      expect([o.error?.code, o.error?.message]).toEqual(['ERR_TWQ_HANDLER_FAILED', `non-Error value thrown: ${VALUE_NAMES[o.seq]}`]);
    }
    expect(q.stats().workers[0]).toMatchObject({ handled: 1, failed: VALUE_NAMES.length });
  });

  it('the same values as rejections of an async handler: each reported failed, once', async () => {
    const { q, outcomes } = await open();
    VALUE_NAMES.forEach((_, i) => {
      put(q, i, MODE_REJECT_VALUE, i);
    });
    await q.drain({ timeoutMs: 20_000 });
    expectOnceEach(outcomes, VALUE_NAMES.length);
    for (const o of outcomes) {
      expect(o.error?.code, `seq ${o.seq} (reject ${VALUE_NAMES[o.seq]})`).toBe('ERR_TWQ_HANDLER_FAILED');
      expect(o.error?.message).toBe(o.seq === 0 ? 'handler rejected with no reason' : `non-Error value thrown: ${VALUE_NAMES[o.seq]}`);
    }
  });
});

describe("a handler error keeps its identity across threads", () => {
  it('code (as remoteCode), a cause chain (an Error with its own code, then a string) and the stack', async () => {
    const { q, outcomes } = await open();
    put(q, 3, MODE_THROW_RICH);
    q.waitAll(20_000);
    const e = outcomes[0].error as RemoteError;
    expect([e.name, e.message, e.code, e.remoteCode]).toEqual(['Error', 'outer 3', 'ERR_TWQ_HANDLER_FAILED', 'E_OUTER']);
    expect(e.remoteStack).toContain('outer 3');
    const cause = e.cause as Error & { code?: unknown };
    expect(cause).toBeInstanceOf(Error);
    expect([cause.name, cause.message, cause.code, cause.cause]).toEqual(['TypeError', 'inner 3', 'E_INNER', 'the root cause']);
    expect((e as unknown as { detail?: unknown }).detail).toBeUndefined(); // only the documented fields travel
  });

  it("AggregateError's errors, each with its name, message and code; past the bound, a TruncatedError counts the rest", async () => {
    const { q, outcomes } = await open();
    put(q, 0, MODE_THROW_AGGREGATE, 3);
    put(q, 1, MODE_THROW_AGGREGATE, 40);
    q.waitAll(20_000);
    const small = outcomes.find((o) => o.seq === 0)?.error as RemoteError;
    expect(small.name).toBe('AggregateError');
    expect(small.errors?.map((x) => [x.name, x.message, (x as Error & { code?: unknown }).code])).toEqual([
      ['RangeError', 'part 0', 'E_PART_0'],
      ['RangeError', 'part 1', 'E_PART_1'],
      ['RangeError', 'part 2', 'E_PART_2'],
    ]);
    const big = outcomes.find((o) => o.seq === 1)?.error as RemoteError;
    const last = big.errors?.at(-1);
    expect(last?.name).toBe(TRUNCATED_ERROR_NAME);
    const kept = (big.errors?.length ?? 0) - 1;
    expect(last?.message).toMatch(new RegExp(`^${40 - kept} more errors not recorded`));
    expect(big.errors?.[0].message).toBe('part 0');
  });

  it('a cause chain deeper than the record keeps ends in a TruncatedError', async () => {
    const { q, outcomes } = await open();
    put(q, 0, MODE_THROW_DEEP, 50);
    q.waitAll(20_000);
    const e = outcomes[0].error as RemoteError;
    expect([e.message, e.remoteCode]).toEqual(['level 49', 'E_L49']);
    let link: unknown = e.cause;
    let depth = 0;
    while (link instanceof Error && link.name !== TRUNCATED_ERROR_NAME) {
      expect(link.message).toBe(`level ${48 - depth}`);
      link = link.cause;
      depth++;
    }
    expect(link, 'the chain ends in a marker').toBeInstanceOf(Error);
    expect((link as Error).name).toBe(TRUNCATED_ERROR_NAME);
    expect(depth).toBeGreaterThanOrEqual(1);
  });
});

describe("a worker's counters across replacements", () => {
  it('handled keeps its total when the worker dies and is replaced (2, then the death, then 3 more: 5)', async () => {
    const seen: number[] = [];
    const q = await createChecksum({
      threads: 1,
      slotsPerThread: 2,
      onDone: (r) => {
        seen.push(r.seq);
      },
    });
    for (let seq = 0; seq < 2; seq++) submitChecksum(q, q.getRequestBlocking(10_000), seq, CHECKSUM_OK);
    q.waitAll(20_000);
    expect(q.stats().workers[0]).toMatchObject({ handled: 2, generation: 0 });
    submitChecksum(q, q.getRequestBlocking(10_000), 2, CHECKSUM_EXIT);
    q.waitAll(20_000);
    await eventually(() => q.stats().workers[0].generation === 1, 10_000, 'the replacement');
    for (let seq = 3; seq < 6; seq++) submitChecksum(q, q.getRequestBlocking(20_000), seq, CHECKSUM_OK);
    q.waitAll(20_000);
    expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(q.stats().workers[0]).toMatchObject({ handled: 5, failed: 0, generation: 1, lostToDeath: 1 });
  });
});

describe('replaceDeadWorkers: false', () => {
  it('the request on the dead worker fails as ERR_TWQ_WORKER_DIED, those queued behind it as ERR_TWQ_FAILED; none as "destroyed with force"', async () => {
    const died = deferred<undefined>();
    const { q, outcomes } = await open({
      slotsPerThread: 4,
      replaceDeadWorkers: false,
      name: 'fragile',
      onWorkerExit: () => {
        died.resolve(undefined);
      },
    });
    // Slot 0 first: a fresh worker scans from slot 0, so it dies on its first request and the others are stranded.
    put(q, 0, MODE_EXIT);
    put(q, 1, MODE_OK);
    put(q, 2, MODE_OK);
    await withTimeout(died.promise, 10_000, 'onWorkerExit');
    expectError(() => {
      q.waitAll(10_000);
    }, QueueFailedError, 'queue "fragile" has failed');
    await withTimeout(q.destroy(), 10_000, 'destroy() of the failed queue');
    expectOnceEach(outcomes, 3);
    const by = (seq: number): RemoteError | undefined => outcomes.find((o) => o.seq === seq)?.error;
    expect([by(0)?.code, by(0)?.name]).toEqual(['ERR_TWQ_WORKER_DIED', 'WorkerDiedError']);
    for (const seq of [1, 2]) {
      const e = by(seq);
      expect([e?.code, e?.name], `seq ${seq}: ${e?.message ?? 'no error'}`).toEqual(['ERR_TWQ_FAILED', 'QueueFailedError']);
      expect(e?.message).toContain('worker 0 is gone and was not replaced');
      expect(e?.cause).toBeInstanceOf(QueueFailedError);
    }
  });
});

describe('destroy() is bounded whatever the handlers do', () => {
  it('a handler that loops for ever: graceful destroy resolves within stopTimeoutMs + 1 s, the request reported "not finished within"', async () => {
    const { q, outcomes } = await open({ stopTimeoutMs: 500 });
    put(q, 0, MODE_OK);
    put(q, 1, MODE_LOOP);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const t0 = performance.now();
    await withTimeout(q.destroy(), 10_000, 'destroy() with a looping handler');
    const elapsed = performance.now() - t0;
    expect(elapsed, 'destroy() took longer than stopTimeoutMs + 1 s').toBeLessThan(1_500);
    expectOnceEach(outcomes, 2);
    const e = outcomes.find((o) => o.seq === 1)?.error;
    expect([e?.code, e?.name]).toEqual(['ERR_TWQ_DESTROYED', 'QueueDestroyedError']);
    expect(e?.message).toContain('not finished within 500 ms');
  });

  it('destroy({ timeoutMs }) bounds it instead of stopTimeoutMs; a promise that never settles ends the same way', async () => {
    const { q, outcomes } = await open({ stopTimeoutMs: 60_000 });
    put(q, 0, MODE_NEVER);
    const t0 = performance.now();
    await withTimeout(q.destroy({ timeoutMs: 200 }), 10_000, 'destroy({ timeoutMs: 200 })');
    expect(performance.now() - t0).toBeLessThan(1_200);
    expect(outcomes.map((o) => [o.seq, o.error?.code, o.error?.message])).toEqual([
      [0, 'ERR_TWQ_DESTROYED', 'queue "twq" was destroyed: the request in slot 0 was not finished within 200 ms'],
    ]);
  });

  it('destroy({ force: true }) during a graceful destroy hurries it: both settle at once, the request reported once', async () => {
    const { q, outcomes } = await open({ stopTimeoutMs: 60_000 });
    put(q, 0, MODE_LOOP);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const graceful = q.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const t0 = performance.now();
    const forced = q.destroy({ force: true });
    await withTimeout(forced, 10_000, 'destroy({ force: true }) during a graceful destroy');
    await withTimeout(graceful, 1_000, 'the graceful destroy, once hurried');
    expect(performance.now() - t0).toBeLessThan(3_000);
    expect(outcomes.map((o) => [o.seq, o.error?.code, o.error?.message])).toEqual([
      [0, 'ERR_TWQ_DESTROYED', 'queue "twq" was destroyed with force before the request in slot 0 was handled'],
    ]);
  });

  it('await using: the scope ends within stopTimeoutMs + 1 s with a handler looping for ever', async () => {
    const outcomes: Outcome[] = [];
    const t0 = { at: 0 };
    {
      await using q = await createQueue<Ops<Spec>>(fixture('outcomes.mjs'), {
        threads: 1,
        stopTimeoutMs: 300,
        onDone: (r: Request<Spec>, error: RemoteError | undefined) => {
          outcomes.push({ seq: r.seq, out: r.out, error });
        },
      });
      put(q, 7, MODE_LOOP);
      await new Promise((resolve) => setTimeout(resolve, 50));
      t0.at = performance.now();
    }
    expect(performance.now() - t0.at).toBeLessThan(1_300);
    expect(outcomes.map((o) => [o.seq, o.error?.code])).toEqual([[7, 'ERR_TWQ_DESTROYED']]);
  });
});

describe('resourceLimits.stackSizeMb', () => {
  it(`below ${MIN_STACK_SIZE_MB} MB (where Node kills the process as the thread starts) is refused with a RangeError naming the value and the range`, async () => {
    for (const v of [0.1, 0.2, 0.5]) {
      await expect(createQueue(fixture('outcomes.mjs'), { threads: 1, resourceLimits: { stackSizeMb: v } })).rejects.toThrow(
        new RangeError(`resourceLimits.stackSizeMb must be a finite number of MB >= ${MIN_STACK_SIZE_MB}, got ${v}`),
      );
    }
    // The bound itself serves.
    const { q, outcomes } = await open({ resourceLimits: { stackSizeMb: MIN_STACK_SIZE_MB } });
    put(q, 0, MODE_OK);
    q.waitAll(20_000);
    expect(outcomes).toEqual([{ seq: 0, out: mix(0), error: undefined }]);
  });
});
