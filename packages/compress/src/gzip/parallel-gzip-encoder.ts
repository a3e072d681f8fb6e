import { MAX_SLOTS_PER_THREAD, MAX_THREADS, TwqError, describeValue, type RemoteError, type Request, type Workqueue } from '@twq/core';
import { checkQueueSize, computeGeometry, resolveOptions } from '@twq/core/host';
import { BusyError, GzipBlockError } from '../errors.js';
import type { CompressionLevel } from '../level.js';
import { nextMacrotask } from '../next-macrotask.js';
import { checkOpsModuleUrl, createTypedQueue, type QueueFactory } from '../queue-factory.js';
import { gzipBlockLayout, type GzipBlockSpec } from './block-layout.js';
import { resolveGzipBlockOptions, type BlockCompressor, type Crc32, type GzipBlockOptions } from './block-ops.js';
import { DEFAULT_BLOCK_SIZE, WINDOW_BYTES, checkBlockSize } from './block-size.js';
import type { GzipHeaderOptions } from './gzip-header.js';
import { GzipSequencer } from './gzip-sequencer.js';

/**
 * Slots per worker by default: one block in work, one queued (double
 * buffering), so a worker never waits for the submitter between blocks.
 * Memory is about (32 KiB + 2 blocks) per slot.
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
 * input into slots and hands finished blocks to a GzipSequencer, which writes
 * them in order with the header and trailer: the output is one standard gzip
 * member.
 *
 * Placement is round-robin, so consecutive blocks go to different workers,
 * and each worker scans its slots round-robin too: blocks finish about in
 * order; the sequencer's reorder ring holds the few that finish early.
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
 * starts them), or at `start()`. With an `inlineCompressor`, the submitter
 * compresses blocks itself while they start, or also whenever no slot is free
 * (see SubmitterCompression).
 *
 * Single submitter: calls must not overlap (await each); an overlapping call
 * throws BusyError.
 */
export class ParallelGzipEncoder {
  readonly level: CompressionLevel;
  readonly blockSize: number;
  readonly threads: number;
  private readonly options: ParallelGzipOptions;
  private readonly submitterCompression: SubmitterCompression;
  private readonly sequencer: GzipSequencer;
  private queue: BlockQueue | undefined;
  private starting: Promise<BlockQueue> | undefined;
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
    const q = resolveOptions({ threads: Math.max(1, threads), slotsPerThread: options.slotsPerThread ?? DEFAULT_GZIP_SLOTS_PER_THREAD, spinBudget: options.spinBudget, name: queueName }, 1);
    // The workers' memory too, before any output: the first blocks are written while the workers start,
    // and a queue too large for this engine would otherwise fail only then.
    if (threads > 0) {
      const requestBytes = gzipBlockLayout(blockSize).byteLength;
      checkQueueSize(threads, q.slotsPerThread, requestBytes, `blockSize (${blockSize}): ${requestBytes}-byte block requests`);
    }
    checkOpsModuleUrl(options.opsModule, 'opsModule', 'a gzip block ops module, such as nodeGzipBlockOpsUrl');
    this.sequencer = new GzipSequencer(level, options, blockSize, onChunk);
    this.level = level;
    this.blockSize = blockSize;
    this.threads = threads;
    this.options = options;
    // With no workers, the submitter compresses everything whatever the mode.
    this.submitterCompression = inline === undefined ? 'never' : threads === 0 ? 'when-idle' : submitterCompression;
    this.inlineInput = this.submitterCompression === 'never' ? undefined : new Uint8Array(blockSize);
  }

  /** Uncompressed bytes taken so far (committed to blocks that were written). */
  get bytesWritten(): number {
    return this.sequencer.bytesWritten;
  }

  /** Compressed bytes emitted so far (header, blocks, trailer). */
  get bytesEmitted(): number {
    return this.sequencer.bytesEmitted;
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
   * stops the workers. After it, the output is one complete gzip file.
   */
  async finish(): Promise<void> {
    this.enter('finish()');
    try {
      this.sequencer.writeHeader();
      if (this.current === undefined && this.inlineInput !== undefined) {
        // The last block (begun here, or empty) is compressed here: no slot to wait for.
        this.inlineActive = true;
        this.compressInline(true);
      } else {
        const queue = this.queue ?? (await this.ensureQueue());
        if (this.current === undefined) await this.claim(queue);
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
    this.sequencer.writeHeader();
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
    if (this.inlineInput !== undefined && !this.sequencer.windowFull) {
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
   * Compresses the block in this thread's buffer and hands it to the
   * sequencer like a worker's. A full block means more input is likely: the
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
    // A compressor may reuse its result buffer (see BlockCompressor): the sequencer copies a block it holds.
    this.sequencer.blockDone(this.sequencer.number(), out, crc, length);
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
    this.sequencer.bound(queue.threads * (queue.slotsPerThread + REORDER_SLACK_PER_THREAD) + 1);
    this.queue = queue;
    return queue;
  }

  /**
   * A free slot for the next block now, primed, or undefined (none free).
   * Claiming a slot runs its done callback first (an earlier block is written
   * or held). While the window is full, free slots are claimed and kept as
   * spares (each claim collects a finished block) until the oldest block is
   * written; spares are used first.
   */
  private tryClaim(queue: BlockQueue): BlockRequest | undefined {
    for (;;) {
      const spare = this.sequencer.windowFull ? undefined : this.spares.pop();
      if (spare !== undefined) return this.prime(spare);
      const request = queue.getRequest();
      if (request === null) return undefined;
      this.spares.push(request);
    }
  }

  /**
   * `tryClaim`, waiting for a slot whenever none is free. The queue's wait
   * parks on its doorbell, which every worker rings when it frees a slot, so
   * the first slot freed by any worker ends the wait.
   */
  private async claim(queue: BlockQueue): Promise<BlockRequest> {
    for (;;) {
      const request = this.tryClaim(queue);
      if (request !== undefined) return request;
      this.spares.push(await queue.getRequestAsync());
    }
  }

  private claimSync(queue: BlockQueue): BlockRequest {
    this.sequencer.writeHeader();
    for (;;) {
      const request = this.tryClaim(queue);
      if (request !== undefined) return request;
      this.spares.push(queue.getRequestBlocking());
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
    request.seq = this.sequencer.number();
    request.inputLength = filled;
    request.last = last ? 1 : 0;
    if (!last) this.keepDictionary(request.input.subarray(0, filled));
    this.current = undefined;
    this.filled = 0;
    (this.queue as BlockQueue).submit(request);
  }

  private writeTrailer(): void {
    this.throwIfFailed();
    this.sequencer.writeTrailer();
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
      // Straight from the slot: the sequencer copies only a block it must hold.
      this.sequencer.blockDone(seq, request.output.subarray(0, request.outputLength), request.crc, request.inputLength);
    } catch (e) {
      this.fail(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.state = FAILED;
  }
}

/**
 * Bytes of shared memory the workers of an encoder with these options use
 * (0 for `threads: 0`): to size the options before making one. An encoder
 * refuses options for which this is more than `maxSharedBytes()`, the largest
 * SharedArrayBuffer of the engine, even though each option is in its range.
 */
export function parallelGzipMemoryBytes(options: { threads?: number; slotsPerThread?: number; blockSize?: number } = {}): number {
  if (typeof options !== 'object' || (options as unknown) === null) {
    throw new TypeError(`options must be an object or undefined, got ${describeValue(options)}`);
  }
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 0 || threads > MAX_THREADS) {
    throw new RangeError(`threads must be an integer in [0, ${MAX_THREADS}], got ${describeValue(threads)}`);
  }
  const slotsPerThread = options.slotsPerThread ?? DEFAULT_GZIP_SLOTS_PER_THREAD;
  if (!Number.isInteger(slotsPerThread) || slotsPerThread < 1 || slotsPerThread > MAX_SLOTS_PER_THREAD) {
    throw new RangeError(`slotsPerThread must be an integer in [1, ${MAX_SLOTS_PER_THREAD}], got ${describeValue(slotsPerThread)}`);
  }
  const blockSize = checkBlockSize(options.blockSize ?? DEFAULT_BLOCK_SIZE);
  return threads === 0 ? 0 : computeGeometry(threads, slotsPerThread, gzipBlockLayout(blockSize).byteLength).totalBytes;
}

function checkChunk(chunk: unknown): void {
  if (!(chunk instanceof Uint8Array)) throw new TypeError(`chunk must be a Uint8Array, got ${describeValue(chunk)}`);
}
