// The task API's adapter seam: what @twq/node's and @twq/browser's createPool build on.
export { FieldTaskCodec } from './field-codec.js';
export { ValueTaskCodec, createValueOpsOptions, resolveValueMode } from './value-codec-task.js';
export type { ResolvedValueMode } from './value-codec-task.js';
export { valueOps } from './value-ops.js';
export type { ValueOpsOptions } from './value-ops.js';
export type { ValueLayout, ValueSpec } from './value-port.js';
export { preparePool } from './pool-setup.js';
export type { PoolSetup } from './pool-setup.js';
