// The emitted .d.ts names Symbol.asyncDispose: this keeps the library that declares it
// in the .d.ts, for consumers whose lib has no esnext.disposable (e.g. es2022 + dom, no @types/node).
/// <reference lib="esnext.disposable" preserve="true" />
import { TwqError, describeValue, type PlacementPolicy, type RemoteError, type Request, type Workqueue } from '@twq/core';
import { BusyError, PageError } from '../errors.js';
import type { CompressionFormat } from '../format.js';
import type { CompressionLevel } from '../level.js';
import { createTypedQueue, type QueueFactory } from '../queue-factory.js';
import { lengthOfPage, pageCount, type CompressedPages } from './compressed-pages.js';
import { pageRoom, type PageSpec } from './page-layout.js';
import { resolvePageOptions, type PageOpsOptions } from './page-ops.js';
import { OP_COMPRESS, OP_DECOMPRESS, PAGE_INCOMPRESSIBLE, PAGE_OK } from './page-status.js';

/** Queue options a page queue passes through to the adapter (threads, slots, placement...). */
export interface PageQueueOptions extends PageOpsOptions {
  threads?: number;
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
  /** The first page that failed. */
  failure: PageError | undefined;
  /** Whether page `i` goes to a worker (a raw page is just copied). */
  needsWorker(i: number): boolean;
  fill(i: number, request: PageRequest): void;
  done: DoneHandler;
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
  /** Bytes of a request's input region: the most a compressed page may have. */
  private readonly inputRoom: number;
  /** Set once by `create`, right after the queue is made (the queue needs `forwardDone` first). */
  private workqueue: Workqueue<PageSpec, PageOpsOptions> | undefined;
  /** The done handler of the job in progress: the queue's done callback is fixed at creation and forwards to it. */
  private handler: DoneHandler | undefined;
  private busy = false;

  private constructor(options: PageOpsOptions) {
    const resolved = resolvePageOptions(options);
    this.format = resolved.format;
    this.level = resolved.level;
    this.pageSize = resolved.pageSize;
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
    const opsOptions = resolvePageOptions(options);
    const pages = new PageQueue(opsOptions);
    pages.workqueue = await createTypedQueue<PageSpec, PageOpsOptions>(createQueue, options.opsModule ?? opsModule, {
      threads: options.threads,
      slotsPerThread: options.slotsPerThread,
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
    this.handler?.(request, error);
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
      failure: undefined,
      needsWorker: () => true,
      fill(i, request) {
        const start = i * pageSize;
        const length = lengthOfPage(i, data.length, pageSize);
        request.input.set(data.subarray(start, start + length));
        request.op = OP_COMPRESS;
        request.page = i;
        request.inputLength = length;
      },
      done(request, error) {
        const i = request.page;
        if (error !== undefined) {
          job.failure ??= new PageError(i, `compression failed: ${error.message}`, { cause: error });
          return;
        }
        const s = request.status;
        status[i] = s;
        // An incompressible page is kept raw, copied from the caller's buffer.
        pages[i] =
          s === PAGE_INCOMPRESSIBLE
            ? arena.copy(data.subarray(i * pageSize, i * pageSize + request.inputLength))
            : arena.copy(request.output.subarray(0, request.outputLength));
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
      failure: undefined,
      needsWorker(i) {
        if (status[i] !== PAGE_INCOMPRESSIBLE) return true;
        out.set(pages[i], i * pageSize);
        seen[i] = 1;
        return false;
      },
      fill(i, request) {
        const page = pages[i];
        request.input.set(page);
        request.op = OP_DECOMPRESS;
        request.page = i;
        request.inputLength = page.length;
      },
      done(request, error) {
        const i = request.page;
        seen[i] = 1;
        if (error !== undefined) {
          job.failure ??= new PageError(i, `cannot decompress: ${error.message}`, { cause: error });
          return;
        }
        const expected = lengthOfPage(i, byteLength, pageSize);
        if (request.outputLength !== expected) {
          job.failure ??= new PageError(i, `inflated to ${request.outputLength} bytes, expected ${expected}`);
          return;
        }
        out.set(request.output.subarray(0, expected), i * pageSize);
      },
      result() {
        const missing = seen.indexOf(0);
        if (missing >= 0) throw new TwqError('ERR_TWQ_PAGE_LOST', `page ${missing} was submitted but never completed`);
        return out;
      },
    };
    return job;
  }

  /**
   * Runs one job: its done handler receives every completion until the queue
   * is drained, also when submitting fails half-way, so that no request of
   * this job ever reports to the next one. Throws the first page's failure.
   */
  private async run(call: string, job: PageJob<unknown>): Promise<void> {
    const queue = this.enter(call, job);
    try {
      for (let i = 0; i < job.count && job.failure === undefined; i++) {
        if (!job.needsWorker(i)) continue;
        const request = queue.getRequest() ?? (await queue.getRequestAsync());
        job.fill(i, request);
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
      for (let i = 0; i < job.count && job.failure === undefined; i++) {
        if (!job.needsWorker(i)) continue;
        const request = queue.getRequestBlocking();
        job.fill(i, request);
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

  private enter(call: string, job: PageJob<unknown>): Workqueue<PageSpec, PageOpsOptions> {
    if (this.busy) throw new BusyError('this page queue', call);
    this.busy = true;
    this.handler = job.done;
    return this.queue;
  }

  private leave(): void {
    this.handler = undefined;
    this.busy = false;
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

  copy(bytes: Uint8Array): Uint8Array {
    const n = bytes.length;
    if (this.chunk.length - this.used < n) {
      this.chunk = new Uint8Array(Math.max(this.chunkBytes, n));
      this.used = 0;
    }
    const at = this.used;
    this.used = at + n;
    const view = this.chunk.subarray(at, at + n);
    view.set(bytes);
    return view;
  }
}

/** Every page must have come back: a hole is a lost request, never silently an empty page. */
function accountFor(pages: (Uint8Array | undefined)[]): Uint8Array[] {
  const missing = pages.indexOf(undefined);
  if (missing >= 0) throw new TwqError('ERR_TWQ_PAGE_LOST', `page ${missing} was submitted but never completed`);
  return pages as Uint8Array[];
}
