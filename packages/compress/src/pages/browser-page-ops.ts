/**
 * The page ops module for browser workers, and for any runtime without
 * node:zlib: libdeflate (WebAssembly) compresses, fflate decompresses (see
 * `libdeflatePageCodec`). Give its URL to a queue factory, as for the Node module.
 */
import type { Ops } from '@twq/core';
import { libdeflatePageCodec } from '../codec/libdeflate-page-codec.js';
import type { PageSpec } from './page-layout.js';
import { createPageOps, type PageOpsOptions } from './page-ops.js';

export const ops = (options?: PageOpsOptions): Ops<PageSpec, unknown, PageOpsOptions> => createPageOps(libdeflatePageCodec, options);
