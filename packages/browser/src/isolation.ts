import { CrossOriginIsolationError, describeValue } from '@twq/core';

/** The globals the check reads; a parameter so that a test can pass a non-isolated scope. */
export interface IsolationScope {
  readonly crossOriginIsolated?: boolean;
  readonly SharedArrayBuffer?: unknown;
}

/**
 * Throws CrossOriginIsolationError unless this page (or worker) may create a
 * SharedArrayBuffer and post it to a worker. `crossOriginIsolated` is checked
 * as well as the constructor: a browser may expose the constructor (a flag, an
 * origin trial) and still refuse to post the buffer to a worker, which would
 * only show up later as a DataCloneError.
 */
export function assertCrossOriginIsolated(scope: IsolationScope = globalThis): void {
  // A non-object would read as "no SharedArrayBuffer here": say what is wrong instead.
  if (typeof scope !== 'object' || (scope as unknown) === null) {
    throw new TypeError(`scope must be an object (a global scope such as globalThis), got ${describeValue(scope)}`);
  }
  if (scope.crossOriginIsolated === false) {
    throw new CrossOriginIsolationError('crossOriginIsolated is false on this page');
  }
  if (typeof scope.SharedArrayBuffer !== 'function') {
    throw new CrossOriginIsolationError('SharedArrayBuffer is not defined here');
  }
}
