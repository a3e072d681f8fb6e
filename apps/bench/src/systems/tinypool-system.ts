import Tinypool from 'tinypool';
import type { BenchSystem, SystemSetup } from './bench-system.js';
import { workerData } from './piscina-system.js';
import { promisePoolSystem } from './promise-pool-system.js';

const TASK_MODULE = new URL('../peers/page-task.js', import.meta.url);

/** tinypool: one postMessage per task, shared memory as workerData, workers reused across tasks. */
export function startTinypool(setup: SystemSetup): Promise<BenchSystem> {
  const pool = new Tinypool({
    filename: TASK_MODULE.href,
    minThreads: setup.threads,
    maxThreads: setup.threads,
    idleTimeout: 60_000,
    isolateWorkers: false,
    workerData: workerData(setup),
  });
  const options = { compress: { name: 'compress' }, noop: { name: 'noop' } };
  return Promise.resolve(
    promisePoolSystem('tinypool', setup, (task, input) => pool.run(input, options[task]) as Promise<number>, () => pool.destroy()),
  );
}
