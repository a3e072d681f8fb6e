/**
 * The ops module of a pool, generated per pool as a `data:` URL (see
 * create-pool.ts) that calls `bindTaskModule`. On a pool's worker it installs
 * the pool's `workerData` (so a piscina task file that reads `workerData`
 * runs unchanged), imports the task file and wraps its export in value ops. On
 * the submitter, which imports the same module for the layout, it does not
 * import the task file: its top-level code runs on the workers only, as with
 * piscina.
 */
import { syncBuiltinESMExports } from 'node:module';
import workerThreads from 'node:worker_threads';
import { describeValue, type Ops, type TaskFunction } from '@twq/core';
import { valueOps, type ValueOpsOptions } from '@twq/core/host';
import type { WorkerData } from './protocol.js';

/** What a pool adds to the value ops' options. */
export interface PoolOpsOptions extends ValueOpsOptions {
  readonly workerData: unknown;
}

/** A stand-in for the submitter: it never handles a request. */
function submitterSide(): never {
  throw new Error('a twq pool runs its task on the workers only');
}

export async function bindTaskModule(self: string, filename: string, exportName: string): Promise<(options: PoolOpsOptions) => Ops> {
  const data = workerThreads.workerData as Partial<WorkerData> | null;
  if (data?.opsModule !== self) return valueOps([submitterSide]);
  const options = data.init?.opsOptions as PoolOpsOptions;
  // The thread's workerData becomes the pool's own, for the task file (twq's entry read its own first).
  (workerThreads as { workerData: unknown }).workerData = options.workerData;
  syncBuiltinESMExports();
  const mod = (await import(filename)) as Record<string, unknown>;
  let fn = mod[exportName];
  // A CommonJS task file (`module.exports = fn`) imports as { default: fn }; an ESM one may nest it once more.
  if (exportName === 'default' && typeof fn === 'object' && fn !== null && typeof (fn as { default?: unknown }).default === 'function') {
    fn = (fn as { default: unknown }).default;
  }
  if (typeof fn !== 'function') {
    const names = Object.keys(mod).join(', ') || 'none';
    const what = exportName === 'default' ? 'a default export' : `an export named "${exportName}"`;
    throw new TypeError(`the task file ${filename} has no function as ${what}, found ${describeValue(fn)} (its exports: ${names})`);
  }
  return valueOps([fn as TaskFunction]);
}

