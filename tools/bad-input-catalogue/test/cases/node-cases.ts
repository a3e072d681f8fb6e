/**
 * @twq/node: createQueue's module argument and every option, ops modules that
 * cannot be used, a set-up that fails on the workers (real threads, which
 * must all be gone), and a real queue after destroy() or given another
 * queue's request.
 */
import { MAX_THREADS, MIN_STACK_SIZE_MB, OpsLoadError, QueueDestroyedError, RequestStateError, WorkerStartError, createQueue, createTaskQueue, toModuleSpecifier, type NodeQueueOptions, type Ops, type Workqueue } from '@twq/node';
import { expect } from 'vitest';
import { badIntegers, casesFor, each, type Case, type Sample } from '../support/case.js';
import { inlineQueue, mix, track, type Spec } from '../support/fixtures.js';
import { overLimitCases } from './core-cases.js';
import { BAD_MS, elasticOptionValues } from './core-cases.js';

const entry = '@twq/node';
const fixture = (name: string): URL => new URL(`../fixtures/${name}`, import.meta.url);
const echo = fixture('echo-ops.mjs');

/** Threads this process runs: a refused creation must leave as many as before (queues here are made with unref: false, so they show). */
function threadHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'MessagePort' || r === 'Worker').length;
}

async function expectNoThreadLeft(before: number): Promise<void> {
  const deadline = performance.now() + 5_000;
  while (threadHandles() > before && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(threadHandles(), 'threads left running after a refused createQueue()').toBe(before);
}

/** createQueue over the echo ops with `options` added; whatever it creates is tracked (and destroyed after the run). */
async function create(make: QueueMaker, options: Record<string, unknown>, module: unknown = echo): Promise<unknown> {
  const q = await make(module as URL, { threads: 1, slotsPerThread: 2, unref: false, ...options });
  return track(q);
}

/** createQueue, or createTaskQueue (the same options but onDone, and a task queue). */
type QueueMaker = (opsModule: URL, options: NodeQueueOptions) => Promise<{ destroy(options?: { force?: boolean }): Promise<void> }>;

/** The same, checking afterwards that no thread was left behind. */
async function createChecked(make: QueueMaker, options: Record<string, unknown>, module: unknown = echo): Promise<unknown> {
  const before = threadHandles();
  try {
    return await create(make, options, module);
  } finally {
    await expectNoThreadLeft(before);
  }
}

/** A real queue whose done callback records results, for the cases that need one running. */
async function realQueue(): Promise<{ q: Workqueue<Spec>; done: Map<number, number> }> {
  const done = new Map<number, number>();
  const q = await createQueue<Ops<Spec>>(echo, {
    threads: 1,
    slotsPerThread: 2,
    onDone(r, error) {
      if (error !== undefined) throw error;
      done.set(r.seq, r.out);
    },
  });
  return { q: track(q), done };
}

const BAD_MODULES: Sample[] = [
  { label: 'an empty string', value: '' },
  { label: 'a number', value: 42 },
  { label: 'null', value: null },
  { label: 'a plain object', value: { href: echo.href } },
];

/** Modules whose code is in the URL itself or comes from a server: refused unless allowDataAndNetworkModules is true (the trust model). */
export const DATA_AND_NETWORK_MODULES: Sample[] = [
  { label: 'a data: URL', value: `data:text/javascript,${encodeURIComponent(`export * from ${JSON.stringify(echo.href)};`)}` },
  { label: 'a data: URL object', value: new URL('data:text/javascript,export const ops = 1') },
  { label: 'an https: URL', value: 'https://example.com/ops.mjs' },
  { label: 'an http: URL object', value: new URL('http://example.com/ops.mjs') },
];
/** How a refused data: or network module is named: the URL as a string (cut short past 80 characters, as describeValue does). */
export function moduleNames(v: unknown): readonly string[] {
  const href = v instanceof URL ? v.href : String(v);
  return [JSON.stringify(href.length > 80 ? href.slice(0, 80) : href)];
}
const NOT_BOOLEAN: Sample[] = [
  { label: 'a string', value: 'yes' },
  { label: 'a number', value: 1 },
];

/** createQueue's and createTaskQueue's cases: one option check (loadQueue in create-queue.ts), both entries. */
function queueCases(subject: string, make: QueueMaker): Case[] {
  return casesFor({ entry, subject }, [
    ...each('opsModule', BAD_MODULES, TypeError, (v) => createChecked(make, {}, v), { range: 'URL or a non-empty path string' }),
    ...each('opsModule', DATA_AND_NETWORK_MODULES, TypeError, (v) => createChecked(make, {}, v), { range: 'unless the option allowDataAndNetworkModules is true', names: moduleNames }),
    ...each('options.allowDataAndNetworkModules', NOT_BOOLEAN, TypeError, (v) => createChecked(make, { allowDataAndNetworkModules: v }), { range: 'allowDataAndNetworkModules must be a boolean' }),
    ...each(
      'opsModule',
      [
        { label: 'a file that does not exist', value: fixture('no-such-ops.mjs') },
        { label: 'a directory', value: fixture('') },
        { label: 'a module that throws on import', value: fixture('throws-on-import.mjs') },
        { label: 'a module whose export is not ops', value: fixture('not-ops.mjs') },
      ],
      OpsLoadError,
      (v) => createChecked(make, {}, v),
      {
        code: 'ERR_TWQ_OPS_LOAD',
        names: (v) => {
          const href = (v as URL).href;
          return href.endsWith('not-ops.mjs') ? ['got 42'] : [href.slice(href.indexOf('/fixtures/'))];
        },
      },
    ),
    {
      param: 'opsModule',
      label: 'ops whose set-up fails on the worker',
      value: 'cannot set up slot 1',
      error: WorkerStartError,
      code: 'ERR_TWQ_WORKER_START',
      call: () => createChecked(make, {}, fixture('setup-throws.mjs')),
      names: ['cannot set up slot 1'],
      range: 'worker 0 failed to start',
      timeoutMs: 20_000,
    },
    ...each('options', [{ label: 'null', value: null }, { label: 'a number', value: 5 }, { label: 'a string', value: 'threads=2' }], TypeError, (v) => make(echo, v as NodeQueueOptions), { range: 'options must be an object' }),
    ...each(
      'options.exportName',
      [
        { label: 'empty', value: '' },
        { label: 'a number', value: 5 },
        { label: 'a symbol', value: Symbol('ops') },
      ],
      TypeError,
      (v) => createChecked(make, { exportName: v }),
      { range: 'non-empty string' },
    ),
    { param: 'options.exportName', label: 'a name the module does not export', value: 'other', error: OpsLoadError, code: 'ERR_TWQ_OPS_LOAD', call: () => createChecked(make, { exportName: 'other' }, fixture('not-ops.mjs')), range: 'its exports:' },
    ...each('options.startTimeoutMs', BAD_MS, RangeError, (v) => createChecked(make, { startTimeoutMs: v }), { range: 'finite number of milliseconds > 0' }),
    ...each('options.stopTimeoutMs', BAD_MS, RangeError, (v) => createChecked(make, { stopTimeoutMs: v }), { range: 'finite number of milliseconds > 0' }),
    ...each('options.threads', badIntegers({ below: 0, above: MAX_THREADS + 1 }), RangeError, (v) => createChecked(make, { threads: v }), { range: `[1, ${MAX_THREADS}]` }),
    ...elasticOptionValues((o) => createChecked(make, o), MAX_THREADS),
    ...each('options.slotsPerThread', badIntegers({ below: 0, above: 4097 }), RangeError, (v) => createChecked(make, { slotsPerThread: v }), { range: '[1, 4096]' }),
    ...each('options.name', [{ label: 'empty', value: '' }, { label: 'a number', value: 7 }, { label: '65 characters', value: 'n'.repeat(65) }], TypeError, (v) => createChecked(make, { name: v }), { range: '1 to 64 characters' }),
    ...each('options.policy', [{ label: 'unknown', value: 'lifo' }, { label: 'a number', value: 0 }], RangeError, (v) => createChecked(make, { policy: v }), { range: "'batch', 'round-robin'" }),
    ...each('options.spinBudget', badIntegers({ below: -1, above: 1_000_001 }), RangeError, (v) => createChecked(make, { spinBudget: v }), { range: '[0, 1000000]' }),
    ...each('options.steal', [{ label: 'a string', value: 'yes' }, { label: 'a number', value: 1 }], TypeError, (v) => createChecked(make, { steal: v }), { range: 'steal must be a boolean' }),
    ...each('options.help', [{ label: 'unknown', value: 'sometimes' }, { label: 'a boolean', value: true }], RangeError, (v) => createChecked(make, { help: v }), { range: "'auto', 'always', 'never'" }),
    ...each('options.requestTimeoutMs', [{ label: 'negative', value: -1 }, { label: 'NaN', value: Number.NaN }, { label: 'a numeric string', value: '50' }], RangeError, (v) => createChecked(make, { requestTimeoutMs: v }), { range: 'requestTimeoutMs must be a number of milliseconds in [0, Infinity]' }),
    ...each('options.timeoutGraceMs', [{ label: 'negative', value: -1 }, { label: 'NaN', value: Number.NaN }, { label: 'a numeric string', value: '50' }], RangeError, (v) => createChecked(make, { timeoutGraceMs: v }), { range: 'timeoutGraceMs must be a number of milliseconds in [0, Infinity]' }),
    ...(make === createQueue
      ? each('options.onDone', [{ label: 'a string', value: 'log' }, { label: 'a number', value: 1 }], TypeError, (v) => createChecked(make, { onDone: v }), { range: 'function or undefined' })
      : each('options.onDone', [{ label: 'a function', value: () => {} }, { label: 'a string', value: 'log' }], TypeError, (v) => createChecked(make, { onDone: v }), { range: 'onDone must be absent' })),
    ...each('options.replaceDeadWorkers', [{ label: 'a string', value: 'yes' }, { label: 'a number', value: 1 }], TypeError, (v) => createChecked(make, { replaceDeadWorkers: v }), { range: 'must be a boolean' }),
    ...each('options.unref', [{ label: 'a string', value: 'no' }, { label: 'a number', value: 0 }], TypeError, (v) => createChecked(make, { unref: v }), { range: 'must be a boolean' }),
    ...each('options.onWorkerExit', [{ label: 'a number', value: 5 }, { label: 'a string', value: 'log' }], TypeError, (v) => createChecked(make, { onWorkerExit: v }), { range: 'function or undefined' }),
    ...each('options.resourceLimits', [{ label: 'a string', value: 'x' }, { label: 'null', value: null }, { label: 'a number', value: 64 }], TypeError, (v) => createChecked(make, { resourceLimits: v }), { range: 'object or undefined' }),
    ...each(
      'options.resourceLimits.maxOldGenerationSizeMb',
      [{ label: 'negative', value: -5 }, { label: 'zero', value: 0 }, { label: 'NaN', value: Number.NaN }, { label: 'Infinity', value: Infinity }, { label: 'a numeric string', value: '64' }],
      RangeError,
      (v) => createChecked(make, { resourceLimits: { maxOldGenerationSizeMb: v } }),
      { range: 'finite number of MB > 0' },
    ),
    // Below MIN_STACK_SIZE_MB Node kills the whole process as the thread starts (0.23 MB and less on Node 20.20).
    ...each(
      'options.resourceLimits.stackSizeMb',
      [{ label: '0.1 MB (killed the process)', value: 0.1 }, { label: '0.2 MB (killed the process)', value: 0.2 }, { label: '0.25 MB (a worker cannot start)', value: 0.25 }, { label: 'just below the bound', value: MIN_STACK_SIZE_MB - 0.01 }],
      RangeError,
      (v) => createChecked(make, { resourceLimits: { stackSizeMb: v } }),
      { range: `finite number of MB >= ${MIN_STACK_SIZE_MB}` },
    ),
    ...each(
      'options.resourceLimits.stackSizeMb',
      [{ label: 'zero', value: 0 }, { label: 'negative', value: -1 }, { label: 'NaN', value: Number.NaN }, { label: 'Infinity', value: Infinity }],
      RangeError,
      (v) => createChecked(make, { resourceLimits: { stackSizeMb: v } }),
      { range: 'finite number of MB > 0' },
    ),
    { param: 'options.resourceLimits', label: 'an unknown limit (a typo)', value: 'maxOldSizeMb', error: TypeError, call: () => createChecked(make, { resourceLimits: { maxOldSizeMb: 64 } }), range: 'maxOldGenerationSizeMb' },
    ...each('options.opsOptions', [{ label: 'a function inside', value: { f() {} } }, { label: 'a symbol', value: Symbol('o') }], TypeError, (v) => createChecked(make, { opsOptions: v }), {
      range: 'structured-cloneable',
      names: (v) => (typeof v === 'symbol' ? ['Symbol(o)'] : ['f() {}', 'f(){}', 'could not be cloned']),
    }),
    {
      param: 'options.threads',
      label: 'a queue too large for one SharedArrayBuffer (256 threads x 4096 slots x 16 MiB requests)',
      value: 256,
      error: RangeError,
      // Every count within its limits, and 16 TiB in all: refused, naming the options and the limit, before any thread starts.
      call: () => createChecked(make, { threads: MAX_THREADS, slotsPerThread: 4096 }, fixture('huge-ops.mjs')),
      names: ['threads (256)'],
      range: 'bytes of shared memory',
      timeoutMs: 20_000,
    },
    ...overLimitCases((slots) => createChecked(make, { threads: 1, slotsPerThread: slots }, fixture('huge-ops.mjs'))),
  ]);
}

export const nodeCases: Case[] = [
  ...casesFor({ entry, subject: 'toModuleSpecifier' }, [
    ...each('module', BAD_MODULES, TypeError, (v) => toModuleSpecifier(v), { range: 'URL or a non-empty path string' }),
    ...each('module', DATA_AND_NETWORK_MODULES, TypeError, (v) => toModuleSpecifier(v), { range: 'unless the option allowDataAndNetworkModules is true', names: moduleNames }),
    ...each('allowDataAndNetworkModules', NOT_BOOLEAN, TypeError, (v) => toModuleSpecifier(echo, v as boolean), { range: 'must be a boolean' }),
  ]),
  ...queueCases('createQueue', createQueue),
  ...queueCases('createTaskQueue', createTaskQueue),
  ...casesFor({ entry, subject: 'Workqueue', member: '#submit' }, [
    {
      param: 'request',
      label: "another queue's request, on a running queue of real threads",
      value: 0,
      error: RequestStateError,
      code: 'ERR_TWQ_REQUEST_STATE',
      call: async () => {
        const { q, done } = await realQueue();
        const other = await inlineQueue({ name: 'inline' });
        const foreign = other.q.getRequest();
        try {
          q.submit(foreign as unknown as ReturnType<typeof q.getRequestBlocking>);
        } finally {
          const r = q.getRequestBlocking(5_000);
          r.seq = 12345;
          q.submit(r);
          q.waitAll(10_000);
          expect(done.get(12345), 'the queue still works').toBe(mix(12345));
        }
      },
      names: ['slot 0 of another queue'],
      range: 'needs a request obtained from queue "twq"',
      timeoutMs: 20_000,
    },
  ]),
  ...casesFor({ entry, subject: 'Workqueue', member: '#getRequest' }, [
    {
      param: 'this',
      label: 'after destroy(), on a queue of real threads',
      value: 'getRequest()',
      error: QueueDestroyedError,
      code: 'ERR_TWQ_DESTROYED',
      call: async () => {
        const { q } = await realQueue();
        await q.destroy();
        return q.getRequest();
      },
      names: ['getRequest()'],
      range: 'is not allowed after destroy()',
      timeoutMs: 20_000,
    },
  ]),
];
