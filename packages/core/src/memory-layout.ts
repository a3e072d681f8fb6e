import { CACHE_LINE_BYTES, alignUp, bytesForBits } from '@twq/bitmap';
import { describeValue } from './errors.js';
import { MAX_REQUEST_BYTES } from './request-layout.js';

/**
 * Byte layout of a queue's SharedArrayBuffer. Every group of words that one
 * thread writes starts on its own 128-byte line, so no two threads ever write
 * the same line on the hot path (Emilio Cota's review of the seed).
 *
 *   offset 0        HEADER line      geometry, written once at creation (read-only after)
 *   offset 128      CONTROL line     destroy and failure flags; written once each
 *   offset 256      DOORBELL line    the event a submitter waiting for any free slot
 *                                    parks on: reset by it, set by any worker
 *   offset 384      worker block 0, worker block 1, ...  (BLOCK stride each)
 *   slotsBase       slot 0 of worker 0 ... slot S-1 of worker T-1 (SLOT stride each)
 *   errorsBase      one ERROR_BYTES record per slot (failure path only)
 *   deathsBase      one ERROR_BYTES record per worker (why it died)
 *   failureBase     one ERROR_BYTES record: why the queue failed (written once, before C_FAILED)
 *
 * A worker block, each part starting on its own line:
 *
 *   FILL        fill bitmap        written by the submitter only
 *   DONE        done bitmap        written by this worker only
 *   WAKE        wake event         set by the submitter, reset/parked on by the worker
 *   COMPLETION  completion event   set by the worker, reset/parked on by the submitter;
 *               and, beside it, WANT: how many free slots the parked submitter
 *               waits for (written by the submitter before it resets the event)
 *   STATE       status, generation and counters (handled, failed, parks, spin hits):
 *               written by this worker, and by whoever reports its death
 *   SUBMITTER   counters the submitter keeps for this worker (wake-ups sent)
 *
 * A slot: a 16-byte header (status, error length) then the request's data as
 * its layout defines; the stride is rounded to whole lines so that two slots,
 * owned by different threads at any time, never share one.
 */

export const LINE = CACHE_LINE_BYTES;

/** "twq1" */
export const MAGIC = 0x74_77_71_31;
export const LAYOUT_VERSION = 3;

// HEADER line (Int32 indices).
export const H_MAGIC = 0;
export const H_VERSION = 1;
export const H_THREADS = 2;
export const H_SLOTS_PER_THREAD = 3;
export const H_REQUEST_BYTES = 4;

// CONTROL line.
export const CONTROL_OFFSET = LINE;
/** Int32 index of the destroy flag: 0 running, 1 destroyed. */
export const C_DESTROYED = CONTROL_OFFSET >>> 2;
/**
 * Int32 index of the failure flag: 0 healthy, else 1 + the index of the worker
 * the queue failed over, or FAILED_BY_HOST when the host itself (Node's
 * supervisor thread) failed. The failure record says why; it is written before
 * this flag, once, by whoever starts replacements.
 */
export const C_FAILED = C_DESTROYED + 1;
/** C_FAILED's value when no worker is to blame: the host (a supervisor thread) failed. */
export const FAILED_BY_HOST = -1;

/** Byte offset of the doorbell event (its own line: workers set it, the submitter resets it). */
export const DOORBELL_OFFSET = 2 * LINE;

export const BLOCKS_OFFSET = 3 * LINE;

/** Slot header: Int32 status, Int32 error length, 8 bytes reserved (keeps data 8-aligned). */
export const SLOT_HEADER_BYTES = 16;
export const S_STATUS = 0;
export const S_ERROR_LENGTH = 1;

/** Status a slot carries when it is handed back to the submitter. */
export const SLOT_OK = 0;
export const SLOT_HANDLER_FAILED = 1;
export const SLOT_WORKER_DIED = 2;

/** Bytes of one error record (UTF-8 JSON of name, message, stack; truncated to fit). */
export const ERROR_BYTES = 512;

// STATE line: Int32 words then Float64 counters.
/** Int32 index, within the STATE line, of the worker's status. */
export const W_STATUS = 0;
/** Int32 index, within the STATE line, of the generation (replacements so far). */
export const W_GENERATION = 1;
/** Int32 index, within the STATE line, of the exit code of the last death. */
export const W_EXIT_CODE = 2;
/** Float64 index, within the STATE line, of requests handled. */
export const W_HANDLED = 2;
/** Float64 index of requests whose handler failed. */
export const W_FAILED = 3;
/** Float64 index of times the worker parked. */
export const W_PARKS = 4;
/** Float64 index of spin-waits that found work before parking. */
export const W_SPIN_HITS = 5;

// COMPLETION line (Int32 indices): the event, then WANT.
export const COMPLETION_EVENT = 0;
export const COMPLETION_WANT = 1;

// SUBMITTER line: Float64 counters.
export const U_WAKES_SENT = 0;
export const U_LOST_TO_DEATH = 1;

/** Worker status values, in the order a worker's life goes through them. */
export const WORKER_STARTING = 0;
export const WORKER_READY = 1;
/** The worker died; its in-flight slots still await the submitter's reclaim. */
export const WORKER_DEAD = 2;
/** The submitter reclaimed the dead worker's slots; a replacement may start. */
export const WORKER_RECLAIMED = 3;
/** The worker left its loop because the queue was destroyed. */
export const WORKER_STOPPED = 4;

/** Largest number of worker threads. */
export const MAX_THREADS = 256;
/** Largest number of slots per worker thread. */
export const MAX_SLOTS_PER_THREAD = 4096;

export interface Geometry {
  readonly threads: number;
  readonly slotsPerThread: number;
  /** Bytes of request data per slot (from the layout). */
  readonly requestBytes: number;
  readonly bitmapBytes: number;
  readonly fillOffset: number; // within a block
  readonly doneOffset: number;
  readonly wakeOffset: number;
  readonly completionOffset: number;
  readonly stateOffset: number;
  readonly submitterOffset: number;
  readonly blockStride: number;
  readonly slotStride: number;
  readonly slotsBase: number;
  readonly errorsBase: number;
  readonly deathsBase: number;
  readonly failureBase: number;
  readonly totalBytes: number;
}

/** Computes every offset from the three numbers that define a queue. */
export function computeGeometry(threads: number, slotsPerThread: number, requestBytes: number): Geometry {
  checkCount('threads', threads, 1, MAX_THREADS);
  checkCount('slotsPerThread', slotsPerThread, 1, MAX_SLOTS_PER_THREAD);
  checkCount('requestBytes', requestBytes, 0, MAX_REQUEST_BYTES);
  const bitmapBytes = bytesForBits(slotsPerThread);
  const fillOffset = 0;
  const doneOffset = fillOffset + bitmapBytes;
  const wakeOffset = doneOffset + bitmapBytes;
  const completionOffset = wakeOffset + LINE;
  const stateOffset = completionOffset + LINE;
  const submitterOffset = stateOffset + LINE;
  const blockStride = submitterOffset + LINE;
  const slotStride = alignUp(SLOT_HEADER_BYTES + requestBytes, LINE);
  const slotsBase = BLOCKS_OFFSET + threads * blockStride;
  const slots = threads * slotsPerThread;
  const errorsBase = slotsBase + slots * slotStride;
  const deathsBase = errorsBase + slots * ERROR_BYTES;
  const failureBase = deathsBase + threads * ERROR_BYTES;
  const totalBytes = failureBase + ERROR_BYTES;
  return {
    threads,
    slotsPerThread,
    requestBytes,
    bitmapBytes,
    fillOffset,
    doneOffset,
    wakeOffset,
    completionOffset,
    stateOffset,
    submitterOffset,
    blockStride,
    slotStride,
    slotsBase,
    errorsBase,
    deathsBase,
    failureBase,
    totalBytes,
  };
}

function checkCount(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${describeValue(value)}`);
  }
}

/** Byte offset of worker `t`'s block. */
export function blockOffset(g: Geometry, t: number): number {
  return BLOCKS_OFFSET + t * g.blockStride;
}

/** Byte offset of the slot with global index `slot`. */
export function slotOffset(g: Geometry, slot: number): number {
  return g.slotsBase + slot * g.slotStride;
}

/** Writes the header of a fresh buffer. */
export function writeHeader(i32: Int32Array, g: Geometry): void {
  i32[H_MAGIC] = MAGIC;
  i32[H_VERSION] = LAYOUT_VERSION;
  i32[H_THREADS] = g.threads;
  i32[H_SLOTS_PER_THREAD] = g.slotsPerThread;
  i32[H_REQUEST_BYTES] = g.requestBytes;
}

/** Reads the geometry back from a buffer's header (on a worker); validates it. */
export function readGeometry(buffer: SharedArrayBuffer): Geometry {
  if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength < BLOCKS_OFFSET) {
    const shown = buffer instanceof SharedArrayBuffer ? `a SharedArrayBuffer of ${buffer.byteLength} bytes` : describeValue(buffer);
    throw new TypeError(`not a twq queue buffer: a SharedArrayBuffer made by a twq queue is required, got ${shown}`);
  }
  const i32 = new Int32Array(buffer, 0, LINE >>> 2);
  if (i32[H_MAGIC] !== MAGIC || i32[H_VERSION] !== LAYOUT_VERSION) {
    throw new TypeError(
      `not a twq queue buffer (magic ${String(i32[H_MAGIC])}, version ${String(i32[H_VERSION])}; expected ${MAGIC}, ${LAYOUT_VERSION})`,
    );
  }
  const g = computeGeometry(i32[H_THREADS], i32[H_SLOTS_PER_THREAD], i32[H_REQUEST_BYTES]);
  if (g.totalBytes !== buffer.byteLength) {
    throw new TypeError(`twq queue buffer is ${buffer.byteLength} bytes, its header describes ${g.totalBytes}`);
  }
  return g;
}
