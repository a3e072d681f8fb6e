export { createQueue } from './create-queue.js';
export type { NodeQueueOptions } from './create-queue.js';
export type { WorkerExitEvent } from './node-host.js';
export { toModuleSpecifier } from './module-url.js';
export {
  DEFAULT_POLICY,
  DEFAULT_SLOTS_PER_THREAD,
  DEFAULT_SPIN_BUDGET,
  HANDLER_FAILED,
  InlineQueue,
  MAX_SLOTS_PER_THREAD,
  MAX_THREADS,
  OpsLoadError,
  POLICIES,
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
  isRemoteError,
} from '@twq/core';
export type {
  InlineQueueOptions,
  Layout,
  LayoutSpec,
  Ops,
  OpsExport,
  PlacementPolicy,
  QueueOptions,
  QueueStats,
  Request,
  WorkerEnv,
  WorkerStats,
} from '@twq/core';
export { createPool } from './create-pool.js';
export type { PoolOptions } from './create-pool.js';
export { taskDuplex } from './task-stream.js';
export { TaskAbortedError, TaskPool, TaskQueue, ValueCloneError, taskTransformStream } from '@twq/core';
export type { MapOptions, PoolRunOptions, RunOptions, TaskFunction, TaskInput, TaskResult } from '@twq/core';
