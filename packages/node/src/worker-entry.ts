/**
 * Entry of each worker thread: core's WorkerMain over a message port. A
 * separate build entry, found by the supervisor through `import.meta.url`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { WorkerMain } from '@twq/core/host';
import { loadOps } from './load-ops.js';
import type { WorkerData } from './protocol.js';

/** Period of the timer that keeps an async worker's event loop alive (it never needs to fire). */
const KEEP_ALIVE_MS = 1 << 30;

const data = workerData as WorkerData;
const port = parentPort;
if (port === null) throw new Error('@twq/node worker entry must run in a worker thread');

// A Node worker's death is heard by its supervisor (the thread's exit event): it does not report its own.
await new WorkerMain(
  {
    post: (m) => {
      port.postMessage(m);
    },
    close: () => undefined,
    keepAlive: () => {
      const timer = setInterval(() => undefined, KEEP_ALIVE_MS);
      return () => {
        clearInterval(timer);
      };
    },
  },
  {
    init: data.init,
    worker: data.worker,
    loadOps: () => loadOps(data.opsModule, data.exportName, data.init.opsOptions),
    reportsOwnDeath: false,
    failQueueOnDeath: false,
  },
).serve();
