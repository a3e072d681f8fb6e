import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { withTimeout } from '@twq/test-support/worker';
import { afterEach, describe, expect, it } from 'vitest';
import {
  OpsLoadError,
  QueueDestroyedError,
  RemoteError,
  TaskAbortedError,
  ValueCloneError,
  createPool,
  taskDuplex,
  taskTransformStream,
  type PoolOptions,
  type TaskPool,
} from '../dist/index.js';
import { fixture } from './helpers.js';

type TaskModule = typeof import('./fixtures/task-file.mjs');

const pools: TaskPool<unknown, unknown>[] = [];
async function pool<T = TaskModule>(options: Partial<PoolOptions> = {}) {
  const p = await createPool<T>({ filename: fixture('task-file.mjs'), threads: 2, ...options });
  pools.push(p);
  return p;
}
afterEach(async () => {
  await withTimeout(Promise.all(pools.splice(0).map((p) => p.destroy({ force: true }))), 20_000, 'destroying the pools');
});

const T = 20_000;

describe('createPool: a piscina task file, run()', () => {
  it('resolves each run with the default export’s result, values of every kind', async () => {
    const p = await pool();
    const values = [42, -0, 'héllo ✓', null, [1, [2, { x: 3n }]], new Map([[1, new Set(['a'])]]), new Date(5), new Float32Array([1.5, 2])];
    const results = await withTimeout(Promise.all(values.map((v) => p.run(v))), T, 'runs');
    expect(results).toStrictEqual(values.map((v) => structuredClone(v)));
  });

  it('all() keeps order; map() is ordered by default and complete unordered', async () => {
    const p = await pool<TaskModule['square']>({ name: 'square' });
    const inputs = Array.from({ length: 5000 }, (_, i) => i);
    expect(await withTimeout(p.all(inputs), T, 'all')).toStrictEqual(inputs.map((i) => i * i));
    const ordered: number[] = [];
    for await (const r of p.map(inputs)) ordered.push(r);
    expect(ordered).toStrictEqual(inputs.map((i) => i * i));
    const unordered: number[] = [];
    for await (const r of p.map(inputs, { ordered: false, concurrency: 7 })) unordered.push(r);
    expect(unordered.sort((a, b) => a - b)).toStrictEqual(inputs.map((i) => i * i));
  });

  it('map() over an async source, and breaking out stops reading it', async () => {
    const p = await pool<TaskModule['square']>({ name: 'square' });
    let read = 0;
    async function* source() {
      for (let i = 0; ; i++) {
        read++;
        yield await Promise.resolve(i);
      }
    }
    const got: number[] = [];
    for await (const r of p.map(source(), { concurrency: 16 })) {
      got.push(r);
      if (got.length === 100) break;
    }
    expect(got).toStrictEqual(Array.from({ length: 100 }, (_, i) => i * i));
    expect(read).toBeLessThanOrEqual(100 + 16 + 1);
  });

  it('a short task resolves while a long one still runs on the other worker (results are not held for a batch)', async () => {
    const p = await pool<TaskModule['spin']>({ name: 'spin', threads: 2 });
    const long = p.run(3000);
    const short = await withTimeout(p.run(1), 2500, 'the short task waited for the long one');
    expect(short).toBe(1);
    expect(await long).toBe(3000);
  });

  it('a value larger than the slot goes through the overflow arena both ways; the worker sees shared memory (no copy)', async () => {
    const p = await pool<TaskModule['sumBytes']>({ name: 'sumBytes', inlineBytes: 64 });
    const bytes = new Uint8Array(3_000_000).fill(2);
    expect(await withTimeout(p.run(bytes), T, 'big input')).toStrictEqual({ sum: 6_000_000, shared: true });
    const q = await pool<TaskModule['bigResult']>({ name: 'bigResult', inlineBytes: 64 });
    const out = await withTimeout(q.run(2_000_000), T, 'big result');
    expect(out.length).toBe(2_000_000);
    expect(out[1_999_999]).toBe(9);
    expect(out.buffer).toBeInstanceOf(ArrayBuffer);
  });

  it('the handler’s error rejects with a RemoteError carrying its name and message', async () => {
    const p = await pool<TaskModule['fail']>({ name: 'fail' });
    const e = await p.run('no good').then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(RemoteError);
    expect(e).toMatchObject({ name: 'RangeError', message: 'no good', code: 'ERR_TWQ_HANDLER_FAILED' });
    // The pool goes on.
    const ok = await pool<TaskModule['square']>({ name: 'square' });
    expect(await ok.run(3)).toBe(9);
  });

  it('bad input: a non-cloneable value, a value over the maximum, a result that cannot be sent', async () => {
    const p = await pool({ maxValueBytes: 4096 });
    await expect(p.run({ a: [() => 1] })).rejects.toThrow(ValueCloneError);
    await expect(p.run({ a: [() => 1] })).rejects.toThrow(/input\.a\[0\] is a function/);
    await expect(p.run(new Uint8Array(10_000))).rejects.toThrow(/10000 bytes, over maxValueBytes \(4096 bytes\)/);
    // The slot claimed for the refused input is not lost.
    expect(await withTimeout(p.all([1, 2, 3]), T, 'after refusals')).toStrictEqual([1, 2, 3]);
    const q = await pool({ name: 'giveFunction' });
    await expect(q.run(0)).rejects.toMatchObject({ name: 'ValueCloneError', message: expect.stringMatching(/the result\.f is a function/) as unknown });
  });

  it('a task file without a default export is an OpsLoadError naming the file and its exports', async () => {
    const e = await createPool({ filename: fixture('no-default.mjs'), threads: 1 }).then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(OpsLoadError);
    expect((e as Error).message).toMatch(/no-default\.mjs.*no function as a default export.*notDefault/);
  });

  it('a CommonJS task file (module.exports = fn) runs too', async () => {
    const p = await createPool<(x: number) => number>({ filename: fileURLToPath(fixture('cjs/task.js')), threads: 1 });
    pools.push(p);
    expect(await p.run(1)).toBe(2);
  });

  it('run after destroy rejects with QueueDestroyedError; destroy waits for tasks in flight', async () => {
    const p = await pool<TaskModule['sleepThen']>({ name: 'sleepThen', threads: 1, slotsPerThread: 2 });
    const inFlight = [p.run(50), p.run(20), p.run(10), p.run(5)];
    await withTimeout(p.destroy(), T, 'destroy');
    expect(await Promise.all(inFlight)).toStrictEqual([50, 20, 10, 5]);
    await expect(p.run(1)).rejects.toThrow(QueueDestroyedError);
    await expect(p.run(1)).rejects.toThrow(/run\(\) is not allowed after destroy/);
  });

  describe('a task cancelled before it starts never runs (claims)', () => {
    async function markPool(slotsPerThread: number) {
      const marks = new Int32Array(new SharedArrayBuffer(4 * 64));
      const p = await pool<TaskModule['mark']>({ name: 'mark', threads: 1, slotsPerThread, workerData: { marks: marks.buffer } });
      return { p, marks };
    }
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    // slotsPerThread 1: the second task waits in the pool's backlog; 4: it is queued in a slot.
    it.each([1, 4])('signal and timeoutMs while the worker is busy (slotsPerThread %i)', async (slotsPerThread) => {
      const { p, marks } = await markPool(slotsPerThread);
      const busy = p.run({ id: 0, ms: 400 });
      const ac = new AbortController();
      const bySignal = p.run({ id: 1, ms: 0 }, { signal: ac.signal });
      const byTimeout = p.run({ id: 2, ms: 0 }, { timeoutMs: 60 });
      await sleep(30);
      ac.abort();
      await expect(bySignal).rejects.toThrow(/aborted by its signal; the task had not started and never runs/);
      await expect(byTimeout).rejects.toThrow(/timed out after 60 ms; the task had not started and never runs/);
      expect(await withTimeout(busy, T, 'the busy task')).toBe(0);
      expect(await withTimeout(p.run({ id: 3, ms: 0 }), T, 'a task after the cancelled ones')).toBe(3);
      expect([...marks.subarray(0, 4)]).toStrictEqual([1, 0, 0, 1]);
      expect(p.queue.stats().outstanding).toBe(0);
    });

    it('a task already running finishes; its promise rejects at once and says so', async () => {
      const { p, marks } = await markPool(4);
      const ac = new AbortController();
      const running = p.run({ id: 0, ms: 200 }, { signal: ac.signal });
      await withTimeout((async () => { while (Atomics.load(marks, 0) === 0) await sleep(5); })(), T, 'the task to start');
      ac.abort();
      await expect(running).rejects.toThrow(/the task had started: it runs to its end, and its result is dropped/);
      expect(await withTimeout(p.run({ id: 1, ms: 0 }), T, 'the next task')).toBe(1);
      expect([...marks.subarray(0, 2)]).toStrictEqual([1, 1]);
    });

    it.each([true, false])('leaving map() early (break, ordered %s) cancels what has not started', async (ordered) => {
      const { p, marks } = await markPool(4);
      const inputs = Array.from({ length: 40 }, (_, id) => ({ id, ms: 20 }));
      // A sync source without a signal takes the plain iterator; an async one the generator.
      const sources = [inputs, Readable.from(inputs)];
      for (const [k, source] of sources.entries()) {
        marks.fill(0);
        for await (const id of p.map(source, { ordered })) {
          expect(id).toBeTypeOf('number');
          break;
        }
        await withTimeout(p.queue.drain(), T, 'the queue to drain');
        const ran = marks.reduce((a, b) => a + b, 0);
        // The result taken, the rest of its completion batch (a saturated pool wakes for half
        // the slots), one that had started, and slack for a slow main thread: never the 40.
        expect(ran, `source ${k}: tasks that ran`).toBeLessThanOrEqual(6);
      }
      expect(p.pending).toBe(0);
    });
  });

  it('signal and timeoutMs reject the promise, and the pool goes on', async () => {
    const p = await pool<TaskModule['sleepThen']>({ name: 'sleepThen', threads: 1 });
    const ac = new AbortController();
    const aborted = p.run(200, { signal: ac.signal });
    ac.abort();
    await expect(aborted).rejects.toThrow(TaskAbortedError);
    await expect(p.run(200, { timeoutMs: 10 })).rejects.toThrow(/timed out after 10 ms/);
    await expect(p.run(1, { signal: AbortSignal.abort() })).rejects.toThrow(/already aborted/);
    expect(await withTimeout(p.run(3), T, 'after aborts')).toBe(3);
    await expect(p.run(1, { name: 'other' })).rejects.toThrow(/one export/);
  });

  it('workerData reaches the task file as worker_threads.workerData, shared memory included', async () => {
    const shared = new SharedArrayBuffer(8);
    const p = await pool({ name: 'readWorkerData', workerData: { hello: 'world', shared } });
    expect(await p.run(0)).toStrictEqual({ hello: 'world', shared: true });
  });

  it('a Node Duplex and a WHATWG TransformStream over map()', async () => {
    const p = await pool<TaskModule['square']>({ name: 'square' });
    const out: number[] = [];
    await withTimeout(
      pipeline(
        Readable.from([1, 2, 3, 4]),
        taskDuplex(p),
        new Writable({
          objectMode: true,
          write(chunk: number, _enc, cb) {
            out.push(chunk);
            cb();
          },
        }),
      ),
      T,
      'pipeline',
    );
    expect(out).toStrictEqual([1, 4, 9, 16]);
    const { readable, writable } = taskTransformStream(p);
    const writer = writable.getWriter();
    const writing = (async () => {
      for (const n of [5, 6, 7]) await writer.write(n);
      await writer.close();
    })();
    const results: number[] = [];
    for await (const r of readable as unknown as AsyncIterable<number>) results.push(r);
    await writing;
    expect(results).toStrictEqual([25, 36, 49]);
  });

  it('bad options are named', async () => {
    await expect(createPool(null as never)).rejects.toThrow(/options must be an object/);
    await expect(createPool({ filename: fixture('task-file.mjs'), maxThreads: 0 })).rejects.toThrow(/maxThreads must be an integer in \[1, /);
    await expect(createPool({ filename: fixture('task-file.mjs'), minThreads: 3, maxThreads: 2 })).rejects.toThrow(/minThreads \(3\)/);
    await expect(createPool({ filename: fixture('task-file.mjs'), inlineBytes: 1 })).rejects.toThrow(/inlineBytes must be an integer in \[16, /);
    await expect(createPool({ filename: fixture('task-file.mjs'), workerData: { f: () => 1 } })).rejects.toThrow(/workerData must be structured-cloneable/);
  });
});
