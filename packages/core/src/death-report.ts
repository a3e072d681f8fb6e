import { describeValue } from './errors.js';
import { readErrorRecord, toRecordedInfo, writeErrorRecord, type ErrorInfo } from './error-record.js';
import {
  C_FAILED,
  FAILED_BY_HOST,
  RUN_LEFT,
  W_EXIT_CODE,
  W_STATUS,
  WORKER_DEAD,
  WORKER_READY,
  WORKER_RECLAIMED,
  WORKER_RETIRED,
  WORKER_STOPPED,
} from './memory-layout.js';
import { QueueMemory, checkWorker } from './queue-memory.js';

/**
 * The death protocol and the death policy, once for every host.
 *
 * Protocol: whoever learns of a death writes the reason, publishes WORKER_DEAD
 * and sets the events a submitter may park on (recordWorkerDeath); the
 * submitter reclaims the dead worker's slots and publishes RECLAIMED; a
 * replacement waits for RECLAIMED before it serves (see worker-main.ts).
 *
 * Policy (reportWorkerGone): a worker that was serving and is gone is replaced,
 * or, without replacements (or once the queue has failed), the queue fails,
 * failure first, so that a submitter woken by the death finds the queue failed
 * instead of a death it could reclaim and carry on from.
 */

/** The exit code a death names where the platform has none (a browser's Web Worker). */
export const EXIT_CODE_UNKNOWN = 1;

/** What `onWorkerExit` learns when a worker dies while the queue runs. */
export interface WorkerExitEvent {
  readonly worker: number;
  /** The thread's exit code (EXIT_CODE_UNKNOWN = 1 in a browser, which has none). */
  readonly exitCode: number;
  readonly error: { readonly name: string; readonly message: string };
  /** Whether a replacement is being started. */
  readonly replaced: boolean;
}

function checkMemory(memory: unknown): void {
  if (!(memory instanceof QueueMemory)) throw new TypeError(`memory must be a QueueMemory, got ${describeValue(memory)}`);
}

/**
 * Reports that worker `worker` died, from whichever thread learns it (the Node
 * adapter's supervisor thread, a browser page's `error` handler): writes the
 * reason, publishes WORKER_DEAD, and sets the worker's completion event so that
 * a submitter parked on it wakes up even though its own event loop is frozen.
 * The submitter then reclaims the dead worker's in-flight slots.
 */
export function recordWorkerDeath(memory: QueueMemory, worker: number, exitCode: number, reason: ErrorInfo): void {
  checkMemory(memory);
  checkWorker(worker, memory.blocks.length);
  if (!Number.isInteger(exitCode) || exitCode < -0x8000_0000 || exitCode > 0x7fff_ffff) {
    throw new RangeError(`exitCode must be an integer in the Int32 range [-2147483648, 2147483647], got ${describeValue(exitCode)}`);
  }
  reason = toRecordedInfo(reason, 'reason');
  const block = memory.blocks[worker];
  writeErrorRecord(memory.deathRecord(worker), reason);
  block.state32[W_EXIT_CODE] = exitCode;
  // The record and exit code above are published by this store (SC), read after
  // the submitter's Atomics.load of the status.
  Atomics.store(block.state32, W_STATUS, WORKER_DEAD);
  block.completion.set();
  memory.doorbell.set();
}

/**
 * Reports that the queue cannot go on over worker `worker` (a replacement
 * that failed to start, or a death that is not replaced): every later call on
 * the queue then throws QueueFailedError. The first failure is the one kept.
 */
export function recordQueueFailure(memory: QueueMemory, worker: number, reason: ErrorInfo): void {
  // Checked before anything is written: a bad index would name a worker that does not exist.
  checkMemory(memory);
  checkWorker(worker, memory.blocks.length);
  publishFailure(memory, worker + 1, toRecordedInfo(reason, 'reason'));
}

/** Reports that the queue cannot go on because its host failed (Node's supervisor thread): no worker is to blame. */
export function recordHostFailure(memory: QueueMemory, reason: ErrorInfo): void {
  checkMemory(memory);
  publishFailure(memory, FAILED_BY_HOST, toRecordedInfo(reason, 'reason'));
}

function publishFailure(memory: QueueMemory, flag: number, reason: ErrorInfo): void {
  if (Atomics.load(memory.i32, C_FAILED) !== 0) return;
  writeErrorRecord(memory.failureRecord(), reason);
  // Publishes the record above (SC), read after the submitter's Atomics.load of the flag.
  Atomics.store(memory.i32, C_FAILED, flag);
  for (const block of memory.blocks) block.completion.set();
  memory.doorbell.set();
}

/** Why the queue failed, and over which worker (undefined: the host); undefined while it has not. */
export function readQueueFailure(memory: QueueMemory): { readonly worker: number | undefined; readonly reason: ErrorInfo } | undefined {
  const failed = Atomics.load(memory.i32, C_FAILED);
  if (failed === 0) return undefined;
  return { worker: failed === FAILED_BY_HOST ? undefined : failed - 1, reason: readErrorRecord(memory.failureRecord()) };
}

/** The policy's one rule: a death is recorded, and fails the queue first unless the worker is replaced. */
export function recordDeath(memory: QueueMemory, worker: number, exitCode: number, reason: ErrorInfo, replace: boolean): void {
  if (!replace) recordQueueFailure(memory, worker, reason);
  recordWorkerDeath(memory, worker, exitCode, reason);
}

/**
 * A host learnt that worker `worker`, which had said READY, is gone. Applies
 * the policy and says what happened: 'stopped' when the worker had left its
 * loop by itself (the queue was destroyed, or it retired: no death), else the death's reason
 * (the worker's own record when it reported itself, `reason` otherwise) and
 * whether the host must now start a replacement.
 */
export function reportWorkerGone(
  memory: QueueMemory,
  worker: number,
  exitCode: number,
  reason: ErrorInfo,
  replace: boolean,
): { readonly stopped: true } | { readonly stopped: false; readonly reason: ErrorInfo; readonly replaced: boolean } {
  const block = memory.blocks[worker];
  const status = block.status();
  if (status === WORKER_STOPPED || status === WORKER_RETIRED || memory.isDestroyed()) return { stopped: true };
  // Elastic threads: a worker that had left its partition (RUN LEFT) runs nothing of anyone's:
  // its end before it could publish RETIRED is a retirement too, published here for the next start.
  if (block.run() === RUN_LEFT && status === WORKER_READY) {
    Atomics.store(block.state32, W_STATUS, WORKER_RETIRED);
    Atomics.notify(block.state32, W_STATUS);
    return { stopped: true };
  }
  // The worker may have recorded its own death (a browser worker does) before its host heard of it.
  const recorded = status === WORKER_DEAD || status === WORKER_RECLAIMED;
  const why = recorded ? readErrorRecord(memory.deathRecord(worker)) : reason;
  if (recorded) {
    if (!replace) recordQueueFailure(memory, worker, why);
  } else {
    recordDeath(memory, worker, exitCode, why, replace);
  }
  if (replace) block.bumpGeneration();
  return { stopped: false, reason: why, replaced: replace };
}
