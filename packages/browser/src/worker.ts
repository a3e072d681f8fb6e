// The `@twq/browser/worker` entry: what a worker script imports. Kept apart
// from the page's entry so that neither side bundles the other's code.
export { serveOps } from './serve-ops.js';
export { serveTask } from './serve-task.js';
