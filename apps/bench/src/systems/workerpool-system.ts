import { fileURLToPath } from 'node:url';
import workerpool from 'workerpool';
import type { BenchSystem, SystemSetup } from './bench-system.js';
import { workerData } from './piscina-system.js';
import { promisePoolSystem } from './promise-pool-system.js';

const WORKER_SCRIPT = fileURLToPath(new URL('../peers/workerpool-worker.js', import.meta.url));

/** workerpool, thread mode: one postMessage per task (method name + arguments), shared memory as workerData. */
export function startWorkerpool(setup: SystemSetup): Promise<BenchSystem> {
  const pool = workerpool.pool(WORKER_SCRIPT, {
    minWorkers: setup.threads,
    maxWorkers: setup.threads,
    workerType: 'thread',
    workerThreadOpts: { workerData: workerData(setup) },
  });
  return Promise.resolve(
    promisePoolSystem(
      'workerpool',
      setup,
      (task, input) => pool.exec(task, [input]) as unknown as Promise<number>,
      async () => {
        await pool.terminate();
      },
    ),
  );
}
