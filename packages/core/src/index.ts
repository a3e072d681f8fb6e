/**
 * @twq/core's user API: what an application or an ops module uses. What an
 * adapter (a host of worker threads) needs is at '@twq/core/host'.
 */
export { BlockingWaitForbiddenError } from '@twq/event';
export * from './error-codes.js';
export {
  CANCELLED,
  DoneCallbackError,
  HANDLER_FAILED,
  OpsLoadError,
  QueueCorruptedError,
  QueueDestroyedError,
  QueueFailedError,
  ReentrantCallError,
  RemoteError,
  RequestStateError,
  TwqError,
  WORKER_DIED,
  WaitTimeoutError,
  WorkerStartError,
  describeValue,
  isRemoteError,
} from './errors.js';
export type { RemoteErrorDetails } from './errors.js';
export { RECORDED_CAUSE_DEPTH, RECORDED_ERRORS, RECORDED_TEXT, TRUNCATED_ERROR_NAME } from './error-record.js';
export type { WorkerExitEvent } from './death-report.js';
export { InlineQueue } from './inline-queue.js';
export { CrossOriginIsolationError, ISOLATION_HEADERS } from './isolation-error.js';
export type { InlineQueueOptions } from './inline-queue.js';
export { LIFECYCLE_NAMES } from './lifecycle.js';
export type { LifecycleName } from './lifecycle.js';
export { DEFAULT_MAX_SHARED_BYTES, MAX_SLOTS_PER_THREAD, MAX_THREADS, maxSharedBytes } from './memory-layout.js';
export { defineOps } from './ops.js';
export type { ContextOf, Ops, OpsExport, OptionsOf, Request, RequestMeta, SpecOf, WorkerEnv } from './ops.js';
export { DEFAULT_HELP, DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_POLICY, DEFAULT_SLOTS_PER_THREAD, DEFAULT_SPIN_BUDGET, DEFAULT_STOP_TIMEOUT_MS, HELP_MODES, POLICIES } from './options.js';
export type { HelpMode, HostOptions, PlacementPolicy, QueueOptions } from './options.js';
export type { WorkerStatusName } from './queue-memory.js';
export { MAX_REQUEST_BYTES, RESERVED_FIELD_NAMES, defineLayout } from './request-layout.js';
export type { BytesField, FieldInfo, FieldSpec, Layout, LayoutSpec, RequestFields, ScalarType } from './request-layout.js';
export { CANCEL_POLL_MS, HANDLED, IDLE, WENT_ASYNC } from './worker-runtime.js';
export { SUBMITTER_WORKER } from './submitter-helper.js';
export type { HandleResult } from './worker-runtime.js';
export { Workqueue } from './workqueue.js';
export type { CreateQueueOptions, HostedQueueOptions, QueueStats, SubmitOptions, WorkerStats } from './workqueue.js';
export * from './task/index.js';
