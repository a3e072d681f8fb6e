// The task API's user part (re-exported by @twq/core, @twq/node and @twq/browser).
// What adapters build pools from is in ./host-index.ts, behind '@twq/core/host'.
export type { FieldInput, FieldResult } from './field-codec.js';
export { TaskAbortedError, ValueCloneError } from './task-errors.js';
export { MAX_CONCURRENCY, TaskQueue } from './task-queue.js';
export type { MapOptions, RunOptions, TaskCodec } from './task-queue.js';
export { TaskPool } from './task-pool.js';
export type { PoolRunOptions, TaskInput, TaskResult } from './task-pool.js';
export { taskTransformStream } from './transform-stream.js';
export type { Mappable } from './transform-stream.js';
export { MAX_VALUE_DEPTH } from './value-codec.js';
export { DEFAULT_INLINE_BYTES, DEFAULT_MAX_ARENA_BYTES, DEFAULT_MAX_VALUE_BYTES } from './value-codec-task.js';
export type { ValueModeOptions } from './value-codec-task.js';
export type { TaskFunction } from './value-ops.js';
export { DEFAULT_POOL_SLOTS_PER_THREAD } from './pool-setup.js';
export type { PoolSizing } from './pool-setup.js';
