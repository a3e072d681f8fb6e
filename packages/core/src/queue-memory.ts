import { AtomicBitmap } from '@twq/bitmap';
import { SharedEvent } from '@twq/event';
import { describeValue } from './errors.js';
import {
  C_DESTROYED,
  COMPLETION_EVENT,
  C_FAILED,
  DOORBELL_OFFSET,
  ERROR_BYTES,
  LINE,
  W_EXIT_CODE,
  W_GENERATION,
  W_STATUS,
  WORKER_DEAD,
  blockOffset,
  type Geometry,
} from './memory-layout.js';

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

  /** True once the queue has been destroyed (a flag in shared memory every thread can read). */
  isDestroyed(): boolean {
    return Atomics.load(this.i32, C_DESTROYED) !== 0;
  }

  /** The bytes where a slot's handler error is recorded (see `readErrorRecord` / `writeErrorRecord`). */
  errorRecord(slot: number): Uint8Array {
    // A bad index would give a view of some other part of the buffer, which the caller may write.
    const slots = this.geometry.threads * this.geometry.slotsPerThread;
    if ((slot >>> 0) !== slot || slot >= slots) throw new RangeError(`slot must be an integer in [0, ${slots - 1}], got ${describeValue(slot)}`);
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

function checkWorker(worker: unknown, threads: number): void {
  if (typeof worker !== 'number' || (worker >>> 0) !== worker || worker >= threads) {
    throw new RangeError(`worker must be an integer in [0, ${threads - 1}], got ${describeValue(worker)}`);
  }
}

function checkMemory(memory: unknown): void {
  if (!(memory instanceof QueueMemory)) throw new TypeError(`memory must be a QueueMemory, got ${describeValue(memory)}`);
}

/** Smallest error record: room for a name (cut to 64 characters), a short message and the length prefix. */
const MIN_RECORD_BYTES = 128;

function checkRecord(record: unknown, minBytes: number): asserts record is Uint8Array {
  if (!(record instanceof Uint8Array)) throw new TypeError(`record must be a Uint8Array, got ${describeValue(record)}`);
  if (record.length < minBytes) {
    throw new RangeError(`record must be a Uint8Array of at least ${minBytes} bytes, got ${record.length} bytes`);
  }
}

/**
 * An ErrorInfo as records take it: an object is required; its fields are made
 * strings (a reporter may pass on whatever a worker threw, and a record must
 * still be written: a death that is not recorded would leave a waiter hanging).
 */
function toRecordedInfo(info: unknown, name: string): ErrorInfo {
  if (typeof info !== 'object' || info === null) {
    throw new TypeError(`${name} must be an object with name and message (an ErrorInfo), got ${describeValue(info)}`);
  }
  const i = info as { name?: unknown; message?: unknown; stack?: unknown };
  return { name: String(i.name), message: String(i.message), stack: typeof i.stack === 'string' ? i.stack : undefined };
}

/** An error as it crosses threads: plain data. */
export interface ErrorInfo {
  name: string;
  message: string;
  stack?: string | undefined;
}

/** Turns anything thrown into ErrorInfo. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof Error) {
    // Coerced: a thrown Error may carry a non-string name or message, and the record takes strings.
    const { name, message, stack } = error as { name: unknown; message: unknown; stack: unknown };
    return { name: String(name), message: String(message), stack: typeof stack === 'string' ? stack : undefined };
  }
  return { name: 'Error', message: `non-Error value thrown: ${String(error)}` };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Writes `info` as UTF-8 JSON into `record` (4-byte length prefix), cutting the
 * stack, then the message, until it fits. Plain stores: the writer owns the
 * record (the slot's worker before it flips the done bit; the reporter of a death
 * before it publishes the DEAD status).
 */
export function writeErrorRecord(record: Uint8Array, info: ErrorInfo): void {
  checkRecord(record, MIN_RECORD_BYTES);
  info = toRecordedInfo(info, 'info');
  const room = record.length - 4;
  let candidate: ErrorInfo = { name: info.name, message: info.message, stack: info.stack };
  let bytes = encoder.encode(JSON.stringify(candidate));
  // Cut the stack by whole frames (most real stacks do not fit whole), then drop it.
  let lines = info.stack?.split('\n') ?? [];
  while (bytes.length > room && lines.length > 1) {
    lines = lines.slice(0, -1);
    candidate = { name: info.name, message: info.message, stack: lines.join('\n') };
    bytes = encoder.encode(JSON.stringify(candidate));
  }
  if (bytes.length > room) {
    candidate = { name: info.name, message: info.message };
    bytes = encoder.encode(JSON.stringify(candidate));
  }
  let cut = info.message.length;
  while (bytes.length > room && cut > 0) {
    cut = Math.floor(cut / 2);
    candidate = { name: info.name.slice(0, 64), message: `${info.message.slice(0, cut)}…` };
    bytes = encoder.encode(JSON.stringify(candidate));
  }
  new DataView(record.buffer, record.byteOffset, 4).setUint32(0, bytes.length, true);
  record.set(bytes.subarray(0, room), 4);
}

/** Reads an ErrorInfo written by writeErrorRecord (a blank record reads as an unknown error). */
export function readErrorRecord(record: Uint8Array): ErrorInfo {
  checkRecord(record, 4);
  const length = new DataView(record.buffer, record.byteOffset, 4).getUint32(0, true);
  if (length === 0 || length > record.length - 4) return { name: 'Error', message: 'unknown error' };
  try {
    const parsed = JSON.parse(decoder.decode(record.slice(4, 4 + length))) as ErrorInfo;
    return { name: parsed.name, message: parsed.message, stack: parsed.stack };
  } catch {
    return { name: 'Error', message: 'unreadable error record' };
  }
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
 * Reports that the queue cannot go on because worker `worker` (a replacement)
 * failed to start: every later call on the queue then throws QueueFailedError.
 */
export function recordQueueFailure(memory: QueueMemory, worker: number, reason: ErrorInfo): void {
  // Checked before anything is written: a bad index would write another worker's record, or outside the records.
  checkMemory(memory);
  checkWorker(worker, memory.blocks.length);
  reason = toRecordedInfo(reason, 'reason');
  writeErrorRecord(memory.deathRecord(worker), reason);
  Atomics.store(memory.i32, C_FAILED, worker + 1);
  for (const block of memory.blocks) block.completion.set();
  memory.doorbell.set();
}
