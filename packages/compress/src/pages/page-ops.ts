import { defineOps, describeValue, type Ops, type Request } from '@twq/core';
import type { PageCodec } from '../codec/page-codec.js';
import { checkFormat, type CompressionFormat } from '../format.js';
import { checkLevel, type CompressionLevel } from '../level.js';
import {
  DEFAULT_PAGES_PER_REQUEST,
  checkPagesPerRequest,
  pageLayout,
  pageRoom,
  readPageLength,
  writePageLength,
  type PageSpec,
} from './page-layout.js';
import { DEFAULT_PAGE_SIZE, checkPageSize } from './page-size.js';
import { OP_COMPRESS, OP_DECOMPRESS, PAGE_CORRUPT, PAGE_INCOMPRESSIBLE, PAGE_OK, PAGE_TOO_LONG } from './page-status.js';

/** The seed's level for migration pages: 1, the fastest. */
export const DEFAULT_PAGE_LEVEL = 1;

/** `opsOptions` of a page queue (structured-cloned to every worker). */
export interface PageOpsOptions {
  /** Framing: 'deflate-raw' (default), 'deflate' (zlib) or 'gzip'. */
  format?: CompressionFormat;
  /** 0 to 9; default 1. */
  level?: CompressionLevel;
  /** 512 to 1 MiB; default 4096. */
  pageSize?: number;
  /**
   * Most pages one request carries, 1 to MAX_PAGES_PER_REQUEST (and both
   * regions within core's MAX_REQUEST_BYTES); default 1, the single-page form.
   * See page-layout.ts for the batch form.
   */
  pagesPerRequest?: number;
}

/** Page options with every default filled in and checked. */
export interface ResolvedPageOptions {
  readonly format: CompressionFormat;
  readonly level: CompressionLevel;
  readonly pageSize: number;
  readonly pagesPerRequest: number;
}

/** Checks page options and fills in defaults; every error names the bad value and what is allowed. */
export function resolvePageOptions(options: PageOpsOptions | undefined): ResolvedPageOptions {
  if (options !== undefined && (typeof options !== 'object' || (options as unknown) === null)) {
    throw new TypeError(`page options must be an object or undefined, got ${describeValue(options)}`);
  }
  const o = options ?? {};
  const format = checkFormat(o.format ?? 'deflate-raw');
  const pageSize = checkPageSize(o.pageSize ?? DEFAULT_PAGE_SIZE);
  return Object.freeze({
    format,
    level: checkLevel(o.level ?? DEFAULT_PAGE_LEVEL),
    pageSize,
    pagesPerRequest: checkPagesPerRequest(o.pagesPerRequest ?? DEFAULT_PAGES_PER_REQUEST, pageSize, format),
  });
}

/** A slot's per-page views: made once per slot (its regions are fixed views), so a batch allocates nothing per page. */
interface PageViews {
  /** Page i's input bytes when it is a whole page (compression's common case). */
  readonly fullInputs: readonly Uint8Array[];
  /** Page i's room in the output region. */
  readonly outputs: readonly Uint8Array[];
}

/**
 * The page ops over a codec: the layout from the options, and a handler that
 * compresses (OP_COMPRESS) or decompresses (OP_DECOMPRESS) one page, or each
 * page of a batch (`count` >= 2), in place. A codec is stateless, so there is
 * no per-slot set-up.
 */
export function createPageOps(codec: PageCodec, options?: PageOpsOptions): Ops<PageSpec, unknown, PageOpsOptions> {
  checkCodec(codec);
  const { format, level, pageSize, pagesPerRequest } = resolvePageOptions(options);
  const layout = pageLayout(pageSize, format, pagesPerRequest);
  const room = pageRoom(pageSize, format);
  // Keyed by the slot's input region (one view per slot for the queue's life):
  // also right for a stealing worker's spare context, which serves many slots.
  const views = new WeakMap<Uint8Array, PageViews>();

  const viewsOf = (input: Uint8Array, output: Uint8Array): PageViews => {
    let v = views.get(input);
    if (v === undefined) {
      const fullInputs: Uint8Array[] = [];
      const outputs: Uint8Array[] = [];
      for (let i = 0; i < pagesPerRequest; i++) {
        fullInputs.push(input.subarray(i * room, i * room + pageSize));
        outputs.push(output.subarray(i * room, (i + 1) * room));
      }
      v = { fullInputs, outputs };
      views.set(input, v);
    }
    return v;
  };

  /** Compresses `input` into `output`: its length. */
  const compressPage = (input: Uint8Array, output: Uint8Array): number => {
    if (input.length > pageSize) throw new RangeError(`a page holds at most ${pageSize} bytes, got ${input.length}`);
    const written = codec.compressInto(input, format, level, output);
    // Each page's room is sized from the deflate bound: this cannot fail unless the codec breaks its bound.
    if (written < 0) throw new RangeError(`${codec.name} produced more than the deflate bound of ${output.length} bytes`);
    return written;
  };

  const checkOp = (op: number): void => {
    if (op !== OP_COMPRESS && op !== OP_DECOMPRESS) {
      throw new RangeError(`op must be OP_COMPRESS (${OP_COMPRESS}) or OP_DECOMPRESS (${OP_DECOMPRESS}), got ${op}`);
    }
  };

  const handleOne = (request: Request<PageSpec>): void => {
    checkOp(request.op);
    const length = request.inputLength;
    if (length > room) throw new RangeError(`inputLength must be at most ${room}, got ${length}`);
    const input = request.input.subarray(0, length);
    if (request.op === OP_COMPRESS) {
      const written = compressPage(input, request.output);
      request.outputLength = written;
      request.status = written >= length ? PAGE_INCOMPRESSIBLE : PAGE_OK;
      return;
    }
    let out: Uint8Array;
    try {
      out = codec.decompress(input, format, pageSize);
    } catch (e) {
      request.outputLength = 0;
      request.status = failureStatus(e);
      throw e;
    }
    request.output.set(out);
    request.outputLength = out.length;
    request.status = PAGE_OK;
  };

  const handleBatch = (request: Request<PageSpec>, count: number): void => {
    checkOp(request.op);
    if (count > pagesPerRequest) throw new RangeError(`count must be at most pagesPerRequest ${pagesPerRequest}, got ${count}`);
    const { lengths, statuses, input } = request;
    // Every length is checked before any page is handled: a bad one fails the request with no page half-done.
    for (let i = 0; i < count; i++) {
      const length = readPageLength(lengths, i);
      if (length > room) throw new RangeError(`page ${i} of the batch: length must be at most ${room}, got ${length}`);
    }
    const { fullInputs, outputs } = viewsOf(input, request.output);
    if (request.op === OP_COMPRESS) {
      for (let i = 0; i < count; i++) {
        const length = readPageLength(lengths, i);
        const page = length === pageSize ? fullInputs[i] : input.subarray(i * room, i * room + length);
        let written: number;
        try {
          written = compressPage(page, outputs[i]);
        } catch (e) {
          throw inBatch(i, '', e);
        }
        writePageLength(lengths, i, written);
        statuses[i] = written >= length ? PAGE_INCOMPRESSIBLE : PAGE_OK;
      }
      return;
    }
    // Every page is decompressed, also after a failure, so every page's status is this request's.
    let failed = -1;
    let failures = 0;
    let firstError: unknown;
    for (let i = 0; i < count; i++) {
      const length = readPageLength(lengths, i);
      let out: Uint8Array;
      try {
        out = codec.decompress(input.subarray(i * room, i * room + length), format, pageSize);
      } catch (e) {
        writePageLength(lengths, i, 0);
        statuses[i] = failureStatus(e);
        failures++;
        if (failed < 0) {
          failed = i;
          firstError = e;
        }
        continue;
      }
      outputs[i].set(out);
      writePageLength(lengths, i, out.length);
      statuses[i] = PAGE_OK;
    }
    if (failed >= 0) {
      throw inBatch(failed, failures > 1 ? ` (and ${failures - 1} more of its ${count} pages)` : '', firstError);
    }
  };

  return defineOps<PageSpec, unknown, PageOpsOptions>({
    layout,
    handle(request) {
      const count = request.count;
      if (count <= 1) handleOne(request);
      else handleBatch(request, count);
    },
  });
}

/** A page that failed to decompress: PAGE_TOO_LONG when it would inflate past the page size (the codecs throw a RangeError), else PAGE_CORRUPT. */
function failureStatus(e: unknown): number {
  return e instanceof RangeError ? PAGE_TOO_LONG : PAGE_CORRUPT;
}

/** The error of a batch whose page `i` failed: names the page's index within the batch, keeps the codec's error as its cause. */
function inBatch(i: number, more: string, cause: unknown): Error {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new Error(`page ${i} of the batch${more}: ${message}`, { cause });
}

/** Checked here, not on a worker's first page: a PageCodec has compressInto and decompress (compress is not used by the ops). */
function checkCodec(codec: unknown): void {
  const c = codec as Partial<Record<keyof PageCodec, unknown>> | null;
  if (typeof codec !== 'object' || c === null || typeof c.compressInto !== 'function' || typeof c.decompress !== 'function') {
    throw new TypeError(`codec must be a PageCodec (an object with compressInto() and decompress()), got ${describeValue(codec)}`);
  }
}
