import { describeValue, type TaskFunction } from '@twq/core';
import { valueOps } from '@twq/core/host';
import { serveOps } from './serve-ops.js';

/**
 * Serves a pool's tasks in this Web Worker with `task` (a piscina-style
 * `(input) => output`, possibly async). Call it once, at the top level of the
 * worker module:
 *
 *   import { serveTask } from '@twq/browser/worker';
 *   import task from './task.js';
 *   serveTask(task);
 */
export function serveTask(task: TaskFunction): void {
  if (typeof (task as unknown) !== 'function') {
    throw new TypeError(`serveTask() needs the task function, got ${describeValue(task)}`);
  }
  serveOps(valueOps([task]));
}
