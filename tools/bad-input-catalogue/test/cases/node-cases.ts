/**
 * @twq/node: createQueue's module argument and every option, ops modules that
 * cannot be used, a set-up that fails on the workers (real threads, which
 * must all be gone), and a real queue after destroy() or given another
 * queue's request.
 */
import { MAX_THREADS, MIN_STACK_SIZE_MB, OpsLoadError, QueueDestroyedError, RequestStateError, WorkerStartError, createQueue, toModuleSpecifier, type NodeQueueOptions, type Ops, type Workqueue } from '@twq/node';
import { expect } from 'vitest';
import { badIntegers, casesFor, each, type Case, type Sample } from '../support/case.js';
import { inlineQueue, mix, track, type Spec } from '../support/fixtures.js';
import { BAD_MS } from './core-cases.js';

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
async function create(options: Record<string, unknown>, module: unknown = echo): Promise<unknown> {
  const q = await createQueue(module as URL, { threads: 1, slotsPerThread: 2, unref: false, ...options });
  return track(q);
}

/** The same, checking afterwards that no thread was left behind. */
async function createChecked(options: Record<string, unknown>, module: unknown = echo): Promise<unknown> {
  const before = threadHandles();
  try {
    return await create(options, module);
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

export const nodeCases: Case[] = [
  ...casesFor({ entry, subject: 'toModuleSpecifier' }, each('module', BAD_MODULES, TypeError, (v) => toModuleSpecifier(v), { range: 'URL or a non-empty path string' })),
  ...casesFor({ entry, subject: 'createQueue' }, [
    ...each('opsModule', BAD_MODULES, TypeError, (v) => createChecked({}, v), { range: 'URL or a non-empty path string' }),
    ...each(
      'opsModule',
      [
        { label: 'a file that does not exist', value: fixture('no-such-ops.mjs') },
        { label: 'a directory', value: fixture('') },
        { label: 'a module that throws on import', value: fixture('throws-on-import.mjs') },
        { label: 'a module whose export is not ops', value: fixture('not-ops.mjs') },
      ],
      OpsLoadError,
      (v) => createChecked({}, v),
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
      call: () => createChecked({}, fixture('setup-throws.mjs')),
      names: ['cannot set up slot 1'],
      range: 'worker 0 failed to start',
      timeoutMs: 20_000,
    },
    ...each('options', [{ label: 'null', value: null }, { label: 'a number', value: 5 }, { label: 'a string', value: 'threads=2' }], TypeError, (v) => createQueue(echo, v as NodeQueueOptions), { range: 'options must be an object' }),
    ...each(
      'options.exportName',
      [
        { label: 'empty', value: '' },
        { label: 'a number', value: 5 },
        { label: 'a symbol', value: Symbol('ops') },
      ],
      TypeError,
      (v) => createChecked({ exportName: v }),
      { range: 'non-empty string' },
    ),
    { param: 'options.exportName', label: 'a name the module does not export', value: 'other', error: OpsLoadError, code: 'ERR_TWQ_OPS_LOAD', call: () => createChecked({ exportName: 'other' }, fixture('not-ops.mjs')), range: 'its exports:' },
    ...each('options.startTimeoutMs', BAD_MS, RangeError, (v) => createChecked({ startTimeoutMs: v }), { range: 'finite number of milliseconds > 0' }),
    ...each('options.stopTimeoutMs', BAD_MS, RangeError, (v) => createChecked({ stopTimeoutMs: v }), { range: 'finite number of milliseconds > 0' }),
    ...each('options.threads', badIntegers({ below: 0, above: MAX_THREADS + 1 }), RangeError, (v) => createChecked({ threads: v }), { range: `[1, ${MAX_THREADS}]` }),
    ...each('options.slotsPerThread', badIntegers({ below: 0, above: 4097 }), RangeError, (v) => createChecked({ slotsPerThread: v }), { range: '[1, 4096]' }),
    ...each('options.name', [{ label: 'empty', value: '' }, { label: 'a number', value: 7 }, { label: '65 characters', value: 'n'.repeat(65) }], TypeError, (v) => createChecked({ name: v }), { range: '1 to 64 characters' }),
    ...each('options.policy', [{ label: 'unknown', value: 'lifo' }, { label: 'a number', value: 0 }], RangeError, (v) => createChecked({ policy: v }), { range: "'batch', 'round-robin'" }),
    ...each('options.spinBudget', badIntegers({ below: -1, above: 1_000_001 }), RangeError, (v) => createChecked({ spinBudget: v }), { range: '[0, 1000000]' }),
    ...each('options.steal', [{ label: 'a string', value: 'yes' }, { label: 'a number', value: 1 }], TypeError, (v) => createChecked({ steal: v }), { range: 'steal must be a boolean' }),
    ...each('options.help', [{ label: 'unknown', value: 'sometimes' }, { label: 'a boolean', value: true }], RangeError, (v) => createChecked({ help: v }), { range: "'auto', 'always', 'never'" }),
    ...each('options.onDone', [{ label: 'a string', value: 'log' }, { label: 'a number', value: 1 }], TypeError, (v) => createChecked({ onDone: v }), { range: 'function or undefined' }),
    ...each('options.replaceDeadWorkers', [{ label: 'a string', value: 'yes' }, { label: 'a number', value: 1 }], TypeError, (v) => createChecked({ replaceDeadWorkers: v }), { range: 'must be a boolean' }),
    ...each('options.unref', [{ label: 'a string', value: 'no' }, { label: 'a number', value: 0 }], TypeError, (v) => createChecked({ unref: v }), { range: 'must be a boolean' }),
    ...each('options.onWorkerExit', [{ label: 'a number', value: 5 }, { label: 'a string', value: 'log' }], TypeError, (v) => createChecked({ onWorkerExit: v }), { range: 'function or undefined' }),
    ...each('options.resourceLimits', [{ label: 'a string', value: 'x' }, { label: 'null', value: null }, { label: 'a number', value: 64 }], TypeError, (v) => createChecked({ resourceLimits: v }), { range: 'object or undefined' }),
    ...each(
      'options.resourceLimits.maxOldGenerationSizeMb',
      [{ label: 'negative', value: -5 }, { label: 'zero', value: 0 }, { label: 'NaN', value: Number.NaN }, { label: 'Infinity', value: Infinity }, { label: 'a numeric string', value: '64' }],
      RangeError,
      (v) => createChecked({ resourceLimits: { maxOldGenerationSizeMb: v } }),
      { range: 'finite number of MB > 0' },
    ),
    // Below MIN_STACK_SIZE_MB Node kills the whole process as the thread starts (0.23 MB and less on Node 20.20).
    ...each(
      'options.resourceLimits.stackSizeMb',
      [{ label: '0.1 MB (killed the process)', value: 0.1 }, { label: '0.2 MB (killed the process)', value: 0.2 }, { label: '0.25 MB (a worker cannot start)', value: 0.25 }, { label: 'just below the bound', value: MIN_STACK_SIZE_MB - 0.01 }],
      RangeError,
      (v) => createChecked({ resourceLimits: { stackSizeMb: v } }),
      { range: `finite number of MB >= ${MIN_STACK_SIZE_MB}` },
    ),
    ...each(
      'options.resourceLimits.stackSizeMb',
      [{ label: 'zero', value: 0 }, { label: 'negative', value: -1 }, { label: 'NaN', value: Number.NaN }, { label: 'Infinity', value: Infinity }],
      RangeError,
      (v) => createChecked({ resourceLimits: { stackSizeMb: v } }),
      { range: 'finite number of MB > 0' },
    ),
    { param: 'options.resourceLimits', label: 'an unknown limit (a typo)', value: 'maxOldSizeMb', error: TypeError, call: () => createChecked({ resourceLimits: { maxOldSizeMb: 64 } }), range: 'maxOldGenerationSizeMb' },
    ...each('options.opsOptions', [{ label: 'a function inside', value: { f() {} } }, { label: 'a symbol', value: Symbol('o') }], TypeError, (v) => createChecked({ opsOptions: v }), {
      range: 'structured-cloneable',
      names: (v) => (typeof v === 'symbol' ? ['Symbol(o)'] : ['f() {}', 'f(){}', 'could not be cloned']),
    }),
    {
      param: 'options.threads',
      label: 'a queue too large to allocate (256 threads x 4096 slots x 16 MiB requests)',
      value: 256,
      error: RangeError,
      // Every count within its limits, and 16 TiB in all: the allocation fails, and says so, before any thread starts.
      call: () => createChecked({ threads: MAX_THREADS, slotsPerThread: 4096 }, fixture('huge-ops.mjs')),
      names: ['cannot allocate'],
      range: '256 threads x 4096 slots',
      timeoutMs: 20_000,
    },
  ]),
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
