// The same user API as @twq/core's and @twq/node's, plus what is the browser's own.
export * from '@twq/core';
export { createQueue, createTaskQueue } from './create-queue.js';
export type { BrowserQueueOptions } from './create-queue.js';
export type { WorkerSource } from './worker-source.js';
export { assertCrossOriginIsolated } from './isolation.js';
export type { IsolationScope } from './isolation.js';
export { createPool } from './create-pool.js';
export type { BrowserPoolOptions } from './create-pool.js';
