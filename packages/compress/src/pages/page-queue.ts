// The emitted .d.ts names Symbol.asyncDispose: this keeps the library that declares it
// in the .d.ts, for consumers whose lib has no esnext.disposable (e.g. es2022 + dom, no @types/node).
/// <reference lib="esnext.disposable" preserve="true" />
import { TwqError, describeValue, type PlacementPolicy, type RemoteError, type Request, type Workqueue } from '@twq/core';
import { BusyError, PageError } from '../errors.js';
import type { CompressionFormat } from '../format.js';
import type { CompressionLevel } from '../level.js';
import { createTypedQueue, type QueueFactory } from '../queue-factory.js';
import { lengthOfPage, pageCount, type CompressedPages } from './compressed-pages.js';
import { MAX_PAGES_PER_REQUEST, pageRoom, readPageLength, writePageLength, type PageSpec } from './page-layout.js';
import { resolvePageOptions, type PageOpsOptions } from './page-ops.js';
import { OP_COMPRESS, OP_DECOMPRESS, PAGE_CORRUPT, PAGE_INCOMPRESSIBLE, PAGE_OK, PAGE_TOO_LONG } from './page-status.js';

/**
 * Bytes of pages a PageQueue request carries by default: 16 pages of 4 KiB,
 * one page of 64 KiB or more. A request costs about what a 4 KiB page of zeros
 * costs to compress (submit, wake-up, completion, across threads); 64 KiB of
 * pages makes that a few percent (see the README's figures).
 */
export const DEFAULT_BATCH_BYTES = 64 * 1024;

/**
 * A PageQueue's default slots per worker thread. With batches, a few requests
 * per worker keep it busy while the submitter fills the next ones; core's
 * default (64) would hold 64 batches (~8.5 MiB of 4 KiB pages) per worker for
 * no gain (see the README's figures).
 */
export const DEFAULT_PAGE_SLOTS_PER_THREAD = 8;

/** PageQueue's default pages per request for a page size: as many as fit DEFAULT_BATCH_BYTES, at least 1. */
export function defaultPagesPerRequest(pageSize: number): number {
  return Math.max(1, Math.min(MAX_PAGES_PER_REQUEST, Math.floor(DEFAULT_BATCH_BYTES / pageSize)));
}

/** Queue options a page queue passes through to the adapter (threads, slots, placement...). */
export interface PageQueueOptions extends PageOpsOptions {
  /**
   * Most pages one request carries (1 to MAX_PAGES_PER_REQUEST); default:
   * as many as fit 64 KiB (DEFAULT_BATCH_BYTES), at least 1.
   */
  pagesPerRequest?: number;
  threads?: number;
  /** Default DEFAULT_PAGE_SLOTS_PER_THREAD (8). */
  slotsPerThread?: number;
  name?: string;
  policy?: PlacementPolicy;
  spinBudget?: number;
  /** The ops module the workers import; default: this package's module for the entry in use. */
  opsModule?: URL;
}

type PageRequest = Request<PageSpec>;
type DoneHandler = (request: PageRequest, error: RemoteError | undefined) => void;

/** One compress or decompress call: what to submit for each page, and what to do with each result. */
interface PageJob<T> {
  readonly count: number;
  readonly op: number;
  /** The first page that failed. */
  failure: PageError | undefined;
  /** Whether page `i` goes to a worker (a raw page is just copied). */
  needsWorker(i: number): boolean;
  /** Copies page `i` into the request's page room at `at` (a byte offset); returns its length. */
  fill(i: number, input: Uint8Array, at: number): number;
  /** Page `i` came back: `length` valid bytes at `at` of `output`, with `status`. */
  pageDone(i: number, output: Uint8Array, at: number, length: number, status: number): void;
  /** The request holding pages `pages[0..count)` failed with `error`; `failed` is the page that failed, or -1 when unknown. */
  batchFailed(pages: Uint32Array, count: number, failed: number, error: RemoteError): void;
  result(): T;
}

/**
 * A twq queue of page requests with the helpers a migration needs: cut a
 * buffer into pages and compress them on the workers, or decompress the pages
 * of one buffer in parallel; order is restored, every page accounted for.
 *
 * One operation at a time (a queue has one submitter): a second call while
 * one is running throws BusyError. Calls never block the thread (they await
 * the async waits), so they work on a browser's main thread too.
 */
export class PageQueue {
  readonly format: CompressionFormat;
  readonly level: CompressionLevel;
  readonly pageSize: number;
  /** Most pages one request carries. */
  readonly pagesPerRequest: number;
  /** Bytes of each page's room in a request's regions: the most a compressed page may have. */
  private readonly inputRoom: number;
  /**
   * The pages of each slot's request in flight (by `request.slot`): a batch
   * of decompressed pages skips the raw ones, so its pages need not be
   * consecutive. Made on a slot's first batch, then reused.
   */
  private readonly slotPages: (Uint32Array | undefined)[] = [];
  /** Set once by `create`, right after the queue is made (the queue needs `forwardDone` first). */
  private workqueue: Workqueue<PageSpec, PageOpsOptions> | undefined;
  /** The job in progress: the queue's done callback is fixed at creation and forwards its completions to it. */
  private job: PageJob<unknown> | undefined;

  private constructor(options: PageOpsOptions) {
    const resolved = resolvePageOptions(options);
    this.format = resolved.format;
    this.level = resolved.level;
    this.pageSize = resolved.pageSize;
    this.pagesPerRequest = resolved.pagesPerRequest;
    this.inputRoom = pageRoom(resolved.pageSize, resolved.format);
  }

  /**
   * Creates the queue through `createQueue` (any twq adapter's, or
   * `inlineQueueFactory`) over the page ops module `opsModule`, and wires its
   * done callback to the helpers.
   */
  static async create(
    createQueue: QueueFactory,
    opsModule: URL,
    options: PageQueueOptions = {},
  ): Promise<PageQueue> {
    if (typeof createQueue !== 'function') {
      throw new TypeError(`createQueue must be a twq adapter's createQueue function, got ${describeValue(createQueue)}`);
    }
    const checked = resolvePageOptions(options);
    // The queue's default batch depends on the page size (the ops' default is one page a request).
    const opsOptions =
      options.pagesPerRequest === undefined ? resolvePageOptions({ ...checked, pagesPerRequest: defaultPagesPerRequest(checked.pageSize) }) : checked;
    const pages = new PageQueue(opsOptions);
    pages.workqueue = await createTypedQueue<PageSpec, PageOpsOptions>(createQueue, options.opsModule ?? opsModule, {
      threads: options.threads,
      slotsPerThread: options.slotsPerThread ?? DEFAULT_PAGE_SLOTS_PER_THREAD,
      name: options.name ?? 'twq-pages',
      policy: options.policy,
      spinBudget: options.spinBudget,
      opsOptions: { ...opsOptions },
      onDone: pages.forwardDone,
    });
    return pages;
  }

  /** The twq queue the pages go through. */
  get queue(): Workqueue<PageSpec, PageOpsOptions> {
    return this.workqueue as Workqueue<PageSpec, PageOpsOptions>;
  }

  private readonly forwardDone: DoneHandler = (request, error) => {
    if (this.job !== undefined) this.batchDone(this.job, request, error);
  };

  /** Cuts `data` into pages and compresses each on a worker. Rejects with PageError naming the first page that failed. */
  async compress(data: Uint8Array): Promise<CompressedPages> {
    const job = this.compressJob(data);
    await this.run('compress()', job);
    return job.result();
  }

  /**
   * `compress` with blocking waits: less latency per page (no event-loop
   * turn per wake-up), for Node.js and workers; a browser's main thread
   * cannot block (use `compress`).
   */
  compressSync(data: Uint8Array): CompressedPages {
    const job = this.compressJob(data);
    this.runSync('compressSync()', job);
    return job.result();
  }

  /**
   * Decompresses the pages of one buffer in parallel (raw pages are copied),
   * checking that each inflates to exactly its page's length. Rejects with
   * PageError naming the first bad page.
   */
  async decompress(packed: CompressedPages): Promise<Uint8Array> {
    const job = this.decompressJob(packed);
    await this.run('decompress()', job);
    return job.result();
  }

  /** `decompress` with blocking waits (see `compressSync`). */
  decompressSync(packed: CompressedPages): Uint8Array {
    const job = this.decompressJob(packed);
    this.runSync('decompressSync()', job);
    return job.result();
  }

  /** Destroys the queue (waits for requests in flight, stops the workers). */
  async destroy(): Promise<void> {
    await this.queue.destroy();
  }

  /** `await using pages = ...`: destroys the page queue when the scope ends. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.destroy();
  }

  private checkPacked(packed: CompressedPages): void {
    if (typeof packed !== 'object' || (packed as unknown) === null || !Array.isArray(packed.pages) || !(packed.status instanceof Uint8Array)) {
      throw new TypeError(`pages must be a CompressedPages object from compress(), got ${describeValue(packed)}`);
    }
    if (packed.format !== this.format) {
      throw new RangeError(`pages are in format '${packed.format}' but this queue decompresses '${this.format}'`);
    }
    if (!Number.isInteger(packed.pageSize) || packed.pageSize < 1 || packed.pageSize > this.pageSize) {
      throw new RangeError(`pageSize must be an integer in [1, ${this.pageSize}] (this queue's page size), got ${describeValue(packed.pageSize)}`);
    }
    // pageCount checks byteLength (and the page size) itself.
    const count = pageCount(packed.byteLength, packed.pageSize);
    if (packed.pages.length !== count || packed.status.length !== count) {
      throw new RangeError(
        `byteLength ${describeValue(packed.byteLength)} at ${packed.pageSize} bytes a page needs ${count} pages and statuses, got ${packed.pages.length} and ${packed.status.length}`,
      );
    }
    // Everything is checked before the first submit: a bad page found half-way would leave requests in flight.
    for (let i = 0; i < count; i++) {
      const s = packed.status[i];
      const page: unknown = packed.pages[i];
      if (s !== PAGE_OK && s !== PAGE_INCOMPRESSIBLE) throw new PageError(i, `status must be PAGE_OK or PAGE_INCOMPRESSIBLE, got ${s}`);
      if (!(page instanceof Uint8Array)) throw new PageError(i, `must be a Uint8Array, got ${describeValue(page)}`);
      const expected = lengthOfPage(i, packed.byteLength, packed.pageSize);
      if (s === PAGE_INCOMPRESSIBLE && page.length !== expected) {
        throw new PageError(i, `raw page has ${page.length} bytes, expected ${expected}`);
      }
      if (s === PAGE_OK && page.length > this.inputRoom) {
        throw new PageError(i, `compressed page has ${page.length} bytes, more than the deflate bound ${this.inputRoom} of a ${this.pageSize}-byte page`);
      }
    }
  }

  private compressJob(data: Uint8Array): PageJob<CompressedPages> {
    if (!(data instanceof Uint8Array)) throw new TypeError(`data must be a Uint8Array, got ${describeValue(data)}`);
    const { pageSize, format } = this;
    const count = pageCount(data.length, pageSize);
    const pages = new Array<Uint8Array | undefined>(count).fill(undefined);
    const status = new Uint8Array(count);
    const arena = new PageArena(Math.min(ARENA_CHUNK_BYTES, Math.max(data.length, 1)));
    const job: PageJob<CompressedPages> = {
      count,
      op: OP_COMPRESS,
      failure: undefined,
      needsWorker: () => true,
      fill(i, input, at) {
        const start = i * pageSize;
        const length = lengthOfPage(i, data.length, pageSize);
        input.set(data.subarray(start, start + length), at);
        return length;
      },
      pageDone(i, output, at, length, s) {
        status[i] = s;
        // An incompressible page is kept raw, copied from the caller's buffer.
        pages[i] =
          s === PAGE_INCOMPRESSIBLE
            ? arena.copy(data, i * pageSize, lengthOfPage(i, data.length, pageSize))
            : arena.copy(output, at, length);
      },
      batchFailed(batch, n, _failed, error) {
        const more = n > 1 ? ` (in a batch of ${n} pages from here)` : '';
        job.failure ??= new PageError(batch[0], `compression failed${more}: ${error.message}`, { cause: error });
      },
      result: () => ({ format, pageSize, byteLength: data.length, pages: accountFor(pages), status }),
    };
    return job;
  }

  private decompressJob(packed: CompressedPages): PageJob<Uint8Array> {
    this.checkPacked(packed);
    const { pageSize, byteLength, pages, status } = packed;
    const out = new Uint8Array(byteLength);
    const seen = new Uint8Array(pages.length);
    const job: PageJob<Uint8Array> = {
      count: pages.length,
      op: OP_DECOMPRESS,
      failure: undefined,
      needsWorker(i) {
        if (status[i] !== PAGE_INCOMPRESSIBLE) return true;
        out.set(pages[i], i * pageSize);
        seen[i] = 1;
        return false;
      },
      fill(i, input, at) {
        const page = pages[i];
        input.set(page, at);
        return page.length;
      },
      pageDone(i, output, at, length) {
        seen[i] = 1;
        const expected = lengthOfPage(i, byteLength, pageSize);
        if (length !== expected) {
          job.failure ??= new PageError(i, `inflated to ${length} bytes, expected ${expected}`);
          return;
        }
        copyBytes(output, at, out, i * pageSize, expected);
      },
      batchFailed(batch, n, failed, error) {
        for (let j = 0; j < n; j++) seen[batch[j]] = 1;
        job.failure ??= new PageError(failed >= 0 ? failed : batch[0], `cannot decompress: ${error.message}`, { cause: error });
      },
      result() {
        const missing = seen.indexOf(0);
        if (missing >= 0) throw new TwqError('ERR_TWQ_PAGE_LOST', `page ${missing} was submitted but never completed`);
        return out;
      },
    };
    return job;
  }

  /** The pages of the request in slot `slot` (see `slotPages`). */
  private pagesOf(slot: number): Uint32Array {
    let batch = this.slotPages[slot];
    if (batch === undefined) {
      batch = new Uint32Array(this.pagesPerRequest);
      this.slotPages[slot] = batch;
    }
    return batch;
  }

  /**
   * Fills `request` with the job's next pages from page `from` on (skipping
   * those that need no worker), up to pagesPerRequest, and returns the page
   * after the last one taken. A request of one page uses the single-page form.
   */
  private fillBatch(job: PageJob<unknown>, request: PageRequest, from: number): number {
    const batch = this.pagesOf(request.slot);
    const room = this.inputRoom;
    const { input, lengths } = request;
    let n = 0;
    let i = from;
    for (; i < job.count && n < this.pagesPerRequest; i++) {
      if (!job.needsWorker(i)) continue;
      batch[n] = i;
      writePageLength(lengths, n, job.fill(i, input, n * room));
      n++;
    }
    request.op = job.op;
    request.page = batch[0];
    request.count = n;
    if (n === 1) request.inputLength = readPageLength(lengths, 0);
    return i;
  }

  /** Maps a completed request back to its pages (the queue's done callback, forwarded while `job` runs). */
  private batchDone(job: PageJob<unknown>, request: PageRequest, error: RemoteError | undefined): void {
    const batch = this.pagesOf(request.slot);
    const n = Math.max(1, request.count);
    if (n === 1) batch[0] = request.page;
    if (error !== undefined) {
      job.batchFailed(batch, n, this.failedPage(request, batch, n), error);
      return;
    }
    if (n === 1) {
      job.pageDone(batch[0], request.output, 0, request.outputLength, request.status);
      return;
    }
    const { output, lengths, statuses } = request;
    const room = this.inputRoom;
    for (let j = 0; j < n; j++) job.pageDone(batch[j], output, j * room, readPageLength(lengths, j), statuses[j]);
  }

  /**
   * The page whose decompression failed a request, or -1. A failed batch's
   * worker decompressed every page (see page-ops.ts), so every status is this
   * request's.
   */
  private failedPage(request: PageRequest, batch: Uint32Array, n: number): number {
    if (request.op !== OP_DECOMPRESS) return -1;
    if (n === 1) return isFailure(request.status) ? batch[0] : -1;
    for (let j = 0; j < n; j++) if (isFailure(request.statuses[j])) return batch[j];
    return -1;
  }

  /**
   * Runs one job: its done handler receives every completion until the queue
   * is drained, also when submitting fails half-way, so that no request of
   * this job ever reports to the next one. Throws the first page's failure.
   */
  private async run(call: string, job: PageJob<unknown>): Promise<void> {
    const queue = this.enter(call, job);
    try {
      for (let i = this.skip(job, 0); i < job.count && job.failure === undefined; i = this.skip(job, i)) {
        const request = queue.getRequest() ?? (await queue.getRequestAsync());
        i = this.fillBatch(job, request, i);
        queue.submit(request);
      }
      await queue.drain();
    } catch (e) {
      await queue.drain().catch(() => undefined);
      throw e;
    } finally {
      this.leave();
    }
    if (job.failure !== undefined) throw job.failure;
  }

  private runSync(call: string, job: PageJob<unknown>): void {
    const queue = this.enter(call, job);
    try {
      for (let i = this.skip(job, 0); i < job.count && job.failure === undefined; i = this.skip(job, i)) {
        const request = queue.getRequestBlocking();
        i = this.fillBatch(job, request, i);
        queue.submit(request);
      }
      queue.waitAll();
    } catch (e) {
      try {
        queue.waitAll();
      } catch {
        // The queue itself failed: nothing more will complete.
      }
      throw e;
    } finally {
      this.leave();
    }
    if (job.failure !== undefined) throw job.failure;
  }

  /** The first page from `i` on that needs a worker (so no request is taken for a tail of raw pages), or job.count. */
  private skip(job: PageJob<unknown>, i: number): number {
    while (i < job.count && !job.needsWorker(i)) i++;
    return i;
  }

  private enter(call: string, job: PageJob<unknown>): Workqueue<PageSpec, PageOpsOptions> {
    // One operation at a time: the job in progress is also the busy flag.
    if (this.job !== undefined) throw new BusyError('this page queue', call);
    this.job = job;
    return this.queue;
  }

  private leave(): void {
    this.job = undefined;
  }
}

/**
 * Bytes of one chunk of compressed pages. A page's own buffer (one `slice` per
 * page) costs an ArrayBuffer allocation and its share of the collector's work
 * per page: for 4 KiB pages that compress well, more than the submitter's copy
 * in and submit together.
 */
const ARENA_CHUNK_BYTES = 1 << 20;

/**
 * Where the compressed pages of one call are kept: bump allocation in chunks,
 * each page a view of its chunk. A page larger than what is left of the chunk
 * starts a new one (of at least its size), so a chunk wastes less than a page.
 */
class PageArena {
  private chunk: Uint8Array;
  private used = 0;

  constructor(private readonly chunkBytes: number) {
    this.chunk = new Uint8Array(chunkBytes);
  }

  /** Copies `n` bytes of `from` at `start`: returns the page's view. */
  copy(from: Uint8Array, start: number, n: number): Uint8Array {
    if (this.chunk.length - this.used < n) {
      this.chunk = new Uint8Array(Math.max(this.chunkBytes, n));
      this.used = 0;
    }
    const at = this.used;
    this.used = at + n;
    copyBytes(from, start, this.chunk, at, n);
    return this.chunk.subarray(at, at + n);
  }
}

/**
 * Below this many bytes a copy is a loop: a compressed page of zeros is a few
 * dozen bytes, less than what a subarray (an allocation) for `set` costs.
 */
const COPY_LOOP_BYTES = 64;

/** Copies `n` bytes of `from` at `start` to `to` at `at`, allocating nothing for short runs. */
function copyBytes(from: Uint8Array, start: number, to: Uint8Array, at: number, n: number): void {
  if (n <= COPY_LOOP_BYTES) {
    for (let k = 0; k < n; k++) to[at + k] = from[start + k];
    return;
  }
  to.set(from.subarray(start, start + n), at);
}

/** PAGE_CORRUPT or PAGE_TOO_LONG: the worker's verdict on a page that would not decompress. */
function isFailure(status: number): boolean {
  return status === PAGE_CORRUPT || status === PAGE_TOO_LONG;
}

/** Every page must have come back: a hole is a lost request, never silently an empty page. */
function accountFor(pages: (Uint8Array | undefined)[]): Uint8Array[] {
  const missing = pages.indexOf(undefined);
  if (missing >= 0) throw new TwqError('ERR_TWQ_PAGE_LOST', `page ${missing} was submitted but never completed`);
  return pages as Uint8Array[];
}
