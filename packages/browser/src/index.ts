export { createQueue } from './create-queue.js';
export type { BrowserQueueOptions } from './create-queue.js';
export type { WorkerExitEvent } from './browser-host.js';
export type { WorkerSource } from './worker-source.js';
export { CrossOriginIsolationError, ISOLATION_HEADERS } from './errors.js';
export { assertCrossOriginIsolated } from './isolation.js';
export type { IsolationScope } from './isolation.js';
export { BlockingWaitForbiddenError } from '@twq/event';
export {
  CANCELLED,
  HANDLER_FAILED,
  InlineQueue,
  OpsLoadError,
  QueueDestroyedError,
  QueueFailedError,
  RemoteError,
  RequestStateError,
  SUBMITTER_WORKER,
  TwqError,
  WORKER_DIED,
  WaitTimeoutError,
  WorkerStartError,
  Workqueue,
  defineLayout,
  defineOps,
} from '@twq/core';
export type { HelpMode, Ops, QueueStats, Request, SubmitOptions, WorkerEnv } from '@twq/core';
