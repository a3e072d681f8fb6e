/**
 * The task API (issue 14): createPool in @twq/node (real threads) and
 * @twq/browser (refused before any Worker is asked for), the pool's run / all
 * / map / destroy, the stream wrappers, the value-mode options, and the
 * queue's settle(). Values that cannot be sent are refused with a
 * ValueCloneError naming where they sit; a value over the maximum with a
 * RangeError naming its size and the option.
 */
import { createPool as createBrowserPool } from '@twq/browser';
import { serveTask } from '@twq/browser/worker';
import { InlineQueue, MAX_CONCURRENCY, QueueDestroyedError, TaskPool, ValueCloneError, taskTransformStream } from '@twq/core';
import { computeGeometry, resolveValueMode } from '@twq/core/host';
import { MAX_THREADS, OpsLoadError, createPool, maxSharedBytes, taskDuplex } from '@twq/node';
import { DATA_AND_NETWORK_MODULES, moduleNames } from './node-cases.js';
import { expect } from 'vitest';
import { badIntegers, casesFor, each, type BadValue, type Case, type Sample } from '../support/case.js';
import { ops, track, type Spec } from '../support/fixtures.js';
import { BAD_DESTROY_MS, BAD_MS } from './core-cases.js';

const taskFile = new URL('../fixtures/echo-task.mjs', import.meta.url);
const noDefault = new URL('../fixtures/echo-ops.mjs', import.meta.url);

let shared: Promise<TaskPool<unknown, unknown>> | undefined;
/** One running pool for the calls on a pool; after each refusal it must still answer. */
function pool(): Promise<TaskPool<unknown, unknown>> {
  shared ??= createPool({ filename: taskFile, threads: 1, slotsPerThread: 4, maxValueBytes: 4096 }).then((p) => track(p));
  return shared;
}
async function stillWorks(): Promise<void> {
  const p = await pool();
  expect(await p.run({ n: 7 })).toStrictEqual({ n: 7 });
}

/** A pool made and destroyed for the calls after destroy(). */
async function destroyedPool(): Promise<TaskPool<unknown, unknown>> {
  const p = await createPool({ filename: taskFile, threads: 1, slotsPerThread: 2 });
  await p.destroy();
  return p;
}

async function createNode(options: Record<string, unknown>): Promise<unknown> {
  const p = await createPool({ filename: taskFile, threads: 1, slotsPerThread: 2, unref: false, ...options });
  return track(p);
}

async function createBrowser(options: Record<string, unknown>): Promise<unknown> {
  let calls = 0;
  const worker = (): Worker => {
    calls++;
    throw new Error('a Worker was requested: the bad input was not refused first');
  };
  try {
    return await createBrowserPool({ worker, ...options });
  } finally {
    expect(calls, 'workers started by a refused createPool()').toBe(0);
  }
}

const NOT_AN_OBJECT: Sample[] = [
  { label: 'null', value: null },
  { label: 'a number', value: 5 },
  { label: 'a string', value: 'fast' },
];
const NOT_A_SIGNAL: Sample[] = [
  { label: 'a string', value: 'abort' },
  { label: 'an object', value: { aborted: false } },
];
const NOT_A_BOOLEAN: Sample[] = [
  { label: 'a string', value: 'yes' },
  { label: 'a number', value: 1 },
];
const NOT_CLONEABLE: Sample[] = [
  { label: 'a function', value: () => 1 },
  { label: 'a symbol', value: Symbol('task') },
  { label: 'a WeakMap', value: new WeakMap() },
  { label: 'a function inside an object', value: { a: [1, { f: () => 1 }] } },
];
const NOT_ITERABLE: Sample[] = [
  { label: 'a number', value: 5 },
  { label: 'null', value: null },
  { label: 'a plain object', value: { length: 2 } },
];
const NOT_TASKS: Sample[] = [
  { label: 'null', value: null },
  { label: 'a plain object', value: { run() {} } },
];

/** Where the codec names a refused input: the part of the value it is. */
function cloneNames(v: unknown): readonly string[] {
  if (typeof v === 'function') return ['input is a function'];
  if (typeof v === 'symbol') return ['Symbol(task)'];
  if (v instanceof WeakMap) return ['[object WeakMap]'];
  return ['input.a[1].f'];
}

/** The run() cases, for TaskQueue's and TaskPool's (a pool is a task queue). */
function runValues(): BadValue[] {
  const run = async (input: unknown, options?: unknown): Promise<unknown> => (await pool()).run(input, options as never);
  return [
    ...each('input', NOT_CLONEABLE, ValueCloneError, (v) => run(v), { code: 'ERR_TWQ_NOT_CLONEABLE', names: cloneNames, range: 'structured-cloneable', check: stillWorks }),
    {
      param: 'input',
      label: 'a value over maxValueBytes',
      value: 20_000,
      error: RangeError,
      call: () => run(new Uint8Array(20_000)),
      names: ['20016 bytes', '20000'],
      range: 'maxValueBytes (4096 bytes)',
      check: stillWorks,
    },
    ...each('options', NOT_AN_OBJECT, TypeError, (v) => run(1, v), { range: 'object or undefined', check: stillWorks }),
    ...each('options.signal', NOT_A_SIGNAL, TypeError, (v) => run(1, { signal: v }), { range: 'AbortSignal or undefined', check: stillWorks }),
    ...each('options.timeoutMs', BAD_MS.filter((s) => s.value !== 0 && s.value !== Infinity), RangeError, (v) => run(1, { timeoutMs: v }), { range: '[0, Infinity]', check: stillWorks }),
    { param: 'this', label: 'after destroy()', value: 'run()', error: QueueDestroyedError, code: 'ERR_TWQ_DESTROYED', call: async () => (await destroyedPool()).run(1), names: ['run()'], range: 'after destroy()' },
  ];
}

export const taskCoreCases: Case[] = [
  ...casesFor({ entry: '@twq/core', subject: 'TaskQueue', member: '#run' }, runValues()),
  ...casesFor({ entry: '@twq/core', subject: 'TaskPool', member: '#run' }, [
    ...runValues(),
    ...each('options.transferList', [{ label: 'a buffer, not a list', value: new ArrayBuffer(8) }], TypeError, async (v) => (await pool()).run(1, { transferList: v as never }), {
      range: 'array or undefined',
      check: stillWorks,
    }),
    ...each('options.name', [{ label: 'another export', value: 'other' }], TypeError, async (v) => (await pool()).run(1, { name: v as string }), { range: 'one export', check: stillWorks }),
  ]),
  ...casesFor({ entry: '@twq/core', subject: 'TaskQueue', member: '#all' }, [
    ...each('inputs', NOT_ITERABLE, TypeError, async (v) => (await pool()).all(v as never), { range: 'iterable', check: stillWorks }),
    ...each('inputs', [{ label: 'a function among them', value: [1, () => 2] }], ValueCloneError, async (v) => (await pool()).all(v as never), { names: () => ['function'], check: stillWorks }),
  ]),
  ...casesFor({ entry: '@twq/core', subject: 'TaskQueue', member: '#map' }, [
    ...each('source', NOT_ITERABLE, TypeError, async (v) => (await pool()).map(v as never), { range: 'iterable or async iterable', check: stillWorks }),
    ...each('options', NOT_AN_OBJECT, TypeError, async (v) => (await pool()).map([], v as never), { range: 'object or undefined', check: stillWorks }),
    ...each('options.ordered', NOT_A_BOOLEAN, TypeError, async (v) => (await pool()).map([], { ordered: v as boolean }), { range: 'boolean', check: stillWorks }),
    ...each('options.signal', NOT_A_SIGNAL, TypeError, async (v) => (await pool()).map([], { signal: v as AbortSignal }), { range: 'AbortSignal or undefined', check: stillWorks }),
    ...each('options.concurrency', badIntegers({ below: 0, above: MAX_CONCURRENCY + 1 }), RangeError, async (v) => (await pool()).map([], { concurrency: v as number }), {
      range: `[1, ${MAX_CONCURRENCY}]`,
      check: stillWorks,
    }),
  ]),
  ...casesFor({ entry: '@twq/core', subject: 'TaskQueue', member: '#destroy' }, [
    ...each('options', NOT_AN_OBJECT, TypeError, async (v) => (await pool()).destroy(v as never), { range: 'object or undefined', check: stillWorks }),
    ...each('options.force', NOT_A_BOOLEAN, TypeError, async (v) => (await pool()).destroy({ force: v as boolean }), { range: 'boolean', check: stillWorks }),
    ...each('options.timeoutMs', BAD_DESTROY_MS, RangeError, async (v) => (await pool()).destroy({ timeoutMs: v as number }), { range: 'finite number of milliseconds >= 0', check: stillWorks }),
  ]),
  ...casesFor({ entry: '@twq/core', subject: 'taskTransformStream' }, [
    ...each('tasks', NOT_TASKS, TypeError, (v) => taskTransformStream(v as never), { range: 'task queue or pool' }),
    ...each('options', NOT_AN_OBJECT, TypeError, async (v) => taskTransformStream(await pool(), v as never), { range: 'object or undefined', check: stillWorks }),
    ...each('options.ordered', NOT_A_BOOLEAN, TypeError, async (v) => taskTransformStream(await pool(), { ordered: v as boolean }), { range: 'boolean' }),
    ...each('options.signal', NOT_A_SIGNAL, TypeError, async (v) => taskTransformStream(await pool(), { signal: v as AbortSignal }), { range: 'AbortSignal or undefined' }),
    ...each('options.concurrency', [{ label: 'zero', value: 0 }, { label: 'a fraction', value: 1.5 }], RangeError, async (v) => taskTransformStream(await pool(), { concurrency: v as number }), {
      range: `[1, ${MAX_CONCURRENCY}]`,
    }),
  ]),
  ...casesFor({ entry: '@twq/core/host', subject: 'resolveValueMode' }, [
    ...each('o', NOT_AN_OBJECT, TypeError, (v) => resolveValueMode(v as never), { range: 'must be an object' }),
    ...each('o', [{ label: 'inlineBytes below 16', value: 8 }], RangeError, (v) => resolveValueMode({ inlineBytes: v as number }), { range: '[16, ' }),
  ]),
  ...casesFor({ entry: '@twq/core', subject: 'Workqueue', member: '#settle' }, settleValues()),
];

function settleValues(): BadValue[] {
  const queue = async (): Promise<InlineQueue<Spec>> => track(await InlineQueue.create(ops, { slotsPerThread: 2 }));
  return [
    ...each('options', NOT_AN_OBJECT, TypeError, async (v) => (await queue()).settle(v as never), { range: 'object or undefined' }),
    ...each('options.signal', NOT_A_SIGNAL, TypeError, async (v) => (await queue()).settle({ signal: v as AbortSignal }), { range: 'AbortSignal or undefined' }),
    ...each('options.timeoutMs', [{ label: 'negative', value: -1 }, { label: 'NaN', value: Number.NaN }], RangeError, async (v) => (await queue()).settle({ timeoutMs: v as number }), { range: '[0, Infinity]' }),
    ...each('options.wakeBatch', badIntegers({ below: 0 }), RangeError, async (v) => (await queue()).settle({ wakeBatch: v as number }), { range: 'integer >= 1' }),
    {
      param: 'this',
      label: 'after destroy()',
      value: 'settle()',
      error: QueueDestroyedError,
      code: 'ERR_TWQ_DESTROYED',
      call: async () => {
        const q = await queue();
        await q.destroy();
        return q.settle();
      },
      names: ['settle()'],
      range: 'after destroy()',
    },
  ];
}

/** The options a pool shares with a queue, refused by the pool as by createQueue. */
function poolOptionValues(create: (options: Record<string, unknown>) => Promise<unknown>, direct: (options: unknown) => Promise<unknown>): BadValue[] {
  return [
    ...each('options', NOT_AN_OBJECT, TypeError, (v) => direct(v), { range: 'options must be an object' }),
    ...each('options.threads', badIntegers({ below: 0, above: MAX_THREADS + 1 }), RangeError, (v) => create({ threads: v }), { range: '[1, ' }),
    ...each('options.maxThreads', badIntegers({ below: 0 }), RangeError, (v) => create({ maxThreads: v }), { range: 'integer' }),
    ...each('options.minThreads', badIntegers({ below: 0 }), RangeError, (v) => create({ minThreads: v }), { range: 'integer' }),
    ...each('options.minThreads', [{ label: 'above maxThreads', value: 3 }], RangeError, (v) => create({ minThreads: v, maxThreads: 2 }), { range: 'at most the pool' }),
    ...each('options.inlineBytes', badIntegers({ below: 8, above: 2 ** 20 + 1 }), RangeError, (v) => create({ inlineBytes: v }), { range: '[16, 1048576]' }),
    ...each('options.maxArenaBytes', badIntegers({ below: 100 }), RangeError, (v) => create({ maxArenaBytes: v }), { range: '[4096, ' }),
    ...each('options.maxValueBytes', [...badIntegers({ below: 0 }), { label: 'above maxArenaBytes - 64', value: 8000 }], RangeError, (v) => create({ maxValueBytes: v, maxArenaBytes: 8000 }), {
      range: 'maxArenaBytes - 64',
    }),
    ...each('options.slotsPerThread', badIntegers({ below: 0, above: 4097 }), RangeError, (v) => create({ slotsPerThread: v }), { range: '[1, 4096]' }),
    ...each('options.policy', [{ label: 'unknown', value: 'lifo' }], RangeError, (v) => create({ policy: v }), { range: "'batch', 'round-robin'" }),
    ...each('options.spinBudget', badIntegers({ below: -1, above: 1_000_001 }), RangeError, (v) => create({ spinBudget: v }), { range: '[0, 1000000]' }),
    ...each('options.replaceDeadWorkers', NOT_A_BOOLEAN, TypeError, (v) => create({ replaceDeadWorkers: v }), { range: 'must be a boolean' }),
    ...each('options.onWorkerExit', [{ label: 'a number', value: 5 }], TypeError, (v) => create({ onWorkerExit: v }), { range: 'function or undefined' }),
    ...each('options.startTimeoutMs', BAD_MS, RangeError, (v) => create({ startTimeoutMs: v }), { range: 'finite number of milliseconds > 0' }),
    ...each('options.stopTimeoutMs', BAD_MS, RangeError, (v) => create({ stopTimeoutMs: v }), { range: 'finite number of milliseconds > 0' }),
    ...each('options.allowDataAndNetworkModules', NOT_A_BOOLEAN, TypeError, (v) => create({ allowDataAndNetworkModules: v }), { range: 'must be a boolean' }),
    // Each option in its range, the arena or the queue more than one SharedArrayBuffer of this engine holds.
    ...(ENGINE_LIMIT < 2 ** 40
      ? each('options.maxArenaBytes', [{ label: "above the engine's SharedArrayBuffer limit", value: ENGINE_LIMIT + 8 }], RangeError, (v) => create({ maxArenaBytes: v }), {
          range: `[4096, ${ENGINE_LIMIT}]`,
        })
      : []),
    ...(computeGeometry(MAX_THREADS, 4096, 2 ** 21).totalBytes > ENGINE_LIMIT
      ? [
          {
            param: 'options.inlineBytes',
            label: '1 MiB each way with 256 threads x 4096 slots: a queue too large for one SharedArrayBuffer',
            value: 2 ** 20,
            error: RangeError,
            call: () => create({ threads: MAX_THREADS, slotsPerThread: 4096, inlineBytes: 2 ** 20 }),
            names: ['inlineBytes (1048576)'],
            range: `more than the ${ENGINE_LIMIT} bytes this engine allows in one SharedArrayBuffer`,
          },
        ]
      : []),
  ];
}

/** The largest SharedArrayBuffer of this engine. */
const ENGINE_LIMIT = maxSharedBytes();

export const taskNodeCases: Case[] = [
  ...casesFor({ entry: '@twq/node', subject: 'createPool' }, [
    ...poolOptionValues(createNode, (v) => createPool(v as never)),
    ...each('options.name', [{ label: 'empty', value: '' }, { label: 'a number', value: 7 }], TypeError, (v) => createNode({ name: v }), { range: 'non-empty string' }),
    ...each('options.filename', [{ label: 'a number', value: 42 }, { label: 'an empty string', value: '' }], TypeError, (v) => createNode({ filename: v }), { range: 'URL or a non-empty path string' }),
    ...each('options.filename', DATA_AND_NETWORK_MODULES, TypeError, (v) => createNode({ filename: v }), { range: 'unless the option allowDataAndNetworkModules is true', names: moduleNames }),
    {
      param: 'options.filename',
      label: 'a task file without a default export',
      value: 'echo-ops.mjs',
      error: OpsLoadError,
      code: 'ERR_TWQ_OPS_LOAD',
      call: () => createNode({ filename: noDefault }),
      names: ['echo-ops.mjs'],
      range: 'no function as a default export',
      timeoutMs: 20_000,
    },
    { param: 'options.name', label: 'an export the file does not have', value: 'other', error: OpsLoadError, code: 'ERR_TWQ_OPS_LOAD', call: () => createNode({ name: 'other' }), range: 'its exports:', timeoutMs: 20_000 },
    ...each('options.workerData', [{ label: 'a function inside', value: { f: () => 1 } }], TypeError, (v) => createNode({ workerData: v }), {
      range: 'structured-cloneable',
      names: () => ['[object Object]'],
    }),
    ...each('options.unref', NOT_A_BOOLEAN, TypeError, (v) => createNode({ unref: v }), { range: 'must be a boolean' }),
    ...each('options.resourceLimits', [{ label: 'a string', value: 'x' }], TypeError, (v) => createNode({ resourceLimits: v }), { range: 'object or undefined' }),
  ]),
  ...casesFor({ entry: '@twq/node', subject: 'taskDuplex' }, [
    ...each('tasks', NOT_TASKS, TypeError, (v) => taskDuplex(v as never), { range: 'task queue or pool' }),
    ...each('options', NOT_AN_OBJECT, TypeError, async (v) => taskDuplex(await pool(), v as never), { range: 'object or undefined', check: stillWorks }),
    ...each('options.ordered', NOT_A_BOOLEAN, TypeError, async (v) => taskDuplex(await pool(), { ordered: v as boolean }), { range: 'boolean' }),
    ...each('options.signal', NOT_A_SIGNAL, TypeError, async (v) => taskDuplex(await pool(), { signal: v as AbortSignal }), { range: 'AbortSignal or undefined' }),
    ...each('options.concurrency', [{ label: 'zero', value: 0 }], RangeError, async (v) => taskDuplex(await pool(), { concurrency: v as number }), { range: `[1, ${MAX_CONCURRENCY}]` }),
  ]),
];

export const taskBrowserCases: Case[] = [
  ...casesFor({ entry: '@twq/browser', subject: 'createPool' }, [
    ...poolOptionValues(createBrowser, (v) => createBrowserPool(v as never)),
    ...each('options.name', [{ label: 'empty', value: '' }, { label: 'a number', value: 7 }], TypeError, (v) => createBrowser({ name: v }), { range: '1 to 64 characters' }),
    ...each('options.worker', [{ label: 'a number', value: 42 }, { label: 'an object that is not a URL', value: { url: 'w.js' } }], TypeError, (v) => createBrowserPool({ worker: v } as never), {
      range: 'options.worker must be a function returning a module Worker',
    }),
  ]),
  ...casesFor({ entry: '@twq/browser/worker', subject: 'serveTask' }, [
    ...each('task', [{ label: 'a string', value: 'task.js' }, { label: 'an object', value: { default() {} } }], TypeError, (v) => {
      serveTask(v as never);
    }, { range: 'the task function' }),
  ]),
];
