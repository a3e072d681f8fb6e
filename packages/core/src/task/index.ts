export { TaskAbortedError, ValueCloneError } from './task-errors.js';
export { MAX_CONCURRENCY, TaskQueue } from './task-queue.js';
export type { MapOptions, RunOptions, TaskCodec } from './task-queue.js';
export { TaskPool } from './task-pool.js';
export type { PoolRunOptions, TaskInput, TaskResult } from './task-pool.js';
export { taskTransformStream } from './transform-stream.js';
export { MAX_VALUE_DEPTH } from './value-codec.js';
export {
  DEFAULT_INLINE_BYTES,
  DEFAULT_MAX_ARENA_BYTES,
  DEFAULT_MAX_VALUE_BYTES,
  ValueTaskCodec,
  createValueOpsOptions,
  resolveValueMode,
} from './value-codec-task.js';
export type { ResolvedValueMode, ValueModeOptions } from './value-codec-task.js';
export { valueOps } from './value-ops.js';
export type { TaskFunction, ValueOpsOptions } from './value-ops.js';
export type { ValueSpec } from './value-port.js';
export { DEFAULT_POOL_SLOTS_PER_THREAD, preparePool } from './pool-setup.js';
export type { PoolSetup, PoolSizing } from './pool-setup.js';
