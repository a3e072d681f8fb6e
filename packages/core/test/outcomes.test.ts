// Issue 11 (part B), at the protocol level (inline, and the error record
// itself): whatever a handler throws is a failure, on every path that runs
// handlers (a worker's runtime, the helping submitter); a handler error keeps
// its identity within the record's documented bounds; an inline destroy() is
// bounded; a Supervisor's forced stop hurries a graceful one.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_STOP_TIMEOUT_MS,
  InlineQueue,
  RECORDED_CAUSE_DEPTH,
  RECORDED_ERRORS,
  RemoteError,
  TRUNCATED_ERROR_NAME,
  Workqueue,
  defineLayout,
  defineOps,
} from '../src/index.js';
import {
  ERROR_BYTES,
  QueueMemory,
  Supervisor,
  computeGeometry,
  readErrorRecord,
  toErrorInfo,
  writeErrorRecord,
  type ErrorInfo,
  type WorkerHost,
} from '../src/host-entry.js';
import { withTimeout } from '@twq/test-support/worker';

const layout = defineLayout({ seq: 'u32', mode: 'i32', arg: 'i32' });
type Spec = typeof layout.spec;

const MODE_OK = 0;
const MODE_THROW_VALUE = 1;
const MODE_REJECT_VALUE = 2;
const MODE_THROW = 3;
const MODE_NEVER = 4;
const VALUES: unknown[] = [undefined, null, 0, 42, 'a string', false];
const VALUE_NAMES = ['undefined', 'null', '0', '42', 'a string', 'false'];

/** What the handler throws for MODE_THROW: set by each test. */
let thrown: unknown;

function makeOps(outcomes: [number, RemoteError | undefined][]) {
  return defineOps({
    layout,
    handle(r): void | Promise<void> {
      switch (r.mode) {
        case MODE_THROW_VALUE:
          throw VALUES[r.arg];
        case MODE_REJECT_VALUE:
           
          return Promise.reject(VALUES[r.arg]);
        case MODE_THROW:
          throw thrown;
        case MODE_NEVER:
          return new Promise<void>(() => undefined);
        default:
          return undefined;
      }
    },
    done(r, error) {
      outcomes.push([r.seq, error]);
    },
  });
}

function put(q: Workqueue<Spec>, seq: number, mode: number, arg = 0): void {
  const r = q.getRequest();
  if (r === null) throw new Error(`no free request for seq ${seq}`);
  r.seq = seq;
  r.mode = mode;
  r.arg = arg;
  q.submit(r);
}

function expectValueFailures(outcomes: [number, RemoteError | undefined][], noReason: string): void {
  expect(outcomes.map(([seq]) => seq).sort()).toEqual(VALUE_NAMES.map((_, i) => i));
  for (const [seq, error] of outcomes) {
    expect(error, `seq ${seq} (${VALUE_NAMES[seq]}) was reported as a success`).toBeInstanceOf(RemoteError);
    expect(error?.code).toBe('ERR_TWQ_HANDLER_FAILED');
    expect(error?.message).toBe(seq === 0 ? noReason : `non-Error value thrown: ${VALUE_NAMES[seq]}`);
  }
}

/** A host that starts no thread: only the submitter runs (the helping path). */
const noThreads: WorkerHost = { start: () => Promise.resolve(), stop: () => Promise.resolve() };

describe('a handler that throws a non-Error value is a failure', () => {
  it('inline, sync: throw undefined (null, 0, 42, a string, false) reaches done as ERR_TWQ_HANDLER_FAILED, once each', async () => {
    const outcomes: [number, RemoteError | undefined][] = [];
    const q = await InlineQueue.create(makeOps(outcomes), { slotsPerThread: 8 });
    VALUES.forEach((_, i) => {
      put(q, i, MODE_THROW_VALUE, i);
    });
    q.waitAll(5_000);
    expectValueFailures(outcomes, 'non-Error value thrown: undefined');
    expect(q.stats().workers[0]).toMatchObject({ handled: 0, failed: VALUES.length });
    await q.destroy();
  });

  it('inline, async: a rejection with each of them, the same', async () => {
    const outcomes: [number, RemoteError | undefined][] = [];
    const q = await InlineQueue.create(makeOps(outcomes), { slotsPerThread: 8 });
    VALUES.forEach((_, i) => {
      put(q, i, MODE_REJECT_VALUE, i);
    });
    await withTimeout(q.drain(), 5_000, 'drain');
    expectValueFailures(outcomes, 'handler rejected with no reason');
    await q.destroy();
  });

  it('the helping submitter (help: auto): each thrown value is a failure too', async () => {
    const outcomes: [number, RemoteError | undefined][] = [];
    const q = new Workqueue(makeOps(outcomes), { threads: 1, slotsPerThread: 1, help: 'auto', spinBudget: 0 }, noThreads, 1);
    await q.start();
    VALUES.forEach((_, i) => {
      // The one slot is in flight: getRequestBlocking helps, running it here, then hands it out.
      const r = i === 0 ? q.getRequest() : q.getRequestBlocking(5_000);
      if (r === null) throw new Error('no request');
      r.seq = i;
      r.mode = MODE_THROW_VALUE;
      r.arg = i;
      q.submit(r);
    });
    q.waitAll(5_000);
    expectValueFailures(outcomes, 'non-Error value thrown: undefined');
    expect(q.stats().helped).toBe(VALUES.length);
    await q.destroy({ force: true });
  });
});

describe('a handler error keeps its identity (inline)', () => {
  it('remoteCode, the cause chain (Errors with their codes, then a primitive) and AggregateError errors', async () => {
    const outcomes: [number, RemoteError | undefined][] = [];
    const q = await InlineQueue.create(makeOps(outcomes), { slotsPerThread: 4 });
    const inner = Object.assign(new TypeError('inner', { cause: 404 }), { code: 'E_INNER' });
    thrown = Object.assign(new Error('outer', { cause: inner }), { code: 'E_OUTER' });
    put(q, 0, MODE_THROW);
    q.waitAll(5_000);
    thrown = new AggregateError([new RangeError('a'), Object.assign(new Error('b'), { code: 7 }), 'not an error'], 'all failed', { cause: 'why' });
    put(q, 1, MODE_THROW);
    q.waitAll(5_000);
    const [, e0] = outcomes[0];
    expect([e0?.name, e0?.message, e0?.code, e0?.remoteCode, e0?.errors]).toEqual(['Error', 'outer', 'ERR_TWQ_HANDLER_FAILED', 'E_OUTER', undefined]);
    const c = e0?.cause as Error & { code?: unknown };
    expect([c.name, c.message, c.code, c.cause]).toEqual(['TypeError', 'inner', 'E_INNER', 404]);
    const [, e1] = outcomes[1];
    expect([e1?.name, e1?.message, e1?.cause]).toEqual(['AggregateError', 'all failed', 'why']);
    expect(e1?.errors?.map((x) => [x.name, x.message, (x as Error & { code?: unknown }).code])).toEqual([
      ['RangeError', 'a', undefined],
      ['Error', 'b', 7],
      ['Error', 'non-Error value thrown: not an error', undefined],
    ]);
    await q.destroy();
  });
});

describe('the error record: bounded, cloneable, cut with a marker', () => {
  const record = (): Uint8Array => new Uint8Array(new SharedArrayBuffer(ERROR_BYTES));
  const roundTrip = (e: unknown): ErrorInfo => {
    const r = record();
    writeErrorRecord(r, toErrorInfo(e));
    const length = new DataView(r.buffer).getUint32(0, true);
    expect(length, 'the record holds its JSON').toBeLessThanOrEqual(ERROR_BYTES - 4);
    return readErrorRecord(r);
  };

  it(`a cause chain longer than ${RECORDED_CAUSE_DEPTH} levels, and a cyclic one, end in a TruncatedError`, () => {
    let deep: Error = new Error('0');
    for (let i = 1; i < 20; i++) deep = new Error(String(i), { cause: deep });
    const depthOf = (info: ErrorInfo): { depth: number; end: unknown } => {
      let depth = 0;
      let c = info.cause;
      while (typeof c === 'object' && c !== null && c.name !== TRUNCATED_ERROR_NAME) {
        depth++;
        c = c.cause;
      }
      return { depth, end: c };
    };
    const full = toErrorInfo(deep);
    expect(depthOf(full).depth).toBe(RECORDED_CAUSE_DEPTH);
    expect(depthOf(full).end).toMatchObject({ name: TRUNCATED_ERROR_NAME });
    const back = roundTrip(deep);
    expect(depthOf(back).depth).toBeLessThanOrEqual(RECORDED_CAUSE_DEPTH);
    expect(depthOf(back).end).toMatchObject({ name: TRUNCATED_ERROR_NAME });
    const cyclic = new Error('me');
    (cyclic as { cause?: unknown }).cause = cyclic;
    expect(depthOf(roundTrip(cyclic)).end).toMatchObject({ name: TRUNCATED_ERROR_NAME });
  });

  it(`an AggregateError keeps ${RECORDED_ERRORS} errors at most, then a TruncatedError counting the rest`, () => {
    const info = toErrorInfo(new AggregateError(Array.from({ length: 30 }, (_, i) => new Error(`e${i}`)), 'many'));
    expect(info.errors).toHaveLength(RECORDED_ERRORS + 1);
    expect(info.errors?.at(-1)).toMatchObject({ name: TRUNCATED_ERROR_NAME, message: `${30 - RECORDED_ERRORS} more errors not recorded: a record keeps ${RECORDED_ERRORS}` });
    const back = roundTrip(new AggregateError(Array.from({ length: 30 }, (_, i) => new Error(`e${i}`)), 'many'));
    const last = back.errors?.at(-1);
    expect(last?.name).toBe(TRUNCATED_ERROR_NAME);
    expect(Number.parseInt(last?.message ?? '', 10) + (back.errors?.length ?? 0) - 1).toBe(30);
  });

  it('what does not fit goes first: nested stacks, then own frames; name, message, code and causes stay', () => {
    const inner = Object.assign(new TypeError('inner'), { code: 'E_IN' });
    inner.stack = `TypeError: inner\n${'    at deep (/a/very/long/path/module.js:1:1)\n'.repeat(40)}`;
    const outer = Object.assign(new Error('outer', { cause: inner }), { code: 'E_OUT' });
    outer.stack = `Error: outer\n${'    at top (/another/long/path/file.js:2:2)\n'.repeat(40)}`;
    const back = roundTrip(outer);
    expect([back.name, back.message, back.code]).toEqual(['Error', 'outer', 'E_OUT']);
    expect(back.cause).toMatchObject({ name: 'TypeError', message: 'inner', code: 'E_IN' });
    expect((back.cause as ErrorInfo).stack).toBeUndefined();
    expect(back.stack?.startsWith('Error: outer\n    at top')).toBe(true);
  });

  it('a huge message and a huge cause still fit, with the markers', () => {
    const back = roundTrip(new Error('m'.repeat(5_000), { cause: new Error('c'.repeat(5_000)) }));
    expect(back.message.endsWith('…')).toBe(true);
    expect(back.cause).toMatchObject({ name: TRUNCATED_ERROR_NAME });
  });

  it('getters that throw, odd codes and uncloneable causes are recorded as such, never thrown', () => {
    const e = new Error('odd');
    Object.defineProperty(e, 'cause', {
      get() {
        throw new Error('no cause for you');
      },
    });
    Object.defineProperty(e, 'code', { value: Symbol('c') });
    const info = toErrorInfo(e);
    expect(info.cause).toBe('<reading cause threw: no cause for you>');
    expect(info.code).toBeUndefined();
    const fn = toErrorInfo(new Error('f', { cause: () => 1 }));
    expect(typeof fn.cause).toBe('string');
    expect(structuredClone(toErrorInfo(new Error('x', { cause: { a: 1n } })))).toBeDefined();
  });
});

describe('inline destroy() is bounded', () => {
  it('an async handler that never settles: destroy({ timeoutMs }) resolves, the request reported "not finished within", once', async () => {
    const outcomes: [number, RemoteError | undefined][] = [];
    const q = await InlineQueue.create(makeOps(outcomes), { slotsPerThread: 2 });
    put(q, 0, MODE_NEVER);
    put(q, 1, MODE_OK);
    const t0 = performance.now();
    await withTimeout(q.destroy({ timeoutMs: 100 }), 5_000, 'destroy() of an inline queue with a handler that never settles');
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(outcomes.map(([seq, e]) => [seq, e?.code, e?.message])).toEqual([
      [0, 'ERR_TWQ_DESTROYED', 'queue "twq" was destroyed: the request in slot 0 was not finished within 100 ms'],
      // Queued behind the handler in flight on the same runtime: never run.
      [1, 'ERR_TWQ_DESTROYED', 'queue "twq" was destroyed: the request in slot 1 was not finished within 100 ms'],
    ]);
    expect(q.stopTimeoutMs).toBe(DEFAULT_STOP_TIMEOUT_MS);
  });

  it('destroy({ force: true }) during a graceful destroy hurries it: both resolve, the request reported once as forced', async () => {
    const outcomes: [number, RemoteError | undefined][] = [];
    const q = await InlineQueue.create(makeOps(outcomes), { slotsPerThread: 2 });
    put(q, 0, MODE_NEVER);
    const graceful = q.destroy({ timeoutMs: 600_000 });
    const forced = q.destroy({ force: true });
    expect(forced).toBe(graceful);
    await withTimeout(forced, 5_000, 'the hurried destroy');
    expect(outcomes.map(([seq, e]) => [seq, e?.code, e?.message])).toEqual([
      [0, 'ERR_TWQ_DESTROYED', 'queue "twq" was destroyed with force before the request in slot 0 was handled'],
    ]);
  });

  it('destroy() refuses a timeoutMs that is not a finite number >= 0, and the queue stays open', async () => {
    const q = await InlineQueue.create(makeOps([]), {});
    for (const bad of [-1, Number.NaN, Infinity, '5']) {
      await expect(q.destroy({ timeoutMs: bad as number })).rejects.toThrow(/destroy\(\): options\.timeoutMs must be a finite number of milliseconds >= 0, got/);
    }
    expect(q.destroyed).toBe(false);
    await q.destroy();
  });
});

describe("Supervisor.stop: a forced stop hurries a graceful one", () => {
  it('both resolve at once, every thread terminated once', async () => {
    const memory = new QueueMemory(new SharedArrayBuffer(computeGeometry(2, 1, 8).totalBytes), computeGeometry(2, 1, 8));
    const terminated: number[] = [];
    const supervisor = new Supervisor<{ t: number }>(
      { spawn: (t) => ({ t }), terminate: (h) => terminated.push(h.t) },
      memory,
      true,
      { workerExit: () => undefined },
    );
    supervisor.start();
    const graceful = supervisor.stop(false, 600_000);
    const t0 = performance.now();
    const forced = supervisor.stop(true, 0);
    expect(forced).toBe(graceful);
    await withTimeout(forced, 5_000, 'the hurried stop');
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(terminated.sort()).toEqual([0, 1]);
  });
});

