// Shared by the consumer projects (each tsconfig lists the files it checks).
import { createQueue as createBrowserQueue } from '@twq/browser';
import { serveOps } from '@twq/browser/worker';
import { ops } from './common.js';

export async function inBrowser(): Promise<void> {
  const queue = await createBrowserQueue(ops, {
    worker: () => new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }),
    threads: 2,
  });
  await queue.drain();
  await queue.destroy();
}
export const serve: typeof serveOps = serveOps;
