/**
 * Runs test fixtures on worker threads with a time limit, so that a lost
 * wake-up or a deadlock in the code under test fails one test instead of
 * hanging the whole run.
 */
import { Worker } from 'node:worker_threads';

/** Workers started by `startWorker` and not yet finished; `terminateAll` ends them. */
const live = new Set<Worker>();

export interface RunningWorker<T> {
  readonly worker: Worker;
  /**
   * The worker's first message. Rejects (and terminates the worker) when the
   * worker throws, exits without a message, or sends nothing within the time limit.
   */
  readonly result: Promise<T>;
}

/**
 * Starts `file` (a plain .mjs fixture importing the built package) with
 * `workerData`, bounded by `timeoutMs`: a bug in the code under test turns into
 * a clear failure, never into a hung test run.
 */
export function startWorker<T>(file: URL, workerData: unknown, timeoutMs: number, label = file.pathname): RunningWorker<T> {
  const worker = new Worker(file, { workerData });
  live.add(worker);
  const result = new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${label}: no result within ${timeoutMs} ms (worker terminated; a lost wake-up or a hang?)`));
      void worker.terminate();
    }, timeoutMs);
    const finish = (): void => {
      clearTimeout(timer);
      live.delete(worker);
    };
    worker.once('message', (message: T) => {
      finish();
      resolve(message);
    });
    worker.once('error', (error) => {
      finish();
      reject(new Error(`${label}: worker threw: ${error.message}`, { cause: error }));
    });
    worker.once('exit', (code) => {
      finish();
      reject(new Error(`${label}: worker exited with code ${code} before sending a result`));
    });
  });
  // Avoid an unhandled rejection if the caller awaits something else first.
  result.catch(() => undefined);
  return { worker, result };
}

/** Terminates every worker still running (use in afterEach). */
export async function terminateAll(): Promise<void> {
  const workers = [...live];
  live.clear();
  await Promise.all(workers.map((w) => w.terminate()));
}

/** Rejects after `ms` with `message`; for racing a promise that might never settle. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${message} (no answer within ${ms} ms)`));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Multiplier for iteration counts: TWQ_TEST_SCALE=10 for a long soak, 0.1 for a smoke run. */
export const SCALE = Math.max(0.01, Number(process.env.TWQ_TEST_SCALE ?? '1') || 1);
