import { defineOps, describeValue, type Ops } from '@twq/core';
import type { PageCodec } from '../codec/page-codec.js';
import { checkFormat, type CompressionFormat } from '../format.js';
import { checkLevel, type CompressionLevel } from '../level.js';
import { pageLayout, type PageSpec } from './page-layout.js';
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
}

/** Page options with every default filled in and checked. */
export interface ResolvedPageOptions {
  readonly format: CompressionFormat;
  readonly level: CompressionLevel;
  readonly pageSize: number;
}

/** Checks page options and fills in defaults; every error names the bad value and what is allowed. */
export function resolvePageOptions(options: PageOpsOptions | undefined): ResolvedPageOptions {
  if (options !== undefined && (typeof options !== 'object' || (options as unknown) === null)) {
    throw new TypeError(`page options must be an object or undefined, got ${describeValue(options)}`);
  }
  const o = options ?? {};
  return Object.freeze({
    format: checkFormat(o.format ?? 'deflate-raw'),
    level: checkLevel(o.level ?? DEFAULT_PAGE_LEVEL),
    pageSize: checkPageSize(o.pageSize ?? DEFAULT_PAGE_SIZE),
  });
}

/**
 * The page ops over a codec: the layout from the options, and a handler that
 * compresses (OP_COMPRESS) or decompresses (OP_DECOMPRESS) one page in place.
 * A codec is stateless, so there is no per-slot set-up.
 */
export function createPageOps(codec: PageCodec, options?: PageOpsOptions): Ops<PageSpec, unknown, PageOpsOptions> {
  checkCodec(codec);
  const { format, level, pageSize } = resolvePageOptions(options);
  const layout = pageLayout(pageSize, format);
  return defineOps<PageSpec, unknown, PageOpsOptions>({
    layout,
    handle(request) {
      const length = request.inputLength;
      if (length > request.input.length) {
        throw new RangeError(`inputLength must be at most ${request.input.length}, got ${length}`);
      }
      const input = request.input.subarray(0, length);
      switch (request.op) {
        case OP_COMPRESS: {
          if (length > pageSize) throw new RangeError(`a page holds at most ${pageSize} bytes, got inputLength ${length}`);
          const written = codec.compressInto(input, format, level, request.output);
          // The output region is sized from the deflate bound: this cannot fail unless the codec breaks its bound.
          if (written < 0) {
            throw new RangeError(`${codec.name} produced more than the deflate bound of ${request.output.length} bytes`);
          }
          request.outputLength = written;
          request.status = written >= length ? PAGE_INCOMPRESSIBLE : PAGE_OK;
          return;
        }
        case OP_DECOMPRESS: {
          let out: Uint8Array;
          try {
            out = codec.decompress(input, format, pageSize);
          } catch (e) {
            request.outputLength = 0;
            request.status = e instanceof RangeError ? PAGE_TOO_LONG : PAGE_CORRUPT;
            throw e;
          }
          request.output.set(out);
          request.outputLength = out.length;
          request.status = PAGE_OK;
          return;
        }
        default:
          throw new RangeError(`op must be OP_COMPRESS (${OP_COMPRESS}) or OP_DECOMPRESS (${OP_DECOMPRESS}), got ${request.op}`);
      }
    },
  });
}

/** Checked here, not on a worker's first page: a PageCodec has compressInto and decompress (compress is not used by the ops). */
function checkCodec(codec: unknown): void {
  const c = codec as Partial<Record<keyof PageCodec, unknown>> | null;
  if (typeof codec !== 'object' || c === null || typeof c.compressInto !== 'function' || typeof c.decompress !== 'function') {
    throw new TypeError(`codec must be a PageCodec (an object with compressInto() and decompress()), got ${describeValue(codec)}`);
  }
}
