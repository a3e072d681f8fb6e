/**
 * '@twq/core/host': the seam between core and an adapter (@twq/node,
 * @twq/browser, a test's own host). Not for applications: see '@twq/core'.
 *
 *   the protocol       memory-layout.ts (bytes), queue-memory.ts (views), error-record.ts
 *   a worker's life    worker-main.ts (WorkerMain) over worker-runtime.ts (the loop)
 *   the death policy   death-report.ts, applied by supervisor.ts (Supervisor)
 *   the seam itself    host.ts (WorkerHost: start and stop threads, hear deaths)
 */
export { EXIT_CODE_UNKNOWN, recordHostFailure, recordQueueFailure, recordWorkerDeath } from './death-report.js';
export { readErrorRecord, toErrorInfo, writeErrorRecord } from './error-record.js';
export type { ErrorInfo, RecordedCause } from './error-record.js';
export type { HostEvents, WorkerHost, WorkerInit } from './host.js';
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
  WORKER_DEAD,
  WORKER_READY,
  WORKER_RECLAIMED,
  WORKER_STARTING,
  WORKER_STOPPED,
  S_CLAIM,
  SLOT_HEADER_BYTES,
  checkQueueSize,
  computeGeometry,
  readGeometry,
} from './memory-layout.js';
export type { Geometry } from './memory-layout.js';
export { checkOps, resolveOps, resolveOpsExport } from './ops.js';
export { checkCloneable, defaultThreads, resolveHostOptions, resolveOptions } from './options.js';
export type { ResolvedHostOptions, ResolvedOptions } from './options.js';
export { QueueMemory, WORKER_STATUS_NAMES, WorkerBlock } from './queue-memory.js';
export { StartOutcome } from './start-outcome.js';
export { Supervisor } from './supervisor.js';
export type { SpawnSeam, SupervisorEvents } from './supervisor.js';
export { WORKER_MESSAGE_TAG, WorkerMain, isWorkerMessage, isWorkerStart } from './worker-main.js';
export type { WorkerMainOptions, WorkerMessage, WorkerScopeEvents, WorkerSeam, WorkerStart } from './worker-main.js';
export { WorkerRuntime } from './worker-runtime.js';
export { WAIT_SLICE_MS, memoryOf } from './workqueue.js';
export * from './task/host-index.js';
