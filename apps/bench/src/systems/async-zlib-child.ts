/**
 * Child process of the async-zlib system. Node's async zlib runs on libuv's
 * thread pool, whose size (UV_THREADPOOL_SIZE) is read once, when the pool
 * first starts: a process can only have one size, hence one child per thread
 * count. The child rebuilds the same guest memory (the data sets are
 * deterministic), runs what the parent asks, and reports the tally; the parent
 * checks it against its reference like any other system's.
 */
import { deflateRaw, type ZlibOptions } from 'node:zlib';
import { fillDataSet } from '../data/data-sets.js';
import { allocateGuestMemory } from '../data/guest-memory.js';
import { COMPRESSION_LEVEL, PAGE_SIZE } from '../data/page-size.js';
import { PageTally, pageOfTask } from '../measure/page-tally.js';
import type { FromZlibChild, ToZlibChild } from './async-zlib-protocol.js';
import { runWindow } from './task-window.js';

const OPTIONS: ZlibOptions = Object.freeze({ level: COMPRESSION_LEVEL });

const send = (message: FromZlibChild): void => {
  process.send?.(message);
};

let run: ((tasks: number) => Promise<FromZlibChild>) | undefined;

function setup(dataSet: ToZlibChild & { type: 'setup' }): void {
  const memory = allocateGuestMemory(dataSet.memoryBytes);
  fillDataSet(memory.bytes, dataSet.dataSet);
  const { bytes, pages } = memory;
  const tally = new PageTally(pages);
  // The same work as compressPageInto(), through zlib's async one-shot API: a
  // DeflateRaw stream per call, compressed on a libuv pool thread.
  const compress = (page: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const at = page * PAGE_SIZE;
      deflateRaw(bytes.subarray(at, at + PAGE_SIZE), OPTIONS, (error, out) => {
        if (error === null) resolve(out.length);
        else reject(error);
      });
    });
  run = async (tasks: number): Promise<FromZlibChild> => {
    tally.reset();
    const t0 = performance.now();
    await runWindow(
      tasks,
      dataSet.window,
      (i) => compress(pageOfTask(i, pages)),
      (i, length) => {
        tally.add(pageOfTask(i, pages), length);
      },
    );
    const ms = performance.now() - t0;
    return { type: 'result', tasks, ms, total: tally.bytes, problem: tally.verify(tasks) };
  };
  send({ type: 'ready', threadPoolSize: process.env.UV_THREADPOOL_SIZE });
}

process.on('message', (message: ToZlibChild) => {
  try {
    if (message.type === 'setup') {
      setup(message);
    } else if (message.type === 'run') {
      if (run === undefined) throw new Error('run before setup');
      run(message.tasks).then(send, (e: unknown) => {
        send({ type: 'failed', message: String(e) });
      });
    } else {
      process.disconnect();
    }
  } catch (e) {
    send({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
  }
});
