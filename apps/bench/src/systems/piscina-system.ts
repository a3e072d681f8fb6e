import { Piscina } from 'piscina';
import type { PeerWorkerData } from '../peers/worker-memory.js';
import type { BenchSystem, SystemSetup } from './bench-system.js';
import { promisePoolSystem } from './promise-pool-system.js';

const TASK_MODULE = new URL('../peers/page-task.js', import.meta.url);

/** piscina: one postMessage per task (page index in, compressed length out), shared memory as workerData. */
export function startPiscina(setup: SystemSetup): Promise<BenchSystem> {
  const pool = new Piscina({
    filename: TASK_MODULE.href,
    minThreads: setup.threads,
    maxThreads: setup.threads,
    // Never retire a worker mid-benchmark.
    idleTimeout: 60_000,
    workerData: workerData(setup),
  });
  const options = { compress: { name: 'compress' }, noop: { name: 'noop' } };
  return Promise.resolve(
    promisePoolSystem('piscina', setup, (task, input) => pool.run(input, options[task]) as Promise<number>, () => pool.destroy()),
  );
}

export function workerData(setup: SystemSetup): PeerWorkerData | undefined {
  return setup.memory === undefined ? undefined : { twqBenchMemory: setup.memory.buffer };
}
