/**
 * Worker factories for the tests, each written the way a user writes one
 * (`new Worker(new URL(..., import.meta.url), { type: 'module' })`) so that
 * Vite serves the fixtures exactly as it serves a user's worker.
 */

export type Factory = (index: number) => Worker;

export const checksumWorker: Factory = (i) =>
  new Worker(new URL('../fixtures/checksum-worker.ts', import.meta.url), { type: 'module', name: `checksum#${i}` });
export const saltedWorker: Factory = () => new Worker(new URL('../fixtures/salted-worker.ts', import.meta.url), { type: 'module' });
export const loadThrowsWorker: Factory = () =>
  new Worker(new URL('../fixtures/load-throws-worker.ts', import.meta.url), { type: 'module' });
export const setupThrowsWorker: Factory = () =>
  new Worker(new URL('../fixtures/setup-throws-worker.ts', import.meta.url), { type: 'module' });
export const badOpsWorker: Factory = () => new Worker(new URL('../fixtures/bad-ops-worker.ts', import.meta.url), { type: 'module' });
export const otherLayoutWorker: Factory = () =>
  new Worker(new URL('../fixtures/other-layout-worker.ts', import.meta.url), { type: 'module' });
export const silentWorker: Factory = () => new Worker(new URL('../fixtures/silent-worker.ts', import.meta.url), { type: 'module' });
export const submitterWorker = (): Worker =>
  new Worker(new URL('../fixtures/submitter-worker.ts', import.meta.url), { type: 'module' });

/** Wraps a factory to keep every Worker it made and count terminate() calls (to prove nothing leaks). */
export function tracked(factory: Factory): { factory: Factory; created: Worker[]; terminated: () => number } {
  const created: Worker[] = [];
  let terminated = 0;
  return {
    created,
    terminated: () => terminated,
    factory(index) {
      const worker = factory(index);
      const terminate = worker.terminate.bind(worker);
      worker.terminate = () => {
        terminated++;
        terminate();
      };
      created.push(worker);
      return worker;
    },
  };
}
