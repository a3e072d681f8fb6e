export { createQueue } from './create-queue.js';
export type { NodeQueueOptions } from './create-queue.js';
export type { WorkerExitEvent } from './node-host.js';
export { toModuleSpecifier } from './module-url.js';
export {
  InlineQueue,
  OpsLoadError,
  QueueDestroyedError,
  QueueFailedError,
  RemoteError,
  RequestStateError,
  TwqError,
  WaitTimeoutError,
  WorkerStartError,
  Workqueue,
  defineLayout,
  defineOps,
} from '@twq/core';
export type { Ops, QueueStats, Request, WorkerEnv } from '@twq/core';
