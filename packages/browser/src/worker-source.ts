import { describeValue } from '@twq/core';

/**
 * How a queue starts one of its workers:
 *
 * - a factory, `(index) => new Worker(new URL('./my-worker.js', import.meta.url), { type: 'module' })`:
 *   the form bundlers (Vite, webpack 5, esbuild, Parcel) recognise, so they
 *   build the worker file and everything it imports (your ops) as a chunk of
 *   its own; the factory is called once per worker, and again for a replacement;
 * - a URL (or URL string) of a module worker script, for pages served without
 *   a bundler: the script must be loadable as is by the browser.
 */
export type WorkerSource = ((index: number) => Worker) | URL | string;

/** Turns a WorkerSource into a function that starts worker `index`; throws a TypeError naming a bad source. */
export function toSpawner(source: unknown, queueName: string): (index: number) => Worker {
  if (typeof source === 'function') {
    const factory = source as (index: number) => unknown;
    return (index) => {
      const worker = factory(index);
      if (!isWorkerLike(worker)) {
        throw new TypeError(`the worker factory must return a Worker, got ${describeValue(worker)}`);
      }
      return worker;
    };
  }
  if (source instanceof URL || (typeof source === 'string' && source.length > 0)) {
    const url = source;
    return (index) => new Worker(url, { type: 'module', name: `${queueName}#${index}` });
  }
  throw new TypeError(
    `options.worker must be a function returning a module Worker (the bundler pattern), or the URL of a module worker script, got ${describeValue(source)}`,
  );
}

function isWorkerLike(value: unknown): value is Worker {
  if (typeof value !== 'object' || value === null) return false;
  const w = value as Partial<Worker>;
  return typeof w.postMessage === 'function' && typeof w.terminate === 'function' && typeof w.addEventListener === 'function';
}
