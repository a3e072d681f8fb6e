export {
  CANCELLED,
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
  CLAIM_BY_MASK,
  CLAIM_BY_SHIFT,
  CLAIM_BY_SUBMITTER,
  CLAIM_CANCEL_REQUESTED,
  CLAIM_CANCELLED,
  CLAIM_IDLE,
  CLAIM_QUEUED,
  CLAIM_RUNNING,
  CLAIM_SEQ_MASK,
  CLAIM_STATE_MASK,
  DOORBELL_OFFSET,
  ERROR_BYTES,
  MAX_SLOTS_PER_THREAD,
  MAX_THREADS,
  S_CLAIM,
  SLOT_HEADER_BYTES,
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
  DEFAULT_HELP,
  DEFAULT_POLICY,
  DEFAULT_SLOTS_PER_THREAD,
  DEFAULT_SPIN_BUDGET,
  HELP_MODES,
  POLICIES,
  checkCloneable,
  defaultThreads,
  resolveHostOptions,
  resolveOptions,
} from './options.js';
export type { HelpMode, HostOptions, PlacementPolicy, QueueOptions, ResolvedHostOptions, ResolvedOptions } from './options.js';
export { QueueMemory, WorkerBlock, readErrorRecord, recordQueueFailure, recordWorkerDeath, toErrorInfo, writeErrorRecord } from './queue-memory.js';
export type { ErrorInfo } from './queue-memory.js';
export { MAX_REQUEST_BYTES, RESERVED_FIELD_NAMES, defineLayout } from './request-layout.js';
export type { BytesField, FieldInfo, FieldSpec, Layout, LayoutSpec, RequestFields, ScalarType } from './request-layout.js';
export { CANCEL_POLL_MS, HANDLED_ONE, NOTHING_PENDING, WENT_ASYNC, WorkerRuntime } from './worker-runtime.js';
export { SUBMITTER_WORKER } from './submitter-helper.js';
export { WAIT_SLICE_MS, Workqueue } from './workqueue.js';
export type { CreateQueueOptions, QueueStats, SubmitOptions, WorkerStats } from './workqueue.js';
