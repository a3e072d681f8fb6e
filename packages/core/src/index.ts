export {
  HANDLER_FAILED,
  OpsLoadError,
  QueueDestroyedError,
  QueueFailedError,
  RemoteError,
  RequestStateError,
  TwqError,
  WORKER_DIED,
  WaitTimeoutError,
  WorkerStartError,
  describeValue,
  isRemoteError,
} from './errors.js';
export type { HostEvents, WorkerHost, WorkerInit } from './host.js';
export { InlineQueue } from './inline-queue.js';
export type { InlineQueueOptions } from './inline-queue.js';
export {
  DOORBELL_OFFSET,
  ERROR_BYTES,
  MAX_SLOTS_PER_THREAD,
  MAX_THREADS,
  WORKER_DEAD,
  WORKER_READY,
  WORKER_RECLAIMED,
  WORKER_STARTING,
  WORKER_STOPPED,
  computeGeometry,
  readGeometry,
} from './memory-layout.js';
export type { Geometry } from './memory-layout.js';
export { checkOps, defineOps, resolveOps } from './ops.js';
export type { ContextOf, Ops, OpsExport, OptionsOf, Request, RequestMeta, SpecOf, WorkerEnv } from './ops.js';
export {
  DEFAULT_POLICY,
  DEFAULT_SLOTS_PER_THREAD,
  DEFAULT_SPIN_BUDGET,
  POLICIES,
  checkCloneable,
  defaultThreads,
  resolveHostOptions,
  resolveOptions,
} from './options.js';
export type { HostOptions, PlacementPolicy, QueueOptions, ResolvedHostOptions, ResolvedOptions } from './options.js';
export { QueueMemory, WorkerBlock, readErrorRecord, recordQueueFailure, recordWorkerDeath, toErrorInfo, writeErrorRecord } from './queue-memory.js';
export type { ErrorInfo } from './queue-memory.js';
export { MAX_REQUEST_BYTES, RESERVED_FIELD_NAMES, defineLayout } from './request-layout.js';
export type { BytesField, FieldInfo, FieldSpec, Layout, LayoutSpec, RequestFields, ScalarType } from './request-layout.js';
export { WorkerRuntime } from './worker-runtime.js';
export { WAIT_SLICE_MS, Workqueue } from './workqueue.js';
export type { CreateQueueOptions, QueueStats, WorkerStats } from './workqueue.js';
export * from './task/index.js';
