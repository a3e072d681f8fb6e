/**
 * Every error twq throws or reports, in one module. Argument errors are plain
 * RangeError / TypeError (what JavaScript users expect); these classes cover the
 * queue's own states. Each carries a stable `code`.
 */

import {
  ERR_TWQ_CANCELLED,
  ERR_TWQ_CORRUPTED,
  ERR_TWQ_DESTROYED,
  ERR_TWQ_DONE_CALLBACK,
  ERR_TWQ_FAILED,
  ERR_TWQ_HANDLER_FAILED,
  ERR_TWQ_OPS_LOAD,
  ERR_TWQ_REENTRANT_CALL,
  ERR_TWQ_REQUEST_STATE,
  ERR_TWQ_TIMEOUT,
  ERR_TWQ_WORKER_DIED,
  ERR_TWQ_WORKER_START,
} from './error-codes.js';

import { describeValue } from '@twq/bitmap';

export { describeValue };

/** The base of every error twq throws or reports: `code` is one of the `ERR_TWQ_*` constants. */
export class TwqError extends Error {
  override name = 'TwqError';
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Any call on a queue after `destroy()`. */
export class QueueDestroyedError extends TwqError {
  override name = 'QueueDestroyedError';
  constructor(queueName: string, call: string) {
    super(ERR_TWQ_DESTROYED, `queue "${queueName}" is destroyed: ${call} is not allowed after destroy()`);
  }
}

/** A queue that cannot go on (a replacement worker failed to start): every later call throws this. */
export class QueueFailedError extends TwqError {
  override name = 'QueueFailedError';
  constructor(queueName: string, reason: string, cause?: unknown) {
    super(ERR_TWQ_FAILED, `queue "${queueName}" has failed and serves no more requests: ${reason}`, { cause });
  }
}

/**
 * A queue failed because its shared memory holds a control word the protocol
 * never writes (see ERR_TWQ_CORRUPTED): a handler (trusted code, which shares
 * the queue's memory) wrote over it. A QueueFailedError with its own code:
 * every later call throws it, and the request found so reports it to its done
 * callback instead of a success.
 */
export class QueueCorruptedError extends QueueFailedError {
  override name = 'QueueCorruptedError';
  override readonly code: string = ERR_TWQ_CORRUPTED;
}

/** `submit()` of a request that is not this queue's, or not in the state that allows it. */
export class RequestStateError extends TwqError {
  override name = 'RequestStateError';
  constructor(message: string) {
    super(ERR_TWQ_REQUEST_STATE, message);
  }
}

/** Creating the queue failed: a worker could not load the ops module or set up its slots. */
export class WorkerStartError extends TwqError {
  override name = 'WorkerStartError';
  readonly worker: number;
  constructor(worker: number, message: string, cause?: unknown) {
    super(ERR_TWQ_WORKER_START, `worker ${worker} failed to start: ${message}`, { cause });
    this.worker = worker;
  }
}

/** The ops module could not be loaded, or does not export valid ops. */
export class OpsLoadError extends TwqError {
  override name = 'OpsLoadError';
  readonly module: string;
  constructor(module: string, message: string, cause?: unknown) {
    super(ERR_TWQ_OPS_LOAD, `cannot use ops module ${module}: ${message}`, { cause });
    this.module = module;
  }
}

/** A wait that ran past its timeout. */
export class WaitTimeoutError extends TwqError {
  override name = 'WaitTimeoutError';
  constructor(call: string, timeoutMs: number) {
    super(ERR_TWQ_TIMEOUT, `${call} timed out after ${timeoutMs} ms`);
  }
}

/**
 * A queue method called from a done callback (`onDone`, the ops' `done`) where
 * it cannot work: `getRequestBlocking()` when no slot is free, which would
 * wait for a slot that only the callback's return may free. Names the method.
 */
export class ReentrantCallError extends TwqError {
  override name = 'ReentrantCallError';
  /** The method refused, e.g. 'getRequestBlocking()'. */
  readonly call: string;
  constructor(queueName: string, call: string, why: string) {
    super(ERR_TWQ_REENTRANT_CALL, `queue "${queueName}": ${call} was called from a done callback (onDone / the ops' done) ${why}`);
    this.call = call;
  }
}

/**
 * Done callbacks threw while `call` (waitAll(), drain(), collect(), settle(),
 * destroy()) reported requests. Thrown (or the promise rejected) only after
 * every request was reported: each was passed to its callback once, the
 * throwing ones included. `errors` holds what each callback threw, in order.
 */
export class DoneCallbackError extends AggregateError {
  override name = 'DoneCallbackError';
  /** ERR_TWQ_DONE_CALLBACK. */
  readonly code: string = ERR_TWQ_DONE_CALLBACK;
  /** The call that reported the requests, e.g. 'waitAll()'. */
  readonly call: string;
  /** What each callback threw, in the order they ran. */
  declare readonly errors: unknown[];
  constructor(queueName: string, call: string, errors: readonly unknown[]) {
    const first = errors[0];
    const what = first instanceof Error ? `${first.name}: ${first.message}` : describeValue(first);
    super(
      errors,
      `queue "${queueName}": ${errors.length} done callback${errors.length === 1 ? '' : 's'} threw while ${call} reported requests (every request was still reported once); the first: ${what}`,
    );
    this.call = call;
  }
}

/**
 * The error a failed request reports to the done callback: either the handler's
 * own error (its `name`, `message` and `stack`, its own `code` as `remoteCode`,
 * its `cause` chain and an AggregateError's `errors`, carried across threads
 * within the error record's bounds: see the core README), or a `WorkerDied` report.
 *
 * `code` stays twq's (ERR_TWQ_HANDLER_FAILED for a handler's error), so that a
 * done callback can tell a handler's failure from a death or a destroy whatever
 * the handler threw; the handler's own code is `remoteCode`.
 */
export class RemoteError extends TwqError {
  /** Name of the original error (e.g. 'TypeError'), or 'WorkerDiedError'. */
  readonly remoteName: string;
  readonly remoteStack: string | undefined;
  /** The handler error's own `code` (e.g. 'ENOENT'), when it had a string or number one. */
  readonly remoteCode: string | number | undefined;
  /** An AggregateError's `errors`, rebuilt (each an Error with its name, message, stack, code and cause); undefined otherwise. */
  readonly errors: readonly Error[] | undefined;
  /** Worker that ran (or was to run) the request. */
  readonly worker: number;
  constructor(code: string, remoteName: string, message: string, worker: number, remoteStack?: string, details?: RemoteErrorDetails) {
    super(code, message, details !== undefined && details.hasCause ? { cause: details.cause } : undefined);
    this.name = remoteName;
    this.remoteName = remoteName;
    this.worker = worker;
    this.remoteStack = remoteStack;
    this.remoteCode = details?.remoteCode;
    this.errors = details?.errors;
  }
}

/** What a RemoteError rebuilds of the handler's error besides its name, message and stack. */
export interface RemoteErrorDetails {
  /** The handler error's own `code`. */
  readonly remoteCode: string | number | undefined;
  /** Its `cause` (an Error rebuilt, or a primitive as recorded); set as the RemoteError's `cause` when `hasCause`. */
  readonly cause: unknown;
  /** Whether the handler's error had a cause. */
  readonly hasCause: boolean;
  /** An AggregateError's `errors`, rebuilt. */
  readonly errors: readonly Error[] | undefined;
}

/** Code of a RemoteError from a handler that threw or rejected (the same as ERR_TWQ_HANDLER_FAILED). */
export const HANDLER_FAILED = ERR_TWQ_HANDLER_FAILED;
/** Code of the RemoteError (named 'AbortError') of a request cancelled before any thread ran it (the same as ERR_TWQ_CANCELLED). */
export const CANCELLED = ERR_TWQ_CANCELLED;
/** Code of a RemoteError for a request whose worker died before finishing it (the same as ERR_TWQ_WORKER_DIED). */
export const WORKER_DIED = ERR_TWQ_WORKER_DIED;

/** Whether `value` is an error object of the kind the done callback receives. */
export function isRemoteError(value: unknown): value is RemoteError {
  return value instanceof RemoteError;
}
