/**
 * @twq/core: options, layouts, ops, the queue (InlineQueue, and Workqueue
 * over a host that records whether anything was started), the worker side
 * (WorkerRuntime, QueueMemory, WorkerBlock) and the memory helpers.
 */
import { InlineQueue, MAX_REQUEST_BYTES, MAX_SLOTS_PER_THREAD, MAX_THREADS, QueueCorruptedError, QueueDestroyedError, maxSharedBytes, QueueFailedError, ReentrantCallError, RequestStateError, TwqError, WaitTimeoutError, Workqueue, defineLayout, defineOps, type Ops, type Request } from '@twq/core';
import { QueueMemory, WorkerBlock, WorkerRuntime, memoryOf, checkCloneable, checkOps, checkQueueSize, computeGeometry, readErrorRecord, readGeometry, recordQueueFailure, recordWorkerDeath, resolveHostOptions, resolveOps, resolveOptions, writeErrorRecord, type ErrorInfo, type Geometry, type WorkerHost } from '@twq/core/host';
import { expect } from 'vitest';
import { badIntegers, casesFor, each, type BadValue, type Case, type Sample } from '../support/case.js';
import { expectStillWorks, inlineQueue, layout, ops, overLimitSlots, spyHost, track, type Spec } from '../support/fixtures.js';

const entry = '@twq/core';
const hostEntry = '@twq/core/host';
const TIMEOUT_RANGE = 'timeoutMs must be a number in [0, Infinity]';

const BAD_TIMEOUTS: Sample[] = [
  { label: 'negative', value: -1 },
  { label: 'NaN', value: Number.NaN },
  { label: '-Infinity', value: -Infinity },
  { label: 'a numeric string', value: '10' },
];
const BAD_POSITIONAL_TIMEOUTS: Sample[] = [...BAD_TIMEOUTS, { label: 'null', value: null }];

/** Bad durations for a timeout option that must be a finite number of ms > 0 (the adapters' start and stop timeouts). */
export const BAD_MS: Sample[] = [
  { label: 'zero', value: 0 },
  { label: 'negative', value: -1 },
  { label: 'NaN', value: Number.NaN },
  { label: 'Infinity', value: Infinity },
  { label: 'a numeric string', value: '500' },
];

/** Bad durations for destroy()'s timeoutMs: a finite number of ms >= 0 (Infinity would let a handler that never returns keep it pending). */
export const BAD_DESTROY_MS: Sample[] = [
  { label: 'negative', value: -1 },
  { label: 'NaN', value: Number.NaN },
  { label: 'Infinity', value: Infinity },
  { label: 'a numeric string', value: '500' },
];

const NOT_AN_OBJECT: Sample[] = [
  { label: 'a number', value: 5 },
  { label: 'a string', value: 'fast' },
  { label: 'null', value: null },
];

const NOT_A_SIGNAL: Sample[] = [
  { label: 'a plain object', value: { aborted: true } },
  { label: 'a string', value: 'stop' },
];

const NOT_A_BOOLEAN: Sample[] = [
  { label: 'a string', value: 'yes' },
  { label: 'a number', value: 1 },
];

const NOT_A_FUNCTION: Sample[] = [
  { label: 'a string', value: 'yes' },
  { label: 'a number', value: 1 },
  { label: 'an object', value: {} },
];

/**
 * Elastic threads (minThreads, maxThreads, idleTimeoutMs), each with the
 * values it refuses: out of [1, max], min above max, combined with threads.
 * `threads: undefined` overrides a fixed count the caller's `create` may add.
 */
export function elasticOptionValues(create: (options: Record<string, unknown>) => unknown, max: number): BadValue[] {
  return [
    ...each('options.minThreads', badIntegers({ below: 0, above: max + 1 }), RangeError, (v) => create({ threads: undefined, minThreads: v }), { range: `[1, ${max}]` }),
    ...each('options.minThreads', [{ label: 'above maxThreads (3 > 2)', value: 3 }], RangeError, (v) => create({ threads: undefined, minThreads: v, maxThreads: 2 }), { range: '[1, maxThreads = 2]' }),
    ...each('options.maxThreads', badIntegers({ below: 0, above: max + 1 }), RangeError, (v) => create({ threads: undefined, maxThreads: v }), { range: `[1, ${max}]` }),
    ...each('options.maxThreads', [{ label: 'with threads', value: 4 }], TypeError, (v) => create({ threads: 2, maxThreads: v }), { range: 'threads (2) is a fixed count' }),
    ...each('options.idleTimeoutMs', [...badIntegers({ below: 0, above: 2 ** 31 })], RangeError, (v) => create({ threads: undefined, minThreads: 1, maxThreads: 2, idleTimeoutMs: v }), { range: '[1, 2147483647]' }),
  ];
}

/** The queue options (core's own): every one, with the values each refuses. */
export function queueOptionValues(create: (options: Record<string, unknown>) => unknown, withOnDone = true): BadValue[] {
  const extra = {};
  return [
    ...each('options', NOT_AN_OBJECT, TypeError, (v) => create(v as Record<string, unknown>), { range: 'object or undefined', ...extra }),
    ...each('options.threads', badIntegers({ below: 0, above: MAX_THREADS + 1 }), RangeError, (v) => create({ threads: v }), { range: `[1, ${MAX_THREADS}]`, ...extra }),
    ...elasticOptionValues(create, MAX_THREADS),
    ...each('options.slotsPerThread', [...badIntegers({ below: 0, above: MAX_SLOTS_PER_THREAD + 1 }), { label: 'huge (2^31)', value: 2 ** 31 }], RangeError, (v) => create({ slotsPerThread: v }), {
      range: `[1, ${MAX_SLOTS_PER_THREAD}]`,
      ...extra,
    }),
    ...each(
      'options.name',
      [
        { label: 'empty', value: '' },
        { label: '65 characters', value: 'q'.repeat(65) },
        { label: 'a number', value: 5 },
        { label: 'an object', value: { toString: () => 'q' } },
      ],
      TypeError,
      (v) => create({ name: v }),
      { range: '1 to 64 characters', ...extra },
    ),
    ...each(
      'options.policy',
      [
        { label: 'unknown', value: 'fifo' },
        { label: 'wrong case', value: 'Batch' },
        { label: 'a number', value: 1 },
      ],
      RangeError,
      (v) => create({ policy: v }),
      { range: "'batch', 'round-robin'", ...extra },
    ),
    ...each('options.spinBudget', badIntegers({ below: -1, above: 1_000_001 }), RangeError, (v) => create({ spinBudget: v }), { range: '[0, 1000000]', ...extra }),
    ...each('options.steal', NOT_A_BOOLEAN, TypeError, (v) => create({ steal: v }), { range: 'steal must be a boolean', ...extra }),
    ...each('options.help', [{ label: 'unknown', value: 'sometimes' }, { label: 'a boolean', value: true }], RangeError, (v) => create({ help: v }), { range: "'auto', 'always', 'never'", ...extra }),
    ...each('options.requestTimeoutMs', [{ label: 'negative', value: -1 }, { label: 'NaN', value: Number.NaN }, { label: 'a numeric string', value: '50' }], RangeError, (v) => create({ requestTimeoutMs: v }), { range: 'requestTimeoutMs must be a number of milliseconds in [0, Infinity]', ...extra }),
    ...each('options.timeoutGraceMs', [{ label: 'negative', value: -1 }, { label: 'NaN', value: Number.NaN }, { label: 'a numeric string', value: '50' }], RangeError, (v) => create({ timeoutGraceMs: v }), { range: 'timeoutGraceMs must be a number of milliseconds in [0, Infinity]', ...extra }),
    ...(withOnDone ? each('options.onDone', NOT_A_FUNCTION, TypeError, (v) => create({ onDone: v }), { range: 'function or undefined', ...extra }) : []),
  ];
}

/** Bad ops objects, for every call that takes ops. */
const BAD_OPS: Sample[] = [
  { label: 'null', value: null },
  { label: 'a string', value: 'ops' },
  { label: 'no layout', value: { handle() {} } },
  { label: 'a null layout', value: { layout: null, handle() {} } },
  { label: 'a layout not from defineLayout()', value: { layout: { seq: 'u32' }, handle() {} } },
  { label: 'a handle that is not a function', value: { layout, handle: 'run' } },
  { label: 'a done that is not a function', value: { layout, handle() {}, done: 5 } },
];
/** What each bad ops object's message must name. */
function opsNames(v: unknown): readonly string[] | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  if (!('layout' in o)) return ['undefined'];
  if (o.layout === null) return ['null'];
  if (typeof o.handle !== 'function') return ['"run"'];
  if ('done' in o) return ['5'];
  return ['[object Object]'];
}

/** A Workqueue over a host that counts starts: a refused constructor must not have reached it. */
function workqueueWith(options: Record<string, unknown>): { host: ReturnType<typeof spyHost>; make: () => unknown } {
  const host = spyHost();
  return { host, make: () => new Workqueue(ops, options, host, 2) };
}

/** A queue with every slot held: waits that cannot end must end at their bound. */
async function fullQueue(): Promise<InlineQueue<Spec>> {
  const { q } = await inlineQueue({ slotsPerThread: 1, autoRun: false });
  const held = q.getRequest();
  expect(held).not.toBeNull();
  return q;
}

/** destroy(options) on a fresh inline queue, which must refuse it and stay open and working. */
async function refusedDestroy(options: unknown): Promise<void> {
  const { q, done } = await inlineQueue();
  try {
    await q.destroy(options as { force?: boolean; timeoutMs?: number });
  } finally {
    expect(q.destroyed, 'a refused destroy() leaves the queue open').toBe(false);
    expectStillWorks(q, done);
  }
}

/** A destroyed inline queue and a request it handed out before. */
async function destroyedQueue(): Promise<{ q: InlineQueue<Spec>; held: Request<Spec> }> {
  const { q } = await inlineQueue({ name: 'closed' });
  const held = q.getRequest();
  if (held === null) throw new Error('no free request');
  await q.destroy();
  return { q, held };
}

/** A queue whose failure has been recorded (a replacement worker could not start): every call throws QueueFailedError. */
async function failedQueue(): Promise<InlineQueue<Spec>> {
  const { q } = await inlineQueue({ name: 'failing', slotsPerThread: 1, autoRun: false });
  recordQueueFailure(memoryOf(q), 0, { name: 'Error', message: 'replacement failed' });
  expect(q.getRequest()).not.toBeNull();
  return q;
}

/** A started queue's memory, for the worker-side classes and helpers. */
const memory = (() => {
  const q = new Workqueue(ops, { threads: 2, slotsPerThread: 4 }, spyHost(), 2);
  return memoryOf(q);
})();
const geometry: Geometry = memory.geometry;

/** The memory must still read as a healthy queue after a refused call. */
function memoryUntouched(): void {
  expect(readGeometry(memory.buffer)).toEqual(geometry);
  expect(Atomics.load(memory.i32, (128 >>> 2) + 1), 'failure flag').toBe(0);
  expect(readErrorRecord(memory.deathRecord(0))).toEqual({ name: 'Error', message: 'unknown error' });
  expect(readErrorRecord(memory.failureRecord())).toEqual({ name: 'Error', message: 'unknown error' });
}

const REASON: ErrorInfo = { name: 'Error', message: 'died' };

const runtimeEnv = { threads: 2, slotsPerThread: 4, name: 'twq', options: undefined };

export const coreCases: Case[] = [
  ...casesFor({ entry: hostEntry, subject: 'resolveOptions' }, queueOptionValues((o) => resolveOptions(o, 2), false)),
  ...casesFor({ entry: hostEntry, subject: 'resolveHostOptions' }, [
    ...each('options', NOT_AN_OBJECT, TypeError, (v) => resolveHostOptions(v as object), { range: 'options must be an object' }),
    ...each('options.replaceDeadWorkers', [{ label: 'a string', value: 'yes' }, { label: 'a number', value: 1 }], TypeError, (v) => resolveHostOptions({ replaceDeadWorkers: v as boolean }), { range: 'must be a boolean' }),
    ...each('options.onWorkerExit', [{ label: 'a number', value: 5 }, { label: 'a string', value: 'log' }], TypeError, (v) => resolveHostOptions({ onWorkerExit: v as () => void }), { range: 'function or undefined' }),
    ...each('options.startTimeoutMs', BAD_MS, RangeError, (v) => resolveHostOptions({ startTimeoutMs: v as number }), { range: 'finite number of milliseconds > 0' }),
    ...each('options.stopTimeoutMs', BAD_MS, RangeError, (v) => resolveHostOptions({ stopTimeoutMs: v as number }), { range: 'finite number of milliseconds > 0' }),
    ...each('options.opsOptions', [{ label: 'a function inside', value: { f() {} } }, { label: 'a symbol', value: Symbol('o') }], TypeError, (v) => resolveHostOptions({ opsOptions: v }), {
      range: 'structured-cloneable',
      names: (v) => (typeof v === 'symbol' ? ['Symbol(o)'] : ['f() {}', 'f(){}', 'could not be cloned']),
    }),
    ...each('options.allowDataAndNetworkModules', NOT_A_BOOLEAN, TypeError, (v) => resolveHostOptions({ allowDataAndNetworkModules: v as boolean }), { range: 'must be a boolean' }),
  ]),
  ...casesFor({ entry: hostEntry, subject: 'checkQueueSize' }, [
    ...each('threads', badIntegers({ below: 0, above: MAX_THREADS + 1, positional: true }), RangeError, (v) => checkQueueSize(v as number, 4, 8), { range: `[1, ${MAX_THREADS}]` }),
    ...each('slotsPerThread', badIntegers({ below: 0, above: MAX_SLOTS_PER_THREAD + 1, positional: true }), RangeError, (v) => checkQueueSize(1, v as number, 8), {
      range: `[1, ${MAX_SLOTS_PER_THREAD}]`,
    }),
    ...each('requestBytes', badIntegers({ below: -8, above: MAX_REQUEST_BYTES + 8, positional: true }), RangeError, (v) => checkQueueSize(1, 4, v as number), {
      range: `[0, ${MAX_REQUEST_BYTES}]`,
    }),
    ...overLimitCases((slots) => checkQueueSize(1, slots, MAX_REQUEST_BYTES)).map((c) => ({ ...c, param: 'slotsPerThread' })),
    ...each('requestOrigin', [{ label: 'a number', value: 5 }, { label: 'null', value: null }], TypeError, (v) => checkQueueSize(1, 4, 8, v as string), { range: 'string or undefined' }),
  ]),
  ...casesFor({ entry: hostEntry, subject: 'checkCloneable' }, [
    ...each(
      'value',
      [
        { label: 'a function inside', value: { f() {} } },
        { label: 'a symbol', value: Symbol('o') },
        { label: 'a WeakMap', value: new WeakMap() },
      ],
      TypeError,
      (v) => {
        checkCloneable(v);
      },
      { range: 'structured-cloneable', names: (v) => (typeof v === 'symbol' ? ['Symbol(o)'] : v instanceof WeakMap ? ['WeakMap'] : ['f() {}', 'f(){}', 'could not be cloned']) },
    ),
  ]),
  ...casesFor({ entry: hostEntry, subject: 'computeGeometry' }, [
    ...each('threads', badIntegers({ below: 0, above: MAX_THREADS + 1, positional: true }), RangeError, (v) => computeGeometry(v as number, 4, 8), { range: `[1, ${MAX_THREADS}]` }),
    ...each('slotsPerThread', badIntegers({ below: 0, above: MAX_SLOTS_PER_THREAD + 1, positional: true }), RangeError, (v) => computeGeometry(1, v as number, 8), {
      range: `[1, ${MAX_SLOTS_PER_THREAD}]`,
    }),
    ...each('requestBytes', badIntegers({ below: -8, above: MAX_REQUEST_BYTES + 8, positional: true }), RangeError, (v) => computeGeometry(1, 4, v as number), {
      range: `[0, ${MAX_REQUEST_BYTES}]`,
    }),
  ]),
  ...casesFor({ entry: hostEntry, subject: 'readGeometry' }, [
    ...each(
      'buffer',
      [
        { label: 'a plain ArrayBuffer', value: new ArrayBuffer(1024) },
        { label: 'null', value: null },
        { label: 'a SharedArrayBuffer too small for a header', value: new SharedArrayBuffer(8) },
      ],
      TypeError,
      (v) => readGeometry(v as SharedArrayBuffer),
      { range: 'not a twq queue buffer' },
    ),
    {
      param: 'buffer',
      label: 'a SharedArrayBuffer without a queue header',
      value: 0,
      error: TypeError,
      call: () => readGeometry(new SharedArrayBuffer(1024)),
      names: ['magic 0'],
      range: 'not a twq queue buffer',
    },
  ]),
  ...casesFor({ entry, subject: 'defineLayout' }, [
    ...each(
      'spec',
      [
        { label: 'null', value: null },
        { label: 'a string', value: 'u32' },
        { label: 'an array', value: ['u32'] },
      ],
      TypeError,
      (v) => defineLayout(v as Record<string, 'u32'>),
      { range: 'object of fields' },
    ),
    ...each(
      'spec.<field>',
      [
        { label: 'an unknown scalar type', value: 'u64' },
        { label: 'a number', value: 4 },
        { label: 'null', value: null },
      ],
      TypeError,
      (v) => defineLayout({ x: v as 'u32' }),
      { range: "'i32', 'u32', 'f32', 'f64' or { bytes: n }" },
    ),
    ...each('spec.<field>.bytes', [...badIntegers({ below: 0, above: MAX_REQUEST_BYTES + 1 }), { label: 'negative', value: -1 }], RangeError, (v) => defineLayout({ data: { bytes: v as number } }), {
      range: `[1, ${MAX_REQUEST_BYTES}]`,
    }),
    {
      param: 'spec',
      label: 'a request over 16 MiB in all',
      value: MAX_REQUEST_BYTES + 8,
      error: RangeError,
      call: () => defineLayout({ x: 'f64', data: { bytes: MAX_REQUEST_BYTES } }),
      range: `at most ${MAX_REQUEST_BYTES} bytes`,
    },
    ...each(
      'spec (field name)',
      [
        { label: 'a reserved name', value: 'slot' },
        { label: 'not an identifier', value: 'my-field' },
        { label: '__proto__', value: 'constructor' },
      ],
      TypeError,
      (v) => defineLayout({ [v as string]: 'u32' }),
    ),
  ]),
  ...casesFor({ entry: hostEntry, subject: 'checkOps' }, each('ops', BAD_OPS, TypeError, (v) => { checkOps(v); }, { names: opsNames })),
  ...casesFor({ entry, subject: 'defineOps' }, each('ops', BAD_OPS, TypeError, (v) => defineOps(v as Ops), { names: opsNames })),
  ...casesFor({ entry: hostEntry, subject: 'resolveOps' }, [
    ...each('exported', BAD_OPS, TypeError, (v) => resolveOps(v, undefined), { names: opsNames }),
    ...each('exported', [{ label: 'a factory returning a number', value: () => 42 }], TypeError, (v) => resolveOps(v, undefined), { names: () => ['42'] }),
  ]),

  // ---- the queue: InlineQueue (the threaded queue's protocol, on this thread) ----
  ...casesFor({ entry, subject: 'InlineQueue', member: 'new' }, [
    ...each('ops', BAD_OPS, TypeError, (v) => track(new InlineQueue(v as Ops<Spec>)), { names: opsNames }),
    ...queueOptionValues((o) => track(new InlineQueue(ops, o))),
    ...each('options.autoRun', NOT_A_BOOLEAN, TypeError, (v) => track(new InlineQueue(ops, { autoRun: v as boolean })), { range: 'boolean' }),
    ...overLimitCases((slots) => track(new InlineQueue(HUGE_OPS, { threads: 1, slotsPerThread: slots }))),
  ]),
  ...casesFor({ entry, subject: 'InlineQueue', member: 'static create' }, [
    ...each('ops', BAD_OPS, TypeError, (v) => InlineQueue.create(v as Ops<Spec>), { names: opsNames }),
    ...queueOptionValues((o) => InlineQueue.create(ops, o)),
    ...each('options.autoRun', NOT_A_BOOLEAN, TypeError, (v) => InlineQueue.create(ops, { autoRun: v as boolean }), { range: 'boolean' }),
    ...overLimitCases(async (slots) => track(await InlineQueue.create(HUGE_OPS, { threads: 1, slotsPerThread: slots }))),
  ]),
  ...casesFor({ entry, subject: 'InlineQueue', member: '#step' }, [
    ...each('worker', badIntegers({ below: -1, above: 1, positional: true }), RangeError, async (v) => {
      const { q } = await inlineQueue({ autoRun: false });
      return q.step(v as number);
    }, { range: '[0, 0]' }),
    {
      param: 'this',
      label: 'after destroy()',
      value: 'step()',
      error: QueueDestroyedError,
      code: 'ERR_TWQ_DESTROYED',
      call: async () => (await destroyedQueue()).q.step(0),
      names: ['step()'],
      range: 'is not allowed after destroy()',
    },
  ]),
  ...casesFor({ entry, subject: 'InlineQueue', member: '#runAll' }, [
    {
      param: 'this',
      label: 'after destroy()',
      value: 'runAll()',
      error: QueueDestroyedError,
      code: 'ERR_TWQ_DESTROYED',
      call: async () => (await destroyedQueue()).q.runAll(),
      names: ['runAll()'],
      range: 'is not allowed after destroy()',
    },
  ]),
  ...waitCases('InlineQueue'),
  ...requestCases(),
  ...afterDestroyCases(),
  ...reentrantCases(),
  ...failedQueueCases(),

  // ---- Workqueue: what an adapter builds on ----
  ...casesFor({ entry, subject: 'Workqueue', member: 'new' }, [
    ...each('ops', BAD_OPS, TypeError, (v) => new Workqueue(v as Ops<Spec>, {}, spyHost(), 2), { names: opsNames }),
    ...queueOptionValues(
      (o) => workqueueWith(o).make(),
    ),
    {
      param: 'options.slotsPerThread',
      label: 'a queue too large for one SharedArrayBuffer (256 threads x 4096 slots of 16 MiB requests)',
      value: 4096,
      error: RangeError,
      call: () => new Workqueue(HUGE_OPS, { threads: MAX_THREADS, slotsPerThread: MAX_SLOTS_PER_THREAD }, spyHost(), 2),
      names: ['slotsPerThread (4096)'],
      range: 'bytes of shared memory',
    },
    ...overLimitCases((slots) => new Workqueue(HUGE_OPS, { threads: 1, slotsPerThread: slots }, spyHost(), 2)),
    ...each(
      'host',
      [
        { label: 'null', value: null },
        { label: 'an object without start()', value: { stop: () => Promise.resolve() } },
        { label: 'a function', value: () => undefined },
      ],
      TypeError,
      (v) => new Workqueue(ops, {}, v as WorkerHost, 2),
      { range: 'start() and stop()' },
    ),
  ]),
  ...waitCases('Workqueue'),
  ...casesFor({ entry, subject: 'Workqueue', member: '#start' }, [
    {
      param: 'this',
      label: 'a second time',
      value: 'start()',
      error: TwqError,
      code: 'ERR_TWQ_STARTED',
      call: async () => {
        const q = track(new Workqueue(ops, {}, spyHost(), 2));
        await q.start();
        return q.start();
      },
      names: ['start()'],
    },
  ]),
  ...casesFor({ entry, subject: 'Workqueue', member: '#getRequest' }, [
    {
      param: 'this',
      label: 'before start()',
      value: 'getRequest()',
      error: TwqError,
      code: 'ERR_TWQ_NOT_STARTED',
      call: () => new Workqueue(ops, {}, spyHost(), 2).getRequest(),
      names: ['getRequest()'],
      range: 'is not started',
    },
  ]),
  ...casesFor({ entry, subject: 'Workqueue', member: '#destroy' }, [
    ...each('options', NOT_AN_OBJECT, TypeError, (v) => refusedDestroy(v), { range: 'object or undefined' }),
    ...each('options.force', NOT_A_BOOLEAN, TypeError, (v) => refusedDestroy({ force: v }), { range: 'boolean' }),
    // Finite: destroy() is bounded (zero is allowed: stop at once after what is already done).
    ...each('options.timeoutMs', BAD_DESTROY_MS, RangeError, (v) => refusedDestroy({ timeoutMs: v }), { range: 'finite number of milliseconds >= 0' }),
  ]),

  // ---- worker side and memory helpers ----
  ...casesFor({ entry: hostEntry, subject: 'QueueMemory', member: 'new' }, [
    ...each(
      'buffer',
      [
        { label: 'a plain ArrayBuffer', value: new ArrayBuffer(geometry.totalBytes) },
        { label: 'null', value: null },
      ],
      TypeError,
      (v) => new QueueMemory(v as SharedArrayBuffer, geometry),
      { range: 'SharedArrayBuffer' },
    ),
    {
      param: 'buffer',
      label: 'a buffer of another size than the geometry',
      value: 4096,
      error: RangeError,
      call: () => new QueueMemory(new SharedArrayBuffer(4096), geometry),
      names: ['4096 bytes'],
      range: String(geometry.totalBytes),
    },
    ...each('geometry', [{ label: 'null', value: null }, { label: 'a number', value: 3 }, { label: 'an object without totalBytes', value: { threads: 1 } }], TypeError, (v) => new QueueMemory(memory.buffer, v as Geometry), {
      range: 'computeGeometry()',
    }),
  ]),
  ...casesFor({ entry: hostEntry, subject: 'QueueMemory', member: '#errorRecord' }, each('slot', badIntegers({ below: -1, above: 8, positional: true }), RangeError, (v) => memory.errorRecord(v as number), { range: '[0, 7]', check: memoryUntouched })),
  ...casesFor({ entry: hostEntry, subject: 'QueueMemory', member: '#deathRecord' }, each('worker', badIntegers({ below: -1, above: 2, positional: true }), RangeError, (v) => memory.deathRecord(v as number), { range: '[0, 1]', check: memoryUntouched })),
  ...casesFor({ entry: hostEntry, subject: 'WorkerBlock', member: 'new' }, [
    ...each('buffer', [{ label: 'null', value: null }, { label: 'a plain ArrayBuffer', value: new ArrayBuffer(geometry.totalBytes) }], TypeError, (v) => new WorkerBlock(v as SharedArrayBuffer, geometry, 0), {
      range: 'SharedArrayBuffer',
    }),
    ...each('g', [{ label: 'null', value: null }, { label: 'an object without totalBytes', value: {} }], TypeError, (v) => new WorkerBlock(memory.buffer, v as Geometry, 0), { range: 'computeGeometry()' }),
    ...each('worker', badIntegers({ below: -1, above: 2, positional: true }), RangeError, (v) => new WorkerBlock(memory.buffer, geometry, v as number), { range: '[0, 1]' }),
  ]),
  ...casesFor({ entry: hostEntry, subject: 'WorkerRuntime', member: 'new' }, [
    ...each(
      'buffer',
      [
        { label: 'null', value: null },
        { label: 'a SharedArrayBuffer without a queue header', value: new SharedArrayBuffer(1024) },
      ],
      TypeError,
      (v) => new WorkerRuntime(v as SharedArrayBuffer, 0, ops, runtimeEnv, 0),
      { range: 'not a twq queue buffer', names: (v) => (v === null ? ['null'] : ['magic 0']) },
    ),
    ...each('worker', badIntegers({ below: -1, above: 2, positional: true }), RangeError, (v) => new WorkerRuntime(memory.buffer, v as number, ops, runtimeEnv, 0), {
      range: '[0, 1]',
      check: memoryUntouched,
    }),
    ...each('ops', BAD_OPS, TypeError, (v) => new WorkerRuntime(memory.buffer, 0, v as Ops, runtimeEnv, 0), { names: opsNames, check: memoryUntouched }),
    {
      param: 'ops',
      label: 'ops of another layout than the queue',
      value: 16,
      error: TypeError,
      call: () => new WorkerRuntime(memory.buffer, 0, defineOps({ layout: defineLayout({ a: 'f64', b: 'f64' }), handle() {} }), runtimeEnv, 0),
      names: ['16 bytes'],
      range: 'the same ops',
      check: memoryUntouched,
    },
    ...each('env', NOT_AN_OBJECT, TypeError, (v) => new WorkerRuntime(memory.buffer, 0, ops, v as typeof runtimeEnv, 0), { range: 'object', check: memoryUntouched }),
    ...each('spinBudget', badIntegers({ below: -1, above: 1_000_001, positional: true }), RangeError, (v) => new WorkerRuntime(memory.buffer, 0, ops, runtimeEnv, v as number), {
      range: '[0, 1000000]',
      check: memoryUntouched,
    }),
  ]),
  ...casesFor({ entry: hostEntry, subject: 'WorkerRuntime', member: '#waitStatusChange' }, each(
    'timeoutMs',
    BAD_POSITIONAL_TIMEOUTS,
    RangeError,
    (v) => {
      const runtime = new WorkerRuntime(memory.buffer, 1, ops, runtimeEnv, 0);
      runtime.waitStatusChange(v as number);
    },
    { range: TIMEOUT_RANGE, check: memoryUntouched },
  )),
  ...casesFor({ entry: hostEntry, subject: 'readErrorRecord' }, [
    ...each(
      'record',
      [
        { label: 'null', value: null },
        { label: 'a plain array', value: [0, 0, 0, 0] },
        { label: 'an ArrayBuffer', value: new ArrayBuffer(16) },
      ],
      TypeError,
      (v) => readErrorRecord(v as Uint8Array),
      { range: 'Uint8Array' },
    ),
    { param: 'record', label: 'shorter than its length prefix', value: 2, error: RangeError, call: () => readErrorRecord(new Uint8Array(2)), names: ['2 bytes'], range: 'at least 4' },
  ]),
  ...casesFor({ entry: hostEntry, subject: 'writeErrorRecord' }, [
    ...each('record', [{ label: 'null', value: null }, { label: 'a DataView', value: new DataView(new ArrayBuffer(64)) }], TypeError, (v) => { writeErrorRecord(v as Uint8Array, REASON); }, { range: 'Uint8Array' }),
    { param: 'record', label: 'too short for any record', value: 3, error: RangeError, call: () => { writeErrorRecord(new Uint8Array(3), REASON); }, names: ['3 bytes'], range: 'at least' },
    ...each(
      'info',
      [
        { label: 'null', value: null },
        { label: 'a number', value: 42 },
        { label: 'a string', value: 'it broke' },
      ],
      TypeError,
      (v) => { writeErrorRecord(new Uint8Array(512), v as ErrorInfo); },
      { range: 'an object with name and message' },
    ),
  ]),
  ...casesFor({ entry: hostEntry, subject: 'recordWorkerDeath' }, [
    ...each('memory', [{ label: 'null', value: null }, { label: 'a SharedArrayBuffer', value: memory.buffer }], TypeError, (v) => { recordWorkerDeath(v as QueueMemory, 0, 1, REASON); }, { range: 'QueueMemory', check: memoryUntouched }),
    ...each('worker', badIntegers({ below: -1, above: 2, positional: true }), RangeError, (v) => { recordWorkerDeath(memory, v as number, 1, REASON); }, { range: '[0, 1]', check: memoryUntouched }),
    ...each('exitCode', [{ label: 'a string', value: '1' }, { label: 'a fraction', value: 1.5 }, { label: 'NaN', value: Number.NaN }, { label: 'above Int32', value: 2 ** 31 }], RangeError, (v) => { recordWorkerDeath(memory, 0, v as number, REASON); }, {
      range: 'Int32',
      check: memoryUntouched,
    }),
    ...each('reason', [{ label: 'null', value: null }, { label: 'a number', value: 7 }], TypeError, (v) => { recordWorkerDeath(memory, 0, 1, v as ErrorInfo); }, { range: 'an object with name and message', check: memoryUntouched }),
  ]),
  ...casesFor({ entry: hostEntry, subject: 'recordQueueFailure' }, [
    ...each('memory', [{ label: 'null', value: null }, { label: 'an object', value: {} }], TypeError, (v) => { recordQueueFailure(v as QueueMemory, 0, REASON); }, { range: 'QueueMemory', check: memoryUntouched }),
    ...each('worker', badIntegers({ below: -1, above: 2, positional: true }), RangeError, (v) => { recordQueueFailure(memory, v as number, REASON); }, { range: '[0, 1]', check: memoryUntouched }),
    ...each('reason', [{ label: 'null', value: null }, { label: 'a string', value: 'died' }], TypeError, (v) => { recordQueueFailure(memory, 0, v as ErrorInfo); }, { range: 'an object with name and message', check: memoryUntouched }),
  ]),
];

/** The waits, on an inline queue: bad timeouts and signals, and bounds that run out. */
function waitCases(subject: 'InlineQueue' | 'Workqueue'): Case[] {
  const still = async (run: (q: InlineQueue<Spec>) => unknown): Promise<unknown> => {
    const { q, done } = await inlineQueue();
    try {
      return await run(q);
    } finally {
      expect(q.stats()).toMatchObject({ submitted: 0, completed: 0 });
      expectStillWorks(q, done);
    }
  };
  const blocking: BadValue[] = [
    ...each('timeoutMs', BAD_POSITIONAL_TIMEOUTS, RangeError, (v) => still((q) => q.getRequestBlocking(v as number)), { range: TIMEOUT_RANGE }),
  ];
  const cases: Case[] = [
    ...casesFor({ entry, subject, member: '#getRequestBlocking' }, subject === 'InlineQueue' ? blocking : [
      ...blocking,
      {
        param: 'timeoutMs',
        label: 'a bound that runs out (every slot held)',
        value: 30,
        error: WaitTimeoutError,
        code: 'ERR_TWQ_TIMEOUT',
        call: async () => (await fullQueue()).getRequestBlocking(30),
        names: ['30 ms'],
      },
    ]),
    ...casesFor({ entry, subject, member: '#waitAll' }, each('timeoutMs', BAD_POSITIONAL_TIMEOUTS, RangeError, (v) => still((q) => { q.waitAll(v as number); }), { range: TIMEOUT_RANGE })),
    ...casesFor({ entry, subject, member: '#drain' }, [
      ...each('options', NOT_AN_OBJECT, TypeError, (v) => still((q) => q.drain(v as { timeoutMs?: number })), { range: 'object or undefined' }),
      ...each('options.timeoutMs', BAD_TIMEOUTS, RangeError, (v) => still((q) => q.drain({ timeoutMs: v as number })), { range: TIMEOUT_RANGE }),
      ...each('options.signal', NOT_A_SIGNAL, TypeError, (v) => still((q) => q.drain({ signal: v as AbortSignal })), { range: 'AbortSignal' }),
    ]),
  ];
  if (subject === 'Workqueue') {
    cases.push(
      ...casesFor({ entry, subject, member: '#getRequestAsync' }, [
        ...each('options', NOT_AN_OBJECT, TypeError, (v) => still((q) => q.getRequestAsync(v as { timeoutMs?: number })), { range: 'object or undefined' }),
        ...each('options.timeoutMs', BAD_TIMEOUTS, RangeError, (v) => still((q) => q.getRequestAsync({ timeoutMs: v as number })), { range: TIMEOUT_RANGE }),
        ...each('options.signal', NOT_A_SIGNAL, TypeError, (v) => still((q) => q.getRequestAsync({ signal: v as AbortSignal })), { range: 'AbortSignal' }),
        {
          param: 'options.timeoutMs',
          label: 'a bound that runs out (every slot held)',
          value: 30,
          error: WaitTimeoutError,
          code: 'ERR_TWQ_TIMEOUT',
          call: async () => (await fullQueue()).getRequestAsync({ timeoutMs: 30 }),
          names: ['30 ms'],
        },
      ]),
    );
  }
  return cases;
}

/** submit()'s bad options: refused before anything changed (the request is still held, and submits). */
function submitOptionValues(submit: (q: InlineQueue<Spec>, r: Request<Spec>, options: never) => void): BadValue[] {
  const refused = async (options: unknown): Promise<void> => {
    const { q, done } = await inlineQueue({ autoRun: false });
    const r = q.getRequest();
    if (r === null) throw new Error('no free request');
    try {
      submit(q, r, options as never);
    } finally {
      expect(q.stats().submitted).toBe(0);
      q.submit(r);
      q.waitAll(5_000);
      expect([...done]).toHaveLength(1);
    }
  };
  return [
    ...each('options', NOT_AN_OBJECT.filter((sample) => sample.value !== null), TypeError, refused, { range: 'submit(): options must be an object or undefined' }),
    ...each('options.signal', NOT_A_SIGNAL, TypeError, (v) => refused({ signal: v }), { range: 'options.signal must be an AbortSignal or undefined' }),
    ...each('options.timeoutMs', [{ label: 'negative', value: -1 }, { label: 'NaN', value: Number.NaN }, { label: 'a numeric string', value: '50' }], RangeError, (v) => refused({ timeoutMs: v }), { range: 'options.timeoutMs must be a number of milliseconds in [0, Infinity]' }),
  ];
}

/** submit() of what is not this queue's request to submit. */
function requestCases(): Case[] {
  const foreign = async (): Promise<Request<Spec>> => {
    const { q } = await inlineQueue({ name: 'other' });
    const r = q.getRequest();
    if (r === null) throw new Error('no free request');
    return r;
  };
  const refused = async (request: () => unknown): Promise<void> => {
    const { q, done } = await inlineQueue({ name: 'mine' });
    const r = await request();
    try {
      q.submit(r as Request<Spec>);
    } finally {
      expect(q.stats().submitted).toBe(0);
      expectStillWorks(q, done);
    }
  };
  const cancelRefused = async (request: () => unknown): Promise<void> => {
    const { q, done } = await inlineQueue({ name: 'mine' });
    const r = await request();
    try {
      q.cancel(r as Request<Spec>);
    } finally {
      expect(q.stats().cancelled).toBe(0);
      expectStillWorks(q, done);
    }
  };
  return [
    ...casesFor({ entry, subject: 'Workqueue', member: '#cancel' }, [
      { param: 'request', label: 'a request of another queue', value: 0, error: RequestStateError, code: 'ERR_TWQ_REQUEST_STATE', call: () => cancelRefused(foreign), names: ['slot 0 of another queue'], range: 'cancel() needs a request obtained from queue "mine"' },
      ...each(
        'request',
        [
          { label: 'a plain object', value: {} },
          { label: 'null', value: null },
          { label: 'a look-alike with a slot number', value: { slot: 0, worker: 0, seq: 1 } },
        ],
        RequestStateError,
        (v) => cancelRefused(() => v),
        { range: 'cancel() needs a request obtained from queue "mine"', names: (v) => (typeof v === 'object' && v !== null ? ['not a twq request', 'slot 0 of another queue'] : undefined) },
      ),
    ]),
    // The base class's own submit (InlineQueue's override runs its handlers after it).
    ...casesFor({ entry, subject: 'Workqueue', member: '#submit' }, submitOptionValues((q, r, o) => {
      Workqueue.prototype.submit.call(q, r, o);
    })),
    ...casesFor({ entry, subject: 'InlineQueue', member: '#submit' }, [
      { param: 'request', label: 'a request of another queue', value: 0, error: RequestStateError, code: 'ERR_TWQ_REQUEST_STATE', call: () => refused(foreign), names: ['slot 0 of another queue'], range: 'needs a request obtained from queue "mine"' },
      ...each(
        'request',
        [
          { label: 'a plain object', value: {} },
          { label: 'null', value: null },
          { label: 'a number', value: 3 },
          { label: 'a look-alike with a slot number', value: { slot: 0, worker: 0, seq: 1 } },
        ],
        RequestStateError,
        (v) => refused(() => v),
        { range: 'needs a request obtained from queue "mine"', names: (v) => (typeof v === 'object' && v !== null ? ['not a twq request', 'slot 0 of another queue'] : undefined) },
      ),
      ...submitOptionValues((q, r, o) => {
        q.submit(r, o);
      }),
      {
        param: 'request',
        label: 'the same request twice',
        value: 0,
        error: RequestStateError,
        code: 'ERR_TWQ_REQUEST_STATE',
        call: async () => {
          const { q, done } = await inlineQueue({ autoRun: false });
          const r = q.getRequest();
          if (r === null) throw new Error('no free request');
          r.seq = 99;
          q.submit(r);
          try {
            q.submit(r);
          } finally {
            q.waitAll(5_000);
            expect([...done]).toHaveLength(1);
          }
        },
        names: ['slot 0'],
        range: 'is not held by the submitter',
      },
    ]),
  ];
}

/** Every call on a destroyed queue: QueueDestroyedError naming the call and the queue. */
function afterDestroyCases(): Case[] {
  const calls: [string, string, (q: InlineQueue<Spec>, held: Request<Spec>) => unknown][] = [
    ['Workqueue', 'getRequest', (q) => q.getRequest()],
    ['InlineQueue', 'getRequestBlocking', (q) => q.getRequestBlocking()],
    ['Workqueue', 'getRequestAsync', (q) => q.getRequestAsync()],
    ['InlineQueue', 'submit', (q, held) => { q.submit(held); }],
    ['InlineQueue', 'waitAll', (q) => { q.waitAll(1_000); }],
    ['InlineQueue', 'drain', (q) => q.drain()],
  ];
  return calls.flatMap(([subject, method, run]) =>
    casesFor({ entry, subject, member: `#${method}` }, [
      {
        param: 'this',
        label: 'after destroy()',
        value: `${method}()`,
        error: QueueDestroyedError,
        code: 'ERR_TWQ_DESTROYED',
        call: async () => {
          const { q, held } = await destroyedQueue();
          return run(q, held);
        },
        names: [`${method}()`],
        range: 'queue "closed" is destroyed',
      },
    ]),
  );
}

/**
 * getRequestBlocking() from inside a done callback while no slot is free (the
 * only slot is the one being reported): refused at once instead of a deadlock,
 * and the queue goes on (the request was reported once, the slot is free).
 */
function reentrantCases(): Case[] {
  let queue: InlineQueue<Spec> | undefined;
  let reports = 0;
  return casesFor({ entry, subject: 'InlineQueue', member: '#getRequestBlocking' }, [
    {
      param: 'this',
      label: 'from a done callback with no free slot',
      value: 'getRequestBlocking()',
      error: ReentrantCallError,
      code: 'ERR_TWQ_REENTRANT_CALL',
      call: async () => {
        let refused: unknown;
        const q = track(
          await InlineQueue.create(ops, {
            slotsPerThread: 1,
            onDone() {
              reports++;
              try {
                q.getRequestBlocking(1_000);
              } catch (e) {
                refused = e;
              }
            },
          }),
        );
        queue = q;
        const r = q.getRequest();
        if (r === null) throw new Error('no free request');
        q.submit(r);
        q.waitAll(1_000);
        throw refused;
      },
      names: ['getRequestBlocking()'],
      range: 'from a done callback',
      check: () => {
        const q = queue as InlineQueue<Spec>;
        expect(reports).toBe(1);
        expect(q.stats()).toMatchObject({ submitted: 1, completed: 1, outstanding: 0 });
        expect(q.getRequest()).not.toBeNull();
      },
    },
  ]);
}

/** Ops of the largest request there is (16 MiB): a queue of many is more than one SharedArrayBuffer holds. */
const HUGE_OPS = defineOps({ layout: defineLayout({ data: { bytes: MAX_REQUEST_BYTES } }), handle() {} });

/**
 * One thread of just enough 16 MiB slots to be more than one SharedArrayBuffer
 * of this engine holds: each option in its range, their product not. None
 * where the engine allows more than any queue can need (Node.js 22: 2^53 - 1 bytes).
 */
export function overLimitCases(make: (slots: number) => unknown): BadValue[] {
  const slots = overLimitSlots(MAX_REQUEST_BYTES);
  if (slots === undefined) return [];
  return [
    {
      param: 'options.slotsPerThread',
      label: `just over the engine's SharedArrayBuffer limit (1 thread x ${slots} slots of 16 MiB)`,
      value: slots,
      error: RangeError,
      call: () => make(slots),
      names: [`slotsPerThread (${slots})`],
      range: `more than the ${maxSharedBytes()} bytes this engine allows in one SharedArrayBuffer`,
    },
  ];
}

/** A queue whose handled request's status was then written over with 7, no slot status (as a handler can, through any bytes field's .buffer). */
async function corruptedQueue(): Promise<InlineQueue<Spec>> {
  const q = track(await InlineQueue.create(ops, { slotsPerThread: 2, onDone() {} }));
  const r = q.getRequest() as Request<Spec>;
  r.seq = 1;
  q.submit(r);
  const memory = memoryOf(q);
  const g = memory.geometry;
  new Int32Array(memory.buffer, g.slotsBase + r.slot * g.slotStride, 1)[0] = 7;
  return q;
}

/** Calls on a queue that has failed (a replacement worker could not start). */
function failedQueueCases(): Case[] {
  return casesFor({ entry, subject: 'Workqueue', member: '#getRequest' }, [
    {
      param: 'this',
      label: 'after a handler wrote over a slot status (the trust model)',
      value: 7,
      error: QueueCorruptedError,
      code: 'ERR_TWQ_CORRUPTED',
      call: async () => {
        const q = await corruptedQueue();
        // The next claim of that slot reports it (not as a success); the call after finds the queue failed.
        q.waitAll();
        return q.getRequest();
      },
      names: ['status 7'],
      range: "the queue's shared memory was written over",
    },
    {
      param: 'this',
      label: 'on a failed queue with no free slot',
      value: 'failing',
      error: QueueFailedError,
      code: 'ERR_TWQ_FAILED',
      call: async () => (await failedQueue()).getRequest(),
      names: ['"failing"'],
      range: 'replacement failed',
    },
  ]);
}
