import { AtomicBitmap } from '@twq/bitmap';
import { SharedEvent } from '@twq/event';
import { describeValue } from './errors.js';
import {
  C_DESTROYED,
  COMPLETION_EVENT,
  DOORBELL_OFFSET,
  ERROR_BYTES,
  H_IDLE_TIMEOUT_MS,
  H_MIN_THREADS,
  LINE,
  U_RUN,
  W_GENERATION,
  W_STATUS,
  blockOffset,
  checkQueueSize,
  queueSizeError,
  type Geometry,
} from './memory-layout.js';

/** A worker's status word as `stats()` names it (index: WORKER_* value). */
export const WORKER_STATUS_NAMES = Object.freeze(['starting', 'ready', 'dead', 'reclaimed', 'stopped', 'retired'] as const);
/** A worker's status as `stats().workers[i].status` names it. */
export type WorkerStatusName = (typeof WORKER_STATUS_NAMES)[number];

/** The views of one worker's block, attached once per thread. */
export class WorkerBlock {
  readonly fill: AtomicBitmap;
  readonly done: AtomicBitmap;
  readonly wake: SharedEvent;
  readonly completion: SharedEvent;
  /** The COMPLETION line: the event word (COMPLETION_EVENT) and WANT (COMPLETION_WANT). */
  readonly completionLine: Int32Array;
  /** The STATE line as Int32 words (status, generation, exit code). */
  readonly state32: Int32Array;
  /** The STATE line as Float64 counters (written by this worker with plain stores). */
  readonly state64: Float64Array;
  /** The SUBMITTER line as Float64 counters. */
  readonly submitter64: Float64Array;
  /** The SUBMITTER line as Int32 words (the RUN word, U_RUN: elastic threads). */
  readonly submitter32: Int32Array;

  constructor(buffer: SharedArrayBuffer, g: Geometry, worker: number) {
    checkBufferAndGeometry(buffer, g, 'g');
    checkWorker(worker, g.threads);
    const base = blockOffset(g, worker);
    this.fill = new AtomicBitmap(buffer, base + g.fillOffset, g.slotsPerThread);
    this.done = new AtomicBitmap(buffer, base + g.doneOffset, g.slotsPerThread);
    this.wake = new SharedEvent(new Int32Array(buffer, base + g.wakeOffset, 1), 0);
    this.completionLine = new Int32Array(buffer, base + g.completionOffset, LINE >>> 2);
    this.completion = new SharedEvent(this.completionLine, COMPLETION_EVENT);
    this.state32 = new Int32Array(buffer, base + g.stateOffset, LINE >>> 2);
    this.state64 = new Float64Array(buffer, base + g.stateOffset, LINE >>> 3);
    this.submitter64 = new Float64Array(buffer, base + g.submitterOffset, LINE >>> 3);
    this.submitter32 = new Int32Array(buffer, base + g.submitterOffset, LINE >>> 2);
  }

  /** The partition's RUN word (RUN_SERVING .. RUN_LEFT; see memory-layout.ts). */
  run(): number {
    return Atomics.load(this.submitter32, U_RUN);
  }

  /** The worker's status word (WORKER_STARTING .. WORKER_STOPPED). */
  status(): number {
    return Atomics.load(this.state32, W_STATUS);
  }

  /** Counts one more replacement of this worker; returns the new generation. */
  bumpGeneration(): number {
    return Atomics.add(this.state32, W_GENERATION, 1) + 1;
  }
}

/** Every view a thread needs over a queue's buffer. */
export class QueueMemory {
  readonly buffer: SharedArrayBuffer;
  readonly geometry: Geometry;
  readonly i32: Int32Array;
  readonly u8: Uint8Array;
  readonly blocks: readonly WorkerBlock[];
  /** Where a submitter waiting for any free slot parks (see WorkerRuntime.signalCompletion). */
  readonly doorbell: SharedEvent;

  constructor(buffer: SharedArrayBuffer, geometry: Geometry) {
    checkBufferAndGeometry(buffer, geometry, 'geometry');
    this.buffer = buffer;
    this.geometry = geometry;
    this.i32 = new Int32Array(buffer);
    this.u8 = new Uint8Array(buffer);
    const blocks: WorkerBlock[] = [];
    for (let t = 0; t < geometry.threads; t++) blocks.push(new WorkerBlock(buffer, geometry, t));
    this.blocks = blocks;
    this.doorbell = new SharedEvent(new Int32Array(buffer, DOORBELL_OFFSET, 1), 0);
  }

  /** How many partitions start with the queue (minThreads; the others wait for growth). */
  minThreads(): number {
    // A header that does not say (0: a buffer a test made by hand) means every partition.
    const min = this.i32[H_MIN_THREADS];
    return min >= 1 && min <= this.geometry.threads ? min : this.geometry.threads;
  }

  /** How long a worker parks idle before it asks to retire (ms); 0: never (fixed thread count). */
  idleTimeoutMs(): number {
    return this.i32[H_IDLE_TIMEOUT_MS];
  }

  /** True once the queue has been destroyed (a flag in shared memory every thread can read). */
  isDestroyed(): boolean {
    return Atomics.load(this.i32, C_DESTROYED) !== 0;
  }

  /** The bytes where a slot's handler error is recorded (see `readErrorRecord` / `writeErrorRecord`). */
  errorRecord(slot: number): Uint8Array {
    // A bad index would give a view of some other part of the buffer, which the caller may write.
    const slots = this.geometry.threads * this.geometry.slotsPerThread;
    if (typeof slot !== 'number' || (slot >>> 0) !== slot || slot >= slots) throw new RangeError(`slot must be an integer in [0, ${slots - 1}], got ${describeValue(slot)}`);
    return this.u8.subarray(this.geometry.errorsBase + slot * ERROR_BYTES, this.geometry.errorsBase + (slot + 1) * ERROR_BYTES);
  }

  /** The bytes where a worker's death is recorded (see `recordWorkerDeath`). */
  deathRecord(worker: number): Uint8Array {
    checkWorker(worker, this.geometry.threads);
    return this.u8.subarray(
      this.geometry.deathsBase + worker * ERROR_BYTES,
      this.geometry.deathsBase + (worker + 1) * ERROR_BYTES,
    );
  }

  /** Why the queue failed (see C_FAILED). */
  failureRecord(): Uint8Array {
    return this.u8.subarray(this.geometry.failureBase, this.geometry.failureBase + ERROR_BYTES);
  }
}

/**
 * A fresh queue's memory: its size checked against what this engine allows
 * (see checkQueueSize), then allocated and viewed. An allocation or a view
 * the engine refuses even so (out of memory, a lower limit than assumed) is
 * the same RangeError, with the engine's own error as its cause.
 */
export function allocateQueueMemory(threads: number, slotsPerThread: number, requestBytes: number): QueueMemory {
  const g = checkQueueSize(threads, slotsPerThread, requestBytes);
  try {
    return new QueueMemory(new SharedArrayBuffer(g.totalBytes), g);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw queueSizeError(g, undefined, `which this engine could not allocate as one SharedArrayBuffer (${e.message})`, e);
  }
}

/** The buffer a queue's views are made over must be the one its geometry describes. */
function checkBufferAndGeometry(buffer: unknown, geometry: unknown, name: string): void {
  if (!(buffer instanceof SharedArrayBuffer)) throw new TypeError(`buffer must be a SharedArrayBuffer, got ${describeValue(buffer)}`);
  const total = (geometry as Partial<Geometry> | null)?.totalBytes;
  if (typeof geometry !== 'object' || geometry === null || typeof total !== 'number') {
    throw new TypeError(`${name} must be a Geometry from computeGeometry() or readGeometry(), got ${describeValue(geometry)}`);
  }
  if (buffer.byteLength !== total) {
    throw new RangeError(`buffer has ${buffer.byteLength} bytes but its geometry describes ${total}`);
  }
}

export function checkWorker(worker: unknown, threads: number): void {
  if (typeof worker !== 'number' || (worker >>> 0) !== worker || worker >= threads) {
    throw new RangeError(`worker must be an integer in [0, ${threads - 1}], got ${describeValue(worker)}`);
  }
}
