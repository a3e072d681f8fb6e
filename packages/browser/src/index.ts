export { createQueue } from './create-queue.js';
export type { BrowserQueueOptions } from './create-queue.js';
export type { WorkerExitEvent } from './browser-host.js';
export type { WorkerSource } from './worker-source.js';
export { CrossOriginIsolationError, ISOLATION_HEADERS } from './errors.js';
export { assertCrossOriginIsolated } from './isolation.js';
export type { IsolationScope } from './isolation.js';
export { BlockingWaitForbiddenError } from '@twq/event';
export {
  HANDLER_FAILED,
  InlineQueue,
  OpsLoadError,
  QueueDestroyedError,
  QueueFailedError,
  RemoteError,
  RequestStateError,
  TwqError,
  WORKER_DIED,
  WaitTimeoutError,
  WorkerStartError,
  Workqueue,
  defineLayout,
  defineOps,
} from '@twq/core';
export type { Ops, QueueStats, Request, WorkerEnv } from '@twq/core';
export { createPool } from './create-pool.js';
export type { BrowserPoolOptions } from './create-pool.js';
export { TaskAbortedError, TaskPool, TaskQueue, ValueCloneError, taskTransformStream } from '@twq/core';
export type { MapOptions, PoolRunOptions, RunOptions, TaskFunction, TaskInput, TaskResult } from '@twq/core';
