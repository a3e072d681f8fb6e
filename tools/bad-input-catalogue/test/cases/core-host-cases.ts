/**
 * '@twq/core/host': the seam's classes an adapter builds on (Supervisor,
 * WorkerMain, StartOutcome) and its helpers. Each refuses what an adapter
 * could pass wrong, before anything starts.
 */
import { OpsLoadError, Workqueue } from '@twq/core';
import { QueueMemory, StartOutcome, recordHostFailure, Supervisor, WorkerMain, memoryOf, readGeometry, resolveOpsExport, type WorkerMainOptions, type WorkerSeam } from '@twq/core/host';
import { badIntegers, casesFor, each, type Case, type Sample } from '../support/case.js';
import { ops, spyHost } from '../support/fixtures.js';

const entry = '@twq/core/host';

const NOT_A_FUNCTION: Sample[] = [
  { label: 'a string', value: 'yes' },
  { label: 'a number', value: 1 },
];
const NOT_A_BOOLEAN: Sample[] = [
  { label: 'a string', value: 'yes' },
  { label: 'a number', value: 1 },
];
const NOT_AN_OBJECT: Sample[] = [
  { label: 'null', value: null },
  { label: 'a string', value: 'fast' },
];
const BAD_MS: Sample[] = [
  { label: 'negative', value: -1 },
  { label: 'NaN', value: Number.NaN },
  { label: 'Infinity', value: Infinity },
  { label: 'a numeric string', value: '500' },
];
/** A seam object missing a method: the message names the method and what it got (undefined). */
const missing = (v: unknown): readonly string[] | undefined => (typeof v === 'object' && v !== null ? ['undefined'] : undefined);

const NOT_ERROR_INFO: Sample[] = [
  { label: 'a string', value: 'died' },
  { label: 'null', value: null },
];

const memory = memoryOf(new Workqueue(ops, { threads: 2, slotsPerThread: 4 }, spyHost(), 2));
const init = { buffer: memory.buffer, name: 'twq', threads: 2, slotsPerThread: 4, spinBudget: 0, opsOptions: undefined };
const seam = { spawn: () => ({}), terminate: () => undefined };
const events = { workerExit: () => undefined };
const supervisor = (): Supervisor<object> => new Supervisor<object>(seam, memory, true, events);
const workerSeam: WorkerSeam = { post: () => undefined, close: () => undefined };
const workerOptions: WorkerMainOptions = { init, worker: 0, loadOps: () => ops, reportsOwnDeath: false, failQueueOnDeath: false };
const withOption = (key: string, value: unknown): WorkerMainOptions => ({ ...workerOptions, [key]: value });

/** A refused call must leave the queue's memory as it was. */
function memoryUntouched(): void {
  readGeometry(memory.buffer);
  if (memory.blocks.some((b) => b.status() !== 0)) throw new Error('a refused call changed a worker status');
}

export const coreHostCases: Case[] = [
  ...casesFor({ entry, subject: 'recordHostFailure' }, [
    ...each('memory', [{ label: 'null', value: null }, { label: 'a buffer', value: memory.buffer }], TypeError, (v) => { recordHostFailure(v as QueueMemory, { name: 'Error', message: 'x' }); }, { range: 'QueueMemory', check: memoryUntouched }),
    ...each('reason', NOT_ERROR_INFO, TypeError, (v) => { recordHostFailure(memory, v as never); }, { range: 'an object with name and message', check: memoryUntouched }),
  ]),
  ...casesFor({ entry, subject: 'memoryOf' }, each('queue', [...NOT_AN_OBJECT, { label: 'a plain object', value: { memory } }], TypeError, (v) => memoryOf(v as Workqueue), { range: 'must be a Workqueue' })),
  ...casesFor({ entry, subject: 'resolveOpsExport' }, [
    ...each('exported', [{ label: 'a string', value: 'ops' }, { label: 'a factory returning a number', value: () => 42 }], OpsLoadError, (v) => resolveOpsExport(v, undefined, 'my-ops.js'), {
      names: (v) => (typeof v === 'string' ? ['"ops"'] : ['42']),
    }),
  ]),
  ...casesFor({ entry, subject: 'StartOutcome', member: 'new' }, [
    ...each('timeoutMs', [...BAD_MS, { label: 'zero', value: 0 }], RangeError, (v) => new StartOutcome(v as number, '', () => undefined), { range: 'finite number of milliseconds > 0' }),
    ...each('hint', [{ label: 'a number', value: 5 }, { label: 'null', value: null }], TypeError, (v) => new StartOutcome(1000, v as string, () => undefined), { range: 'must be a string' }),
    ...each('cleanup', NOT_A_FUNCTION, TypeError, (v) => new StartOutcome(1000, '', v as () => void), { range: 'must be a function' }),
  ]),
  ...casesFor({ entry, subject: 'StartOutcome', member: '#fail' }, [
    ...each('error', [{ label: 'a string', value: 'failed' }, { label: 'null', value: null }], TypeError, (v) => {
      const outcome = new StartOutcome(1000, '', () => undefined);
      try {
        outcome.fail(v as Error);
      } finally {
        outcome.succeed();
      }
    }, { range: 'must be an Error' }),
  ]),
  ...casesFor({ entry, subject: 'Supervisor', member: 'new' }, [
    ...each('seam', [...NOT_AN_OBJECT, { label: 'without terminate()', value: { spawn: () => ({}) } }], TypeError, (v) => new Supervisor(v as typeof seam, memory, true, events), { range: 'seam', check: memoryUntouched, names: missing }),
    ...each('memory', [{ label: 'a SharedArrayBuffer', value: memory.buffer }, { label: 'null', value: null }], TypeError, (v) => new Supervisor(seam, v as QueueMemory, true, events), { range: 'must be a QueueMemory' }),
    ...each('replaceDeadWorkers', NOT_A_BOOLEAN, TypeError, (v) => new Supervisor(seam, memory, v as boolean, events), { range: 'must be a boolean' }),
    ...each('events', [...NOT_AN_OBJECT, { label: 'without workerExit()', value: {} }], TypeError, (v) => new Supervisor(seam, memory, true, v as typeof events), { range: 'events', names: missing }),
  ]),
  ...casesFor({ entry, subject: 'Supervisor', member: '#start' }, each('outcome', [{ label: 'a promise', value: Promise.resolve() }, { label: 'null', value: null }], TypeError, (v) => { supervisor().start(v as StartOutcome); }, { range: 'StartOutcome or undefined', check: memoryUntouched })),
  ...casesFor({ entry, subject: 'Supervisor', member: '#message' }, [
    ...each('worker', badIntegers({ below: -1, above: 2, positional: true }), RangeError, (v) => { supervisor().message(v as number, {}, { twq: 'twq@1', type: 'stopped' }); }, { range: '[0, 1]' }),
    ...each('m', [{ label: "a user's message", value: { type: 'ready' } }, { label: 'null', value: null }], TypeError, (v) => { supervisor().message(0, {}, v as never); }, { range: 'WorkerMessage' }),
  ]),
  ...casesFor({ entry, subject: 'Supervisor', member: '#error' }, [
    ...each('worker', badIntegers({ below: -1, above: 2, positional: true }), RangeError, (v) => { supervisor().error(v as number, {}, { name: 'Error', message: 'x' }); }, { range: '[0, 1]' }),
    ...each('error', NOT_ERROR_INFO, TypeError, (v) => { supervisor().error(0, {}, v as never); }, { range: 'an ErrorInfo' }),
  ]),
  ...casesFor({ entry, subject: 'Supervisor', member: '#exited' }, [
    ...each('worker', badIntegers({ below: -1, above: 2, positional: true }), RangeError, (v) => { supervisor().exited(v as number, {}, 1); }, { range: '[0, 1]', check: memoryUntouched }),
    ...each('exitCode', badIntegers({ above: 2 ** 31, positional: true }), RangeError, (v) => { supervisor().exited(0, {}, v as number); }, { range: 'integer in [-2147483648, 2147483647]', check: memoryUntouched }),
    ...each('reason', NOT_ERROR_INFO, TypeError, (v) => { supervisor().exited(0, {}, 1, v as never); }, { range: 'an ErrorInfo', check: memoryUntouched }),
  ]),
  ...casesFor({ entry, subject: 'Supervisor', member: '#terminateWorker' }, [
    ...each('worker', badIntegers({ below: -1, above: 2, positional: true }), RangeError, (v) => { supervisor().terminateWorker(v as number, { name: 'TimeoutError', message: 'x' }); }, { range: '[0, 1]', check: memoryUntouched }),
    ...each('reason', NOT_ERROR_INFO, TypeError, (v) => { supervisor().terminateWorker(0, v as never); }, { range: 'an ErrorInfo', check: memoryUntouched }),
  ]),
  ...casesFor({ entry, subject: 'Supervisor', member: '#startWorker' }, [
    ...each('worker', badIntegers({ below: -1, above: 2, positional: true }), RangeError, (v) => { supervisor().startWorker(v as number); }, { range: '[0, 1]', check: memoryUntouched }),
  ]),
  ...casesFor({ entry, subject: 'Supervisor', member: '#stop' }, [
    ...each('force', NOT_A_BOOLEAN, TypeError, (v) => supervisor().stop(v as boolean, 0), { range: 'must be a boolean' }),
    ...each('stopTimeoutMs', BAD_MS, RangeError, (v) => supervisor().stop(false, v as number), { range: 'finite number of milliseconds >= 0' }),
  ]),
  ...casesFor({ entry, subject: 'WorkerMain', member: 'new' }, [
    ...each('seam', [...NOT_AN_OBJECT, { label: 'without close()', value: { post: () => undefined } }], TypeError, (v) => new WorkerMain(v as WorkerSeam, workerOptions), { range: 'seam', names: missing }),
    ...each('options', NOT_AN_OBJECT, TypeError, (v) => new WorkerMain(workerSeam, v as WorkerMainOptions), { range: 'loadOps' }),
    ...each('options.loadOps', NOT_A_FUNCTION, TypeError, (v) => new WorkerMain(workerSeam, withOption('loadOps', v)), { range: 'must be a function' }),
    ...each('options.beforeReady', NOT_A_FUNCTION, TypeError, (v) => new WorkerMain(workerSeam, withOption('beforeReady', v)), { range: 'function or undefined' }),
    ...each('options.init', [{ label: 'null', value: null }, { label: 'a buffer of no queue', value: { ...init, buffer: new SharedArrayBuffer(1024) } }], TypeError, (v) => new WorkerMain(workerSeam, withOption('init', v)), { range: 'not a twq queue buffer', names: (v) => (v === null ? ['undefined'] : ['magic 0']) }),
    ...each('options.worker', badIntegers({ below: -1, above: 2 }), RangeError, (v) => new WorkerMain(workerSeam, withOption('worker', v)), { range: '[0, 1]' }),
    ...each('options.reportsOwnDeath', NOT_A_BOOLEAN, TypeError, (v) => new WorkerMain(workerSeam, withOption('reportsOwnDeath', v)), { range: 'must be a boolean' }),
    ...each('options.failQueueOnDeath', NOT_A_BOOLEAN, TypeError, (v) => new WorkerMain(workerSeam, withOption('failQueueOnDeath', v)), { range: 'must be a boolean' }),
  ]),
  ...casesFor({ entry, subject: 'WorkerMain', member: '#watch' }, each('scope', [...NOT_AN_OBJECT, { label: 'without close()', value: { addEventListener: () => undefined } }], TypeError, (v) => { new WorkerMain(workerSeam, workerOptions).watch(v as never); }, { range: 'scope', names: missing })),
  ...casesFor({ entry, subject: 'WorkerMain', member: '#end' }, each('error', NOT_ERROR_INFO, TypeError, (v) => { new WorkerMain(workerSeam, workerOptions).end(v as never); }, { range: 'an ErrorInfo' })),
];
