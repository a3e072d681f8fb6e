/**
 * Every error code of @twq/core, @twq/node and @twq/browser, one constant each
 * (an error's `code` is stable API: compare with these, not with literals).
 */

/** A call on a queue after destroy() (QueueDestroyedError); also a request failed by a destroy. */
export const ERR_TWQ_DESTROYED = 'ERR_TWQ_DESTROYED';
/** The queue failed and serves no more requests (QueueFailedError). */
export const ERR_TWQ_FAILED = 'ERR_TWQ_FAILED';
/** submit() of a request that is not this queue's, or not claimed (RequestStateError). */
export const ERR_TWQ_REQUEST_STATE = 'ERR_TWQ_REQUEST_STATE';
/** A worker could not start (WorkerStartError). */
export const ERR_TWQ_WORKER_START = 'ERR_TWQ_WORKER_START';
/** The ops module could not be loaded or is not valid (OpsLoadError). */
export const ERR_TWQ_OPS_LOAD = 'ERR_TWQ_OPS_LOAD';
/** A wait ran past its timeout (WaitTimeoutError). */
export const ERR_TWQ_TIMEOUT = 'ERR_TWQ_TIMEOUT';
/** A request whose handler threw or rejected (a RemoteError passed to the done callback). */
export const ERR_TWQ_HANDLER_FAILED = 'ERR_TWQ_HANDLER_FAILED';
/** A request whose worker died before finishing it (a RemoteError passed to the done callback). */
export const ERR_TWQ_WORKER_DIED = 'ERR_TWQ_WORKER_DIED';
/** A request cancelled before any thread ran it (a RemoteError named 'AbortError' passed to the done callback). */
export const ERR_TWQ_CANCELLED = 'ERR_TWQ_CANCELLED';
/** The submitter, helping in a blocking wait, ran a handler that returned a promise (the request completes when it settles). */
export const ERR_TWQ_HELP_ASYNC = 'ERR_TWQ_HELP_ASYNC';
/** start() called twice. */
export const ERR_TWQ_STARTED = 'ERR_TWQ_STARTED';
/**
 * The queue's shared memory holds a control word the protocol never writes
 * (a slot status, claim or worker status out of range): something, such as a
 * handler, wrote over it. The queue fails with QueueCorruptedError rather than
 * report a result it cannot vouch for.
 */
export const ERR_TWQ_CORRUPTED = 'ERR_TWQ_CORRUPTED';
/** A call on a queue whose start() has not finished. */
export const ERR_TWQ_NOT_STARTED = 'ERR_TWQ_NOT_STARTED';
/** An inline queue asked to block for an async handler that runs on its own thread. */
export const ERR_TWQ_INLINE_ASYNC = 'ERR_TWQ_INLINE_ASYNC';
/** @twq/browser: the page is not cross-origin isolated (CrossOriginIsolationError). */
export const ERR_TWQ_NOT_ISOLATED = 'ERR_TWQ_NOT_ISOLATED';
/** A queue method called from a done callback where it cannot work there (ReentrantCallError): getRequestBlocking() with no free slot. */
export const ERR_TWQ_REENTRANT_CALL = 'ERR_TWQ_REENTRANT_CALL';
/** Done callbacks threw while waitAll(), drain(), collect(), settle() or destroy() reported requests (DoneCallbackError, an AggregateError); every request was still reported. */
export const ERR_TWQ_DONE_CALLBACK = 'ERR_TWQ_DONE_CALLBACK';
