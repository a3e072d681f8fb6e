/**
 * The page ops module for Node.js workers (node:zlib). Give its URL to a
 * queue factory: `createQueue(nodePageOpsUrl, { opsOptions: { pageSize, level, format } })`.
 */
import type { Ops } from '@twq/core';
import { nodePageCodec } from '../codec/node-page-codec.js';
import type { PageSpec } from './page-layout.js';
import { createPageOps, type PageOpsOptions } from './page-ops.js';

/** The page ops on node:zlib: the module a page queue's workers load (an ops factory taking PageOpsOptions). */
export const ops = (options?: PageOpsOptions): Ops<PageSpec, unknown, PageOpsOptions> => createPageOps(nodePageCodec, options);
