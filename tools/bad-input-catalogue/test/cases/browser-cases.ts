/**
 * @twq/browser, in Node: everything createQueue checks before it starts a
 * Worker (each case proves no worker factory call was made), the isolation
 * check, and serveOps outside a worker. What needs real Web Workers and a
 * page's main thread (blocking waits refused there, worker faults) runs in
 * Chromium in packages/browser/test.
 */
import { CrossOriginIsolationError, OpsLoadError, assertCrossOriginIsolated, createQueue, createTaskQueue, type BrowserQueueOptions, type IsolationScope } from '@twq/browser';
import { serveOps } from '@twq/browser/worker';
import { expect } from 'vitest';
import { badIntegers, casesFor, each, type Case } from '../support/case.js';
import { layout, ops } from '../support/fixtures.js';
import { BAD_MS, elasticOptionValues } from './core-cases.js';

const entry = '@twq/browser';

/** A worker factory that must never be called by a refused createQueue (there is no Worker in Node anyway). */
function factory(): { make: (index: number) => Worker; calls: () => number } {
  let calls = 0;
  return {
    make: () => {
      calls++;
      throw new Error('a Worker was requested: the bad input was not refused first');
    },
    calls: () => calls,
  };
}

/** createQueue, or createTaskQueue (the same options but onDone, and a task queue). */
type QueueMaker = (ops: unknown, options: BrowserQueueOptions) => Promise<unknown>;

/** createQueue (or createTaskQueue) with `options` over a valid worker factory; afterwards, the factory must not have been called. */
async function create(make: QueueMaker, options: Record<string, unknown>, theOps: unknown = ops): Promise<unknown> {
  const f = factory();
  try {
    return await make(theOps, { worker: f.make, ...options });
  } finally {
    expect(f.calls(), 'workers started by a refused createQueue()').toBe(0);
  }
}

/** createQueue's and createTaskQueue's cases: one option check (prepareQueue in create-queue.ts), both entries. */
function queueCases(subject: string, make: QueueMaker): Case[] {
  return casesFor({ entry, subject }, [
    ...each('options', [{ label: 'undefined', value: undefined }, { label: 'null', value: null }, { label: 'a string', value: 'worker.js' }], TypeError, (v) => make(ops, v as BrowserQueueOptions), {
      range: 'options must be an object with at least a worker',
    }),
    ...each(
      'options.worker',
      [
        { label: 'missing', value: undefined },
        { label: 'a number', value: 42 },
        { label: 'an empty URL string', value: '' },
        { label: 'an object that is not a URL', value: { url: 'worker.js' } },
      ],
      TypeError,
      (v) => make(ops, { worker: v } as BrowserQueueOptions),
      { range: 'options.worker must be a function returning a module Worker' },
    ),
    ...each(
      'options.worker',
      [
        { label: 'a data: URL (code in the URL itself)', value: 'data:text/javascript,self.close()' },
        { label: 'a data: URL object', value: new URL('data:text/javascript,self.close()') },
        { label: 'a URL of another origin', value: 'https://example.com/worker.js' },
      ],
      TypeError,
      (v) => make(ops, { worker: v } as BrowserQueueOptions),
      { range: 'unless the option allowDataAndNetworkModules is true', names: (v) => [JSON.stringify(String(v))] },
    ),
    ...each('options.allowDataAndNetworkModules', [{ label: 'a string', value: 'yes' }, { label: 'a number', value: 1 }], TypeError, (v) => create(make, { allowDataAndNetworkModules: v }), { range: 'must be a boolean' }),
    ...each('options.replaceDeadWorkers', [{ label: 'a string', value: 'yes' }, { label: 'a number', value: 1 }], TypeError, (v) => create(make, { replaceDeadWorkers: v }), { range: 'must be a boolean' }),
    ...each('options.onWorkerExit', [{ label: 'a number', value: 1 }, { label: 'a string', value: 'log' }], TypeError, (v) => create(make, { onWorkerExit: v }), { range: 'function or undefined' }),
    ...each('options.startTimeoutMs', BAD_MS, RangeError, (v) => create(make, { startTimeoutMs: v }), { range: 'finite number of milliseconds > 0' }),
    ...each('options.stopTimeoutMs', BAD_MS, RangeError, (v) => create(make, { stopTimeoutMs: v }), { range: 'finite number of milliseconds > 0' }),
    ...each(
      'options.opsOptions',
      [
        { label: 'an object holding a function', value: { f() {} } },
        { label: 'a symbol', value: Symbol('o') },
      ],
      TypeError,
      (v) => create(make, { opsOptions: v }),
      { range: 'opsOptions must be structured-cloneable', names: (v) => (typeof v === 'symbol' ? ['Symbol(o)'] : ['f() {}', 'f(){}', 'could not be cloned']) },
    ),
    ...each('options.threads', badIntegers({ below: 0, above: 257 }), RangeError, (v) => create(make, { threads: v }), { range: '[1, 256]' }),
    ...elasticOptionValues((o) => create(make, o), 256),
    ...each('options.slotsPerThread', badIntegers({ below: 0, above: 4097 }), RangeError, (v) => create(make, { slotsPerThread: v }), { range: '[1, 4096]' }),
    ...each('options.name', [{ label: '65 characters', value: 'w'.repeat(65) }, { label: 'a number', value: 3 }], TypeError, (v) => create(make, { name: v }), { range: '1 to 64 characters' }),
    ...each('options.policy', [{ label: 'unknown', value: 'lifo' }], RangeError, (v) => create(make, { policy: v }), { range: "'batch', 'round-robin'" }),
    ...each('options.spinBudget', badIntegers({ below: -1, above: 1_000_001 }), RangeError, (v) => create(make, { spinBudget: v }), { range: '[0, 1000000]' }),
    ...each('options.steal', [{ label: 'a string', value: 'yes' }, { label: 'a number', value: 1 }], TypeError, (v) => create(make, { steal: v }), { range: 'steal must be a boolean' }),
    ...each('options.help', [{ label: 'unknown', value: 'sometimes' }, { label: 'a boolean', value: true }], RangeError, (v) => create(make, { help: v }), { range: "'auto', 'always', 'never'" }),
    ...each('options.requestTimeoutMs', [{ label: 'negative', value: -1 }, { label: 'NaN', value: Number.NaN }, { label: 'a numeric string', value: '50' }], RangeError, (v) => create(make, { requestTimeoutMs: v }), { range: 'requestTimeoutMs must be a number of milliseconds in [0, Infinity]' }),
    ...each('options.timeoutGraceMs', [{ label: 'negative', value: -1 }, { label: 'NaN', value: Number.NaN }, { label: 'a numeric string', value: '50' }], RangeError, (v) => create(make, { timeoutGraceMs: v }), { range: 'timeoutGraceMs must be a number of milliseconds in [0, Infinity]' }),
    ...(make === createQueue
      ? each('options.onDone', [{ label: 'a string', value: 'x' }], TypeError, (v) => create(make, { onDone: v }), { range: 'function or undefined' })
      : each('options.onDone', [{ label: 'a function', value: () => {} }], TypeError, (v) => create(make, { onDone: v }), { range: 'onDone must be absent' })),
    ...each(
      'ops',
      [
        { label: 'null', value: null },
        { label: 'a layout instead of ops', value: layout },
        { label: 'a factory returning a string', value: () => 'ops' },
      ],
      OpsLoadError,
      (v) => create(make, {}, v),
      { code: 'ERR_TWQ_OPS_LOAD', names: (v) => (v === null ? ['null'] : typeof v === 'function' ? ['"ops"'] : ['"run"', 'undefined']) },
    ),
    {
      param: 'this',
      label: 'a page that is not cross-origin isolated',
      value: false,
      error: CrossOriginIsolationError,
      code: 'ERR_TWQ_NOT_ISOLATED',
      call: async () => {
        const g = globalThis as { crossOriginIsolated?: boolean };
        const had = Object.getOwnPropertyDescriptor(g, 'crossOriginIsolated');
        g.crossOriginIsolated = false;
        try {
          return await create(make, {});
        } finally {
          if (had === undefined) delete g.crossOriginIsolated;
          else Object.defineProperty(g, 'crossOriginIsolated', had);
        }
      },
      names: ['crossOriginIsolated is false'],
      range: 'Cross-Origin-Opener-Policy: same-origin',
    },
  ]);
}

export const browserCases: Case[] = [
  ...queueCases('createQueue', createQueue),
  ...queueCases('createTaskQueue', createTaskQueue),
  ...casesFor({ entry, subject: 'assertCrossOriginIsolated' }, [
    ...each(
      'scope',
      [
        { label: 'not isolated', value: { crossOriginIsolated: false, SharedArrayBuffer } },
        { label: 'without SharedArrayBuffer', value: { SharedArrayBuffer: undefined } },
      ],
      CrossOriginIsolationError,
      (v) => { assertCrossOriginIsolated(v as IsolationScope); },
      { code: 'ERR_TWQ_NOT_ISOLATED', range: 'Cross-Origin-Embedder-Policy: require-corp', names: (v) => ((v as IsolationScope).crossOriginIsolated === false ? ['crossOriginIsolated is false'] : ['SharedArrayBuffer is not defined']) },
    ),
    ...each('scope', [{ label: 'null', value: null }, { label: 'a number', value: 5 }, { label: 'a string', value: 'window' }], TypeError, (v) => { assertCrossOriginIsolated(v as IsolationScope); }, { range: 'object' }),
  ]),
  ...casesFor({ entry: '@twq/browser/worker', subject: 'serveOps' }, [
    {
      param: 'this',
      label: 'called outside a dedicated Web Worker (here: Node)',
      value: 'serveOps()',
      error: TypeError,
      call: () => { serveOps(ops); },
      names: ['serveOps()'],
      range: 'must run in a module Web Worker',
    },
  ]),
];
