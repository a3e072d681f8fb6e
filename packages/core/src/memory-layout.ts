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
 * A slot: a 16-byte header (status, error length, CLAIM) then the request's
 * data as its layout defines; the stride is rounded to whole lines so that two
 * slots, owned by different threads at any time, never share one.
 *
 * CLAIMS. FILL != DONE says a slot is in flight; the slot's CLAIM word says who
 * may run it. It lives in the slot header, on the slot's own line: the line the
 * runner of the request writes anyway, never one the other side polls (FILL,
 * DONE, the events), so the no-op path pays one uncontended compare-and-swap.
 *
 *   CLAIM = seq << CLAIM_SEQ_SHIFT | by << CLAIM_BY_SHIFT | CLAIM_CANCEL_REQUESTED? | state
 *
 *   IDLE ──submit──▶ QUEUED ──CAS by the owner, a thief or the helping submitter──▶ RUNNING(by)
 *                      │                                                             │
 *                      └──CAS by the submitter (cancel)──▶ CANCELLED                 └─ OR by the submitter
 *                                                                                       (cancel): + CANCEL_REQUESTED
 *
 * - submit: the submitter (the slot's owner while FILL == DONE) writes
 *   QUEUED with seq + 1 by a plain store; its Atomics.store of FILL publishes it.
 *   The sequence number makes a stale QUEUED (seen before the slot went round
 *   once more) fail the CAS instead of taking the next request by mistake.
 * - run: whoever first CASes QUEUED -> RUNNING(by) runs the handler; every
 *   other party that reads a claim word not QUEUED leaves the slot alone. The
 *   CAS is the one point of exclusion: a plain store there would let two
 *   parties run one request (the model checker's planted bug 'claim-store').
 * - completion by a worker (its owner or a thief): writes the result and the
 *   slot's status, then Atomics.xor of the owner partition's DONE word. DONE is
 *   therefore multi-writer: every writer flips with xor, and every reader
 *   (the owner included) loads it atomically.
 * - cancel: the submitter CASes QUEUED -> CANCELLED, writes the status
 *   SLOT_CANCELLED and hands the slot back by flipping its own FILL bit back
 *   (FILL == DONE again): no worker writes DONE for it. If the CAS loses (the
 *   request runs), the submitter ORs CANCEL_REQUESTED into the word, which the
 *   running handler reads (env.cancelled); the runner completes it as usual.
 * - a worker's death: the submitter fails only the slots whose claim says
 *   RUNNING(dead worker), in any partition, by flipping its FILL bit back with
 *   the status SLOT_WORKER_DIED. Slots still QUEUED stay in flight: the
 *   replacement (or a thief) runs them. Nothing is lost, nothing runs twice.
 *
 * ELASTIC THREADS. The memory is laid out for maxThreads partitions
 * (H_THREADS); minThreads of them (H_MIN_THREADS) start with the queue, the
 * others start RETIRED. Which partitions are live (take placements) is the
 * submitter's private list: it alone places, starts and retires, so placement
 * reads no shared word for it. Each partition has a RUN word (on its
 * SUBMITTER line, which neither side writes on the hot path):
 *
 *   SERVING ──worker: idle for idleTimeoutMs, CAS──▶ ASKED ──submitter: CAS──▶ GO ──worker: CAS──▶ LEFT
 *      ▲                                               │                       │                     │
 *      └────────────submitter: CAS (denied)────────────┘                       │                     │
 *      └────────────submitter: CAS (wanted again before it left)───────────────┘                     │
 *      └────────────submitter: store, then a new worker thread (growth)──────────────────────────────┘
 *
 * - ask: a worker whose timed park (idleTimeoutMs, H_IDLE_TIMEOUT_MS) ran out
 *   with nothing to do CASes SERVING -> ASKED and tells its host, which tells
 *   the submitter (a blocked submitter reads the RUN words on its slow path).
 * - retire: the submitter first takes the partition out of placement, then
 *   checks that it has nothing in flight and no slot handed out by getRequest
 *   (so nothing can be submitted there any more), and that more than
 *   minThreads stay live; then CASes ASKED -> GO and sets the worker's wake
 *   event. Otherwise it CASes ASKED -> SERVING (denied: the worker asks again
 *   after another idle period).
 * - leave: the worker, with nothing of its own left (its pass found none),
 *   CASes GO -> LEFT; having won, it leaves its loop, tears its slots down and
 *   publishes WORKER_RETIRED (its last write). Its partition is empty: nothing
 *   was in flight at GO and nothing is placed in a partition while it reads GO.
 * - growth: when getRequest finds no free slot in any live partition (and the
 *   last started worker is READY), the submitter takes the lowest partition
 *   that is not live: if its RUN word is still GO, one CAS GO -> SERVING keeps
 *   its worker (it had not left; it serves the placements it now gets); else
 *   (LEFT) it stores SERVING and asks the host for a new thread, which waits
 *   for WORKER_RETIRED (its predecessor's last write) before it says READY.
 *   The two CASes on GO are the one point of exclusion: with a plain store on
 *   either side, a worker could leave a partition that takes placements (the
 *   model checker's planted bug 'leave-store').
 * - a worker that dies after LEFT is not a death (nothing of its own is in
 *   flight): its host publishes WORKER_RETIRED for it and starts no replacement.
 * - requests queued in a partition whose worker is not READY (a start under
 *   way) count double for thieves and the helping submitter (mostLoaded).
 */

export const LINE = CACHE_LINE_BYTES;

/** "twq1" */
export const MAGIC = 0x74_77_71_31;
export const LAYOUT_VERSION = 4;

// HEADER line (Int32 indices).
export const H_MAGIC = 0;
export const H_VERSION = 1;
export const H_THREADS = 2;
export const H_SLOTS_PER_THREAD = 3;
export const H_REQUEST_BYTES = 4;
/** Header word of flags fixed at creation (HF_*), read by every worker as it attaches. */
export const H_FLAGS = 5;
/** Flag: idle workers steal queued requests from the other partitions. */
export const HF_STEAL = 1;
/** Header word: how many partitions start with the queue (minThreads; H_THREADS is maxThreads). */
export const H_MIN_THREADS = 6;
/** Header word: ms a worker parks idle before it asks to retire; 0: never (minThreads = maxThreads). */
export const H_IDLE_TIMEOUT_MS = 7;

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

/** Slot header: Int32 status, Int32 error length, Int32 CLAIM, 4 bytes reserved (keeps data 8-aligned). */
export const SLOT_HEADER_BYTES = 16;
export const S_STATUS = 0;
export const S_ERROR_LENGTH = 1;
/** Int32 index, within the slot header, of the slot's CLAIM word (see the comment at the top). */
export const S_CLAIM = 2;

// CLAIM word fields.
/** Mask of the claim's state (CLAIM_IDLE .. CLAIM_CANCELLED). */
export const CLAIM_STATE_MASK = 0b11;
/** Never submitted, or handed back and not yet submitted again. */
export const CLAIM_IDLE = 0;
/** Submitted; nobody runs it yet. */
export const CLAIM_QUEUED = 1;
/** Taken by CLAIM_BY (a worker index, or CLAIM_BY_SUBMITTER); its handler runs or ran. */
export const CLAIM_RUNNING = 2;
/** Taken by the submitter's cancel before anyone ran it. */
export const CLAIM_CANCELLED = 3;
/** Cooperative flag: the submitter asked the running handler to stop. */
export const CLAIM_CANCEL_REQUESTED = 0b100;
/** Bit position of the claimer id in a CLAIM word. */
export const CLAIM_BY_SHIFT = 3;
/** Nine bits of claimer: a worker index (< MAX_THREADS = 256) or CLAIM_BY_SUBMITTER. */
export const CLAIM_BY_MASK = 0x1ff;
/** The claimer id of the submitter (when it helps). */
export const CLAIM_BY_SUBMITTER = 256;
export const CLAIM_SEQ_SHIFT = CLAIM_BY_SHIFT + 9;
/** The part of a claim word that a state change keeps: the sequence number. */
export const CLAIM_SEQ_MASK = ~((1 << CLAIM_SEQ_SHIFT) - 1);

/** Status a slot carries when it is handed back to the submitter. */
export const SLOT_OK = 0;
export const SLOT_HANDLER_FAILED = 1;
export const SLOT_WORKER_DIED = 2;
/** The submitter cancelled the request before any thread ran it. */
export const SLOT_CANCELLED = 3;

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
/** Float64 index of requests this worker took from other partitions (stealing). */
export const W_STOLEN = 6;

// COMPLETION line (Int32 indices): the event, then WANT.
export const COMPLETION_EVENT = 0;
export const COMPLETION_WANT = 1;

// SUBMITTER line: Float64 counters.
export const U_WAKES_SENT = 0;
export const U_LOST_TO_DEATH = 1;
/** Int32 index, within the SUBMITTER line, of the partition's RUN word (elastic threads: see the comment at the top). */
export const U_RUN = 4;
/** RUN: the partition's worker serves (or a start is under way). */
export const RUN_SERVING = 0;
/** RUN: the worker has been idle for idleTimeoutMs and asks to retire. */
export const RUN_ASKED = 1;
/** RUN: the submitter took the partition out of placement: the worker may leave. */
export const RUN_GO = 2;
/** RUN: the worker left (or never started): a new thread is needed to serve the partition. */
export const RUN_LEFT = 3;

/** Worker status values, in the order a worker's life goes through them. */
/** The worker is starting: loading the ops and setting up its slots. */
export const WORKER_STARTING = 0;
/** The worker is serving its slots. */
export const WORKER_READY = 1;
/** The worker died; its in-flight slots still await the submitter's reclaim. */
export const WORKER_DEAD = 2;
/** The submitter reclaimed the dead worker's slots; a replacement may start. */
export const WORKER_RECLAIMED = 3;
/** The worker left its loop because the queue was destroyed. */
export const WORKER_STOPPED = 4;
/** The worker left its loop because it was retired (idle), or the partition has not been started: a new worker may start. */
export const WORKER_RETIRED = 5;

/** Largest number of worker threads. */
export const MAX_THREADS = 256;
/** Largest idleTimeoutMs (it is kept in an Int32 header word). */
export const MAX_IDLE_TIMEOUT_MS = 0x7fff_ffff;
/** Largest number of slots per worker thread. */
export const MAX_SLOTS_PER_THREAD = 4096;

/** Where everything sits in a queue's shared memory, from its thread count, slots per thread and request layout: offsets and strides in bytes (see `computeGeometry`). */
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

/**
 * What an engine is assumed to allow in one SharedArrayBuffer when it does not
 * say (a browser): 4 GiB, the largest typed array of V8 on 64-bit platforms up
 * to Node.js 20 and of Safari; Firefox allows 8 GiB. An engine that allows
 * less (a 32-bit one) fails the allocation instead, which is reported the same way.
 */
export const DEFAULT_MAX_SHARED_BYTES = 2 ** 32;

let maxShared: number | undefined;

/**
 * The largest SharedArrayBuffer a queue may use on this engine, in bytes. A
 * queue views its whole buffer as one Uint8Array, so the limit is the
 * engine's largest typed array: on Node.js (and engines that offer
 * `process.getBuiltinModule`), `buffer.constants.MAX_LENGTH`, which Node.js
 * documents as that length (2^32 up to Node.js 20, 2^53 - 1 from 22 on 64-bit
 * platforms); elsewhere DEFAULT_MAX_SHARED_BYTES. Read once, without
 * allocating anything.
 */
export function maxSharedBytes(): number {
  if (maxShared !== undefined) return maxShared;
  let limit = DEFAULT_MAX_SHARED_BYTES;
  try {
    const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
    const max = (get?.('node:buffer') as { constants?: { MAX_LENGTH?: unknown } } | undefined)?.constants?.MAX_LENGTH;
    if (typeof max === 'number' && Number.isSafeInteger(max) && max > 0) limit = max;
  } catch {
    // Not Node.js after all (a global `process` shim): keep the default.
  }
  maxShared = limit;
  return limit;
}

/**
 * The geometry of a queue of `threads` x `slotsPerThread` slots of
 * `requestBytes`-byte requests, checked to fit one SharedArrayBuffer of this
 * engine: each count may be within its own range while their product is not.
 * Throws a RangeError naming the options, the bytes they need and the limit.
 * `requestOrigin` says where the request size comes from (an option of the
 * caller's, such as a block size), for the message.
 */
export function checkQueueSize(threads: number, slotsPerThread: number, requestBytes: number, requestOrigin?: string): Geometry {
  if (requestOrigin !== undefined && typeof requestOrigin !== 'string') {
    throw new TypeError(`requestOrigin must be a string or undefined, got ${describeValue(requestOrigin)}`);
  }
  const g = computeGeometry(threads, slotsPerThread, requestBytes);
  const limit = maxSharedBytes();
  if (g.totalBytes > limit) throw queueSizeError(g, requestOrigin, `more than the ${limit} bytes this engine allows in one SharedArrayBuffer`);
  return g;
}

/**
 * The RangeError of a queue too large for this engine: from checkQueueSize,
 * or from an allocation that failed anyway (`why`: the engine's own words).
 */
export function queueSizeError(g: Geometry, requestOrigin: string | undefined, why: string, cause?: unknown): RangeError {
  const origin = requestOrigin ?? `${g.requestBytes}-byte requests`;
  return new RangeError(
    `threads (${g.threads}) x slotsPerThread (${g.slotsPerThread}) slots of ${g.slotStride} bytes each (${origin}, with a slot header, in whole ${LINE}-byte lines) ` +
      `need ${g.totalBytes} bytes of shared memory, ${why}: use fewer threads or slots per thread, or smaller requests`,
    cause === undefined ? undefined : { cause },
  );
}

/** Byte offset of worker `t`'s block. */
export function blockOffset(g: Geometry, t: number): number {
  return BLOCKS_OFFSET + t * g.blockStride;
}

/** Byte offset of the slot with global index `slot`. */
export function slotOffset(g: Geometry, slot: number): number {
  return g.slotsBase + slot * g.slotStride;
}

/** Writes the header of a fresh buffer (`minThreads` and `idleTimeoutMs`: elastic threads; 0 ms: fixed). */
export function writeHeader(i32: Int32Array, g: Geometry, flags = 0, minThreads = g.threads, idleTimeoutMs = 0): void {
  i32[H_FLAGS] = flags;
  i32[H_MIN_THREADS] = minThreads;
  i32[H_IDLE_TIMEOUT_MS] = idleTimeoutMs;
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
