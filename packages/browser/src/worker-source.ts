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

/**
 * Turns a WorkerSource into a function that starts worker `index`; throws a
 * TypeError naming a bad source. A script URL that is a `data:` URL (code in
 * the URL itself) or of another origin is refused unless
 * `allowDataAndNetworkModules` is true: the worker's handlers run with the
 * queue's whole memory (see the trust model in the README).
 */
export function toSpawner(source: unknown, queueName: string, allowDataAndNetworkModules = false): (index: number) => Worker {
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
    if (!allowDataAndNetworkModules) checkScriptUrl(source);
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

/** Refuses a worker script URL that is a data: URL or of another origin than the page's (or, with no page, any network URL). */
function checkScriptUrl(source: URL | string): void {
  const page = (globalThis as { location?: { href?: string; origin?: string } }).location;
  let url: URL;
  try {
    url = new URL(source, page?.href);
  } catch {
    return; // Not a URL at all: the Worker constructor says so, as it does without this check.
  }
  let why: string | undefined;
  if (url.protocol === 'data:') why = 'a data: URL (its code is in the URL itself)';
  else if ((url.protocol === 'http:' || url.protocol === 'https:') && url.origin !== page?.origin) why = page?.origin === undefined ? 'a network URL, and there is no page here to be its origin' : `of another origin than this page's (${page.origin})`;
  if (why !== undefined) {
    throw new TypeError(
      `the worker script ${describeValue(String(source))} is ${why}: refused unless the option allowDataAndNetworkModules is true; serve the script from this page's origin, or pass a worker factory`,
    );
  }
}
