import { MAX_THREADS, TwqError, WaitTimeoutError, describeValue, type RemoteError, type Request, type Workqueue } from '@twq/core';
import { resolveOptions } from '@twq/core/host';
import { BusyError, GzipBlockError } from '../errors.js';
import type { CompressionLevel } from '../level.js';
import { nextMacrotask } from '../next-macrotask.js';
import { createTypedQueue, type QueueFactory } from '../queue-factory.js';
import type { GzipBlockSpec } from './block-layout.js';
import { resolveGzipBlockOptions, type BlockCompressor, type Crc32, type GzipBlockOptions } from './block-ops.js';
import { WINDOW_BYTES } from './block-size.js';
import { crc32CombineWith, crc32ShiftOperator } from './crc32-combine.js';
import { gzipHeader, gzipTrailer, type GzipHeaderOptions } from './gzip-header.js';
import { ReorderBuffer } from './reorder-buffer.js';

/**
 * Slots per worker by default: one block in work, one queued (double
 * buffering). A worker takes its lowest pending slot first: with more slots,
 * a low slot refilled while a higher one still waits is taken first, again and
 * again, and the block in the high slot holds back every block after it
 * (measured: four slots made twq-gzip -6 40% slower). With two, the other
 * slot always holds the older block, so each worker is first-in first-out.
 */
export const DEFAULT_GZIP_SLOTS_PER_THREAD = 2;


/**
 * Blocks that may be outstanding (submitted, not yet written) per worker,
 * beyond its slots. Done callbacks run lazily (the block in a slot is
 * collected when the slot is claimed for a later block), a faster worker may
 * take more blocks than a slower one, and the submitter may compress some
 * itself: the slack absorbs all three. Past this window no new block goes out
 * until the oldest is written, which bounds the reorder buffer however far one
 * worker falls behind.
 */
export const REORDER_SLACK_PER_THREAD = 2;

/**
 * Longest the submitter waits for a free slot before looking at every worker
 * again. A queue's submitter parks on one worker's completion event at a
 * time (the next in round-robin order); when another worker frees a slot
 * first, this bound lets the submitter find it within a fraction of a block's
 * time instead of the queue's 50 ms wait slice, so a fast worker is never
 * left idle behind a slow one.
 */
export const FREE_SLOT_RECHECK_MS = 2;

/**
 * When the submitter compresses a block on its own thread (with an
 * `inlineCompressor`):
 * - 'while-starting': only until the workers are ready (starting threads is
 *   a good part of a second's work on a short input);
 * - 'when-idle': also whenever no worker slot is free, so the submitter is
 *   one more compressor: for a process that has nothing else to do on its
 *   main thread (twq-gzip runs one worker per core but one, and compresses
 *   on the main thread too);
 * - 'never'.
 */
export type SubmitterCompression = 'never' | 'while-starting' | 'when-idle';

export interface ParallelGzipOptions extends GzipBlockOptions, GzipHeaderOptions {
  /** A twq adapter's `createQueue` (@twq/node's, @twq/browser's), or `inlineQueueFactory(...)`. */
  createQueue: QueueFactory;
  /** The gzip block ops module the workers import; the entry points fill in their own. */
  opsModule: URL;
  /**
   * Worker threads; default 1. The entry points default to one per core, as
   * pigz. 0 (with an `inlineCompressor`): no workers, every block is
   * compressed on the submitter's thread.
   */
  threads?: number;
  /** Slots per worker; default 2. Memory is about (32 KiB + 2 blocks) per slot. */
  slotsPerThread?: number;
  spinBudget?: number;
  /** Name of the queue (and its threads). Default 'twq-gzip'. */
  queueName?: string;
  /** A block compressor for the submitter's own thread; the Node.js entry passes node:zlib's. */
  inlineCompressor?: InlineCompressor;
  /** When the submitter uses it; default 'while-starting' (see SubmitterCompression). */
  submitterCompression?: SubmitterCompression;
}

/** A block compressor and CRC for the submitter's own thread (see `inlineCompressor`). */
export interface InlineCompressor {
  readonly compress: BlockCompressor;
  readonly crc32: Crc32;
}

type BlockRequest = Request<GzipBlockSpec>;
type BlockQueue = Workqueue<GzipBlockSpec, GzipBlockOptions>;

const OPEN = 0;
const FINISHED = 1;
const FAILED = 2;

const SUBMITTER_COMPRESSION: readonly SubmitterCompression[] = ['never', 'while-starting', 'when-idle'];

/**
 * Parallel gzip, pigz's method, on a twq queue: the input is cut into blocks;
 * each block is compressed on a worker as raw deflate with the 32 KiB before
 * it as preset dictionary, ended with a sync flush (the last one finished),
 * and its CRC-32 computed there too. The submitter (this object) copies
 * input into slots, writes finished blocks in order, and combines the CRCs:
 * the output is one standard gzip member.
 *
 * Placement is round-robin, so consecutive blocks go to different workers;
 * with two slots each, workers are first-in first-out and blocks finish about
 * in order; the reorder buffer holds the few that finish early.
 *
 * Output goes to `onChunk` synchronously, in order; the bytes passed are only
 * valid during the call (they may be a view of shared memory): copy them or
 * consume them there. Memory stays bounded: at most
 * `threads * (slotsPerThread + 2) + 1` blocks are in flight or waiting for their
 * turn, whatever the input size.
 *
 * Input goes in either by copy (`write`) or without a copy: `reserve()` gives
 * a view of the current block's free input space (read a file straight into
 * it), `commit(n)` hands over the `n` bytes written there.
 *
 * Workers start when the first block is full (an input of one block never
 * starts them). With an `inlineCompressor`, the submitter compresses blocks
 * itself while they start, or also whenever no slot is free (see
 * SubmitterCompression).
 *
 * Single submitter: calls must not overlap (await each); an overlapping call
 * throws BusyError.
 */
export class ParallelGzipEncoder {
  readonly level: CompressionLevel;
  readonly blockSize: number;
  readonly threads: number;
  private readonly options: ParallelGzipOptions;
  private readonly onChunk: (chunk: Uint8Array) => void;
  /** x^(8 * blockSize): combines the CRC of a full block in one multiplication. */
  private readonly fullBlockShift: number;
  private readonly submitterCompression: SubmitterCompression;
  private queue: BlockQueue | undefined;
  private starting: Promise<BlockQueue> | undefined;
  private reorder: ReorderBuffer | undefined;
  /** Free slots claimed while the window was full: used first for the next blocks. */
  private readonly spares: BlockRequest[] = [];
  /** The claimed slot being filled, and how full the current block is. */
  private current: BlockRequest | undefined;
  private filled = 0;
  /** The block being filled on this thread (see `inlineCompressor`), when `inlineActive`. */
  private readonly inlineInput: Uint8Array | undefined;
  private inlineActive = false;
  /** An inline block was just compressed while the workers start: let the event loop run (they may be ready) before the next. */
  private yieldPending = false;
  /** The last 32 KiB of the last full block: the next block's dictionary. */
  private readonly carry = new Uint8Array(WINDOW_BYTES);
  private carryLength = 0;
  private nextSeq = 0;
  private writeSeq = 0;
  private crc = 0;
  private bytesIn = 0;
  private bytesOut = 0;
  private headerWritten = false;
  private state = OPEN;
  private failure: Error | undefined;
  private busy = false;

  constructor(options: ParallelGzipOptions, onChunk: (chunk: Uint8Array) => void) {
    if (typeof options !== 'object' || (options as unknown) === null) {
      throw new TypeError(`options must be an object, got ${describeValue(options)}`);
    }
    if (typeof options.createQueue !== 'function') {
      throw new TypeError(`createQueue must be a twq adapter's createQueue function, got ${describeValue(options.createQueue)}`);
    }
    if (typeof onChunk !== 'function') throw new TypeError(`onChunk must be a function, got ${describeValue(onChunk)}`);
    const { level, blockSize } = resolveGzipBlockOptions(options);
    const inline = options.inlineCompressor;
    if (inline !== undefined && (typeof inline.compress !== 'function' || typeof inline.crc32 !== 'function')) {
      throw new TypeError(`inlineCompressor must have compress and crc32 functions, got ${describeValue(inline)}`);
    }
    const submitterCompression = options.submitterCompression ?? 'while-starting';
    if (!SUBMITTER_COMPRESSION.includes(submitterCompression)) {
      throw new RangeError(
        `submitterCompression must be one of ${SUBMITTER_COMPRESSION.map((m) => `'${m}'`).join(', ')}, got ${describeValue(submitterCompression)}`,
      );
    }
    const threads = options.threads ?? 1;
    const minThreads = inline === undefined ? 1 : 0;
    if (!Number.isInteger(threads) || threads < minThreads || threads > MAX_THREADS) {
      throw new RangeError(
        `threads must be an integer in [${minThreads}, ${MAX_THREADS}]${minThreads === 1 ? ' (0 only with an inlineCompressor)' : ''}, got ${describeValue(threads)}`,
      );
    }
    // The queue's options too, and the header's: checked now, not when the workers start or at the first write.
    const queueName = options.queueName ?? 'twq-gzip';
    if (typeof queueName !== 'string' || queueName.length === 0 || queueName.length > 64) {
      throw new TypeError(`queueName must be a string of 1 to 64 characters, got ${describeValue(queueName)}`);
    }
    resolveOptions({ threads: Math.max(1, threads), slotsPerThread: options.slotsPerThread ?? DEFAULT_GZIP_SLOTS_PER_THREAD, spinBudget: options.spinBudget, name: queueName }, 1);
    const opsModule: unknown = options.opsModule;
    if (!(opsModule instanceof URL) && (typeof opsModule !== 'string' || opsModule.length === 0)) {
      throw new TypeError(`opsModule must be the URL of a gzip block ops module, got ${describeValue(opsModule)}`);
    }
    gzipHeader(level, options);
    this.level = level;
    this.blockSize = blockSize;
    this.threads = threads;
    this.options = options;
    this.onChunk = onChunk;
    this.fullBlockShift = crc32ShiftOperator(blockSize);
    // With no workers, the submitter compresses everything whatever the mode.
    this.submitterCompression = inline === undefined ? 'never' : threads === 0 ? 'when-idle' : submitterCompression;
    this.inlineInput = this.submitterCompression === 'never' ? undefined : new Uint8Array(blockSize);
  }

  /** Uncompressed bytes taken so far (committed to blocks that were written). */
  get bytesWritten(): number {
    return this.bytesIn;
  }

  /** Compressed bytes emitted so far (header, blocks, trailer). */
  get bytesEmitted(): number {
    return this.bytesOut;
  }

  /** Starts the workers now rather than with the first full block; blocks then go to them from the first. Idempotent. */
  async start(): Promise<void> {
    if (this.threads > 0) await this.ensureQueue();
  }

  /** Takes `chunk` (copied into slots: the caller may reuse it when this resolves). */
  async write(chunk: Uint8Array): Promise<void> {
    checkChunk(chunk);
    this.enter('write()');
    try {
      for (let at = 0; at < chunk.length; ) {
        const input = await this.blockInput();
        const n = Math.min(this.blockSize - this.filled, chunk.length - at);
        input.set(chunk.subarray(at, at + n), this.filled);
        at += n;
        this.advance(n);
      }
    } finally {
      this.busy = false;
    }
  }

  /**
   * `write` without leaving the thread: waits for a free slot with a blocking
   * wait (Node.js, or a worker; not a browser's main thread). Needs `start()`
   * to have resolved; blocks then all go to the workers.
   */
  writeSync(chunk: Uint8Array): void {
    checkChunk(chunk);
    this.enter('writeSync()');
    try {
      const queue = this.startedQueue('writeSync()');
      for (let at = 0; at < chunk.length; ) {
        const request = this.current ?? this.claimSync(queue);
        const n = Math.min(this.blockSize - this.filled, chunk.length - at);
        request.input.set(chunk.subarray(at, at + n), this.filled);
        at += n;
        this.advance(n);
      }
    } finally {
      this.busy = false;
    }
  }

  /**
   * The free part of the current block's input (in a slot's shared memory,
   * or this thread's block buffer): write up to its length into it (a file
   * read, say), then `commit(n)`. Waits for a free slot if needed. The view is
   * valid until the next call.
   */
  async reserve(): Promise<Uint8Array> {
    this.enter('reserve()');
    try {
      return (await this.blockInput()).subarray(this.filled);
    } finally {
      this.busy = false;
    }
  }

  /** `reserve` with a blocking wait for a free slot. Needs `start()` to have resolved. */
  reserveSync(): Uint8Array {
    this.enter('reserveSync()');
    try {
      const request = this.current ?? this.claimSync(this.startedQueue('reserveSync()'));
      return request.input.subarray(this.filled);
    } finally {
      this.busy = false;
    }
  }

  /** Hands over `length` bytes written into the view from `reserve`; a full block is compressed. */
  commit(length: number): void {
    this.throwIfFailed();
    const room = this.current === undefined && !this.inlineActive ? 0 : this.blockSize - this.filled;
    if (!Number.isInteger(length) || length < 0 || length > room) {
      throw new RangeError(`commit: length must be an integer in [0, ${room}] (the view from reserve()), got ${describeValue(length)}`);
    }
    this.advance(length);
  }

  /**
   * Compresses the last block, waits for every block, writes the trailer and
   * stops the workers. After it, the output is one complete gzip member.
   */
  async finish(): Promise<void> {
    this.enter('finish()');
    try {
      this.writeHeader();
      const queue = this.queue;
      if (this.current === undefined && this.inlineInput !== undefined) {
        // The last block (begun here, or empty) is compressed here: no slot to wait for.
        this.inlineActive = true;
        this.compressInline(true);
      } else {
        const ready = queue ?? (await this.ensureQueue());
        if (this.current === undefined) await this.claim(ready);
        this.submitCurrent(true);
      }
      if (this.queue !== undefined) await this.queue.drain();
      this.writeTrailer();
      // Workers still starting are stopped once started (their failure to start is reported here too).
      if (this.starting !== undefined) await (await this.starting).destroy();
    } catch (e) {
      await this.abort(e);
      throw e;
    } finally {
      this.busy = false;
    }
  }

  /**
   * `finish` without leaving the thread, up to the trailer (blocking waits);
   * then `await close()` stops the workers. Needs `start()` to have resolved.
   */
  finishSync(): void {
    this.enter('finishSync()');
    try {
      const queue = this.startedQueue('finishSync()');
      if (this.current === undefined) this.claimSync(queue);
      this.submitCurrent(true);
      queue.waitAll();
      this.writeTrailer();
    } catch (e) {
      void this.abort(e);
      throw e;
    } finally {
      this.busy = false;
    }
  }

  /** Stops the workers after `finishSync()`; after anything else, the same as `abort()`. */
  async close(): Promise<void> {
    if (this.state === FINISHED) {
      await this.queue?.destroy();
      return;
    }
    await this.abort(new TwqError('ERR_TWQ_GZIP_CLOSED', 'gzip stream closed before finish()'));
  }

  /** Stops at once: destroys the queue without waiting for blocks in flight. Safe to call at any time, repeatedly. */
  async abort(reason?: unknown): Promise<void> {
    if (this.state === OPEN) {
      this.state = FAILED;
      this.failure ??= reason instanceof Error ? reason : new TwqError('ERR_TWQ_ABORTED', `gzip stream aborted: ${String(reason)}`);
    }
    const queue = this.queue ?? (await this.starting?.catch(() => undefined));
    await queue?.destroy({ force: true });
  }

  // ---- internals -----------------------------------------------------------

  private enter(call: string): void {
    if (this.busy) throw new BusyError('this gzip encoder', call);
    this.throwIfFailed();
    if (this.state === FINISHED) throw new TwqError('ERR_TWQ_GZIP_FINISHED', `gzip: ${call} after finish()`);
    this.busy = true;
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  /**
   * The input region of the block being filled, beginning a block when none
   * is: a free slot; else, when the submitter may compress (see
   * SubmitterCompression), this thread's block buffer; else a slot after a wait.
   */
  private async blockInput(): Promise<Uint8Array> {
    if (this.current !== undefined) return this.current.input;
    if (this.inlineActive) return this.inlineInput as Uint8Array;
    this.writeHeader();
    if (this.yieldPending) {
      this.yieldPending = false;
      await nextMacrotask();
      this.throwIfFailed();
    }
    const queue = this.queue;
    if (queue !== undefined && this.submitterCompression !== 'when-idle') return (await this.claim(queue)).input;
    if (queue !== undefined) {
      const free = this.tryClaim(queue);
      if (free !== undefined) return free.input;
    }
    if (this.inlineInput !== undefined && !this.windowFull()) {
      this.inlineActive = true;
      this.filled = 0;
      return this.inlineInput;
    }
    return (await this.claim(queue ?? (await this.ensureQueue()))).input;
  }

  /** `length` more bytes are in the current block; a full block goes out. */
  private advance(length: number): void {
    this.filled += length;
    if (this.filled < this.blockSize) return;
    if (this.inlineActive) this.compressInline(false);
    else this.submitCurrent(false);
  }

  /**
   * Compresses the block in this thread's buffer and hands it to the reorder
   * step like a worker's. A full block means more input is likely: the
   * workers are started (in the background) after the first.
   */
  private compressInline(last: boolean): void {
    const compressor = this.options.inlineCompressor as InlineCompressor;
    const input = (this.inlineInput as Uint8Array).subarray(0, this.filled);
    const dictionary = this.carryLength > 0 ? this.carry.subarray(0, this.carryLength) : undefined;
    const out = compressor.compress(input, dictionary, last, this.level);
    const crc = compressor.crc32(input);
    const length = input.length;
    if (!last) this.keepDictionary(input);
    this.inlineActive = false;
    this.filled = 0;
    const seq = this.nextSeq++;
    if (seq === this.writeSeq) this.writeInOrder(out, crc, length);
    // A compressor may reuse its result buffer (see BlockCompressor): a held block keeps a copy.
    else (this.reorder as ReorderBuffer).put({ seq, bytes: out.slice(), crc, length });
    if (!last && this.threads > 0 && this.queue === undefined) {
      // The workers start (a failure surfaces when the queue is awaited: a later block, or finish()), and
      // the event loop gets a turn before the next block, to take their "ready" message.
      this.ensureQueue().catch(() => undefined);
      this.yieldPending = true;
    }
  }

  private keepDictionary(input: Uint8Array): void {
    // Only full blocks precede another, and a block is at least a window long.
    this.carry.set(input.subarray(input.length - WINDOW_BYTES));
    this.carryLength = WINDOW_BYTES;
  }

  private ensureQueue(): Promise<BlockQueue> {
    this.starting ??= this.createQueue();
    return this.starting;
  }

  private startedQueue(call: string): BlockQueue {
    if (this.queue === undefined) throw new TwqError('ERR_TWQ_GZIP_NOT_STARTED', `gzip: ${call} needs await start() first`);
    if (this.inlineActive) {
      throw new TwqError('ERR_TWQ_GZIP_MIXED', `gzip: ${call} while a block is being compressed on this thread: finish it with the async calls`);
    }
    return this.queue;
  }

  private async createQueue(): Promise<BlockQueue> {
    const o = this.options;
    const queue = await createTypedQueue<GzipBlockSpec, GzipBlockOptions>(o.createQueue, o.opsModule, {
      threads: this.threads,
      slotsPerThread: o.slotsPerThread ?? DEFAULT_GZIP_SLOTS_PER_THREAD,
      policy: 'round-robin',
      spinBudget: o.spinBudget,
      name: o.queueName ?? 'twq-gzip',
      opsOptions: { level: this.level, blockSize: this.blockSize },
      onDone: (request, error) => {
        this.onBlockDone(request, error);
      },
    });
    // One extra entry for a block the submitter compresses itself.
    this.reorder = new ReorderBuffer(queue.threads * (queue.slotsPerThread + REORDER_SLACK_PER_THREAD) + 1);
    this.queue = queue;
    return queue;
  }

  /** Whether one more block would leave more blocks outstanding than the reorder buffer holds (none, before it exists). */
  private windowFull(): boolean {
    const reorder = this.reorder;
    return reorder !== undefined && this.nextSeq - this.writeSeq >= reorder.capacity;
  }

  /** A free slot for the next block now, primed, or undefined (nothing free, or the window is full). */
  private tryClaim(queue: BlockQueue): BlockRequest | undefined {
    for (;;) {
      const spare = this.windowFull() ? undefined : this.spares.pop();
      if (spare !== undefined) return this.prime(spare);
      const request = queue.getRequest();
      if (request === null) return undefined;
      if (!this.windowFull()) return this.prime(request);
      this.spares.push(request);
    }
  }

  /**
   * A free slot for the next block, primed with the dictionary. Claiming a
   * slot runs its done callback first (an earlier block is written or held).
   * While the window is full, free slots are claimed and kept as spares (each
   * claim collects a finished block) until the oldest block is written.
   */
  private async claim(queue: BlockQueue): Promise<BlockRequest> {
    for (;;) {
      const spare = this.windowFull() ? undefined : this.spares.pop();
      if (spare !== undefined) return this.prime(spare);
      const request = queue.getRequest() ?? (await this.waitForSlot(queue));
      if (!this.windowFull()) return this.prime(request);
      this.spares.push(request);
    }
  }

  private claimSync(queue: BlockQueue): BlockRequest {
    this.writeHeader();
    for (;;) {
      const spare = this.windowFull() ? undefined : this.spares.pop();
      if (spare !== undefined) return this.prime(spare);
      const request = queue.getRequest() ?? this.waitForSlotSync(queue);
      if (!this.windowFull()) return this.prime(request);
      this.spares.push(request);
    }
  }

  /** A free slot of any worker: waits in bounded rounds (see FREE_SLOT_RECHECK_MS). */
  private async waitForSlot(queue: BlockQueue): Promise<BlockRequest> {
    for (;;) {
      try {
        return await queue.getRequestAsync({ timeoutMs: FREE_SLOT_RECHECK_MS });
      } catch (e) {
        if (!(e instanceof WaitTimeoutError)) throw e;
      }
      const request = queue.getRequest();
      if (request !== null) return request;
    }
  }

  private waitForSlotSync(queue: BlockQueue): BlockRequest {
    for (;;) {
      try {
        return queue.getRequestBlocking(FREE_SLOT_RECHECK_MS);
      } catch (e) {
        if (!(e instanceof WaitTimeoutError)) throw e;
      }
      const request = queue.getRequest();
      if (request !== null) return request;
    }
  }

  private prime(request: BlockRequest): BlockRequest {
    this.throwIfFailed();
    if (this.carryLength > 0) request.dictionary.set(this.carry.subarray(0, this.carryLength));
    request.dictionaryLength = this.carryLength;
    this.current = request;
    this.filled = 0;
    return request;
  }

  private submitCurrent(last: boolean): void {
    const request = this.current as BlockRequest;
    const filled = this.filled;
    request.seq = this.nextSeq++;
    request.inputLength = filled;
    request.last = last ? 1 : 0;
    if (!last) this.keepDictionary(request.input.subarray(0, filled));
    this.current = undefined;
    this.filled = 0;
    (this.queue as BlockQueue).submit(request);
  }

  private writeHeader(): void {
    if (this.headerWritten) return;
    this.headerWritten = true;
    this.emit(gzipHeader(this.level, this.options));
  }

  private writeTrailer(): void {
    this.throwIfFailed();
    if (this.writeSeq !== this.nextSeq) {
      throw new TwqError('ERR_TWQ_GZIP_LOST', `gzip: ${this.nextSeq} blocks compressed but ${this.writeSeq} written`);
    }
    this.emit(gzipTrailer(this.crc, this.bytesIn));
    this.state = FINISHED;
  }

  /** The done callback: runs on this thread, when a slot is reused or during a drain. */
  private onBlockDone(request: BlockRequest, error: RemoteError | undefined): void {
    if (this.failure !== undefined) return;
    const seq = request.seq;
    if (error !== undefined) {
      this.fail(new GzipBlockError(seq, error.message, { cause: error }));
      return;
    }
    try {
      if (seq === this.writeSeq) {
        // In order: straight from the slot, no copy here.
        this.writeInOrder(request.output.subarray(0, request.outputLength), request.crc, request.inputLength);
      } else {
        (this.reorder as ReorderBuffer).put({ seq, bytes: request.output.slice(0, request.outputLength), crc: request.crc, length: request.inputLength });
      }
    } catch (e) {
      this.fail(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /** Writes the next block in order, then every held block that follows it. */
  private writeInOrder(bytes: Uint8Array, crc: number, length: number): void {
    this.writeBlock(bytes, crc, length);
    const reorder = this.reorder;
    if (reorder === undefined) return;
    for (let next = reorder.take(this.writeSeq); next !== undefined; next = reorder.take(this.writeSeq)) {
      this.writeBlock(next.bytes, next.crc, next.length);
    }
  }

  private writeBlock(bytes: Uint8Array, crc: number, length: number): void {
    this.crc = crc32CombineWith(this.crc, crc, length === this.blockSize ? this.fullBlockShift : crc32ShiftOperator(length));
    this.bytesIn += length;
    this.writeSeq++;
    this.emit(bytes);
  }

  private emit(bytes: Uint8Array): void {
    this.bytesOut += bytes.length;
    this.onChunk(bytes);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.state = FAILED;
  }
}

function checkChunk(chunk: unknown): void {
  if (!(chunk instanceof Uint8Array)) throw new TypeError(`chunk must be a Uint8Array, got ${describeValue(chunk)}`);
}
