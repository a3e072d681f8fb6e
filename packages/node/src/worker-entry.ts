/**
 * Entry of each worker thread: loads the ops, sets up its slots, publishes
 * READY, then runs the worker loop until the queue is destroyed. A separate
 * build entry, found by the supervisor through `import.meta.url`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { WorkerRuntime, toErrorInfo } from '@twq/core';
import { loadOps } from './load-ops.js';
import type { FromWorker, WorkerData } from './protocol.js';

/** How long a replacement parks at a time while the submitter has not reclaimed the dead worker's slots. */
const RECLAIM_POLL_MS = 100;
/** Period of the timer that keeps an async worker's event loop alive (it never needs to fire). */
const KEEP_ALIVE_MS = 1 << 30;

async function main(): Promise<void> {
  const data = workerData as WorkerData;
  const port = parentPort;
  if (port === null) throw new Error('@twq/node worker entry must run in a worker thread');
  const post = (m: FromWorker): void => {
    port.postMessage(m);
  };
  let runtime: WorkerRuntime;
  try {
    const ops = await loadOps(data.opsModule, data.exportName, data.init.opsOptions);
    runtime = new WorkerRuntime(
      data.init.buffer,
      data.worker,
      ops,
      { threads: data.init.threads, slotsPerThread: data.init.slotsPerThread, name: data.init.name, options: data.init.opsOptions },
      data.init.spinBudget,
    );
    runtime.setupSlots();
  } catch (e) {
    post({ type: 'start-failed', error: toErrorInfo(e) });
    return;
  }
  // A replacement waits until the submitter has taken back its predecessor's
  // in-flight slots (status RECLAIMED); a first worker finds STARTING.
  while (!runtime.isStartable() && !runtime.isDestroyed()) runtime.waitStatusChange(RECLAIM_POLL_MS);
  runtime.markReady();
  post({ type: 'ready' });
  const looping = runtime.run();
  if (looping !== undefined) {
    // A pending Atomics.waitAsync does not keep a Node thread's event loop
    // alive: without this handle, a worker whose handlers are async would exit
    // as soon as it parked.
    const keepAlive = setInterval(() => undefined, KEEP_ALIVE_MS);
    try {
      await looping;
    } finally {
      clearInterval(keepAlive);
    }
  }
  runtime.teardownSlots();
  runtime.markStopped();
}

await main();
