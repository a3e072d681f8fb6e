// The same user API as @twq/core's and @twq/browser's, plus what is Node's own.
export * from '@twq/core';
export { MIN_STACK_SIZE_MB, createQueue, createTaskQueue } from './create-queue.js';
export type { NodeQueueOptions } from './create-queue.js';
export { toModuleSpecifier } from './module-url.js';
export { createPool } from './create-pool.js';
export type { PoolOptions } from './create-pool.js';
export { taskDuplex } from './task-stream.js';
