// The whole worker: the bundler sees both imports and builds this file, with
// @twq/compress's gzip block ops (and their codec) inside, as a worker chunk.
import { serveOps } from '@twq/browser/worker';
import { ops } from '@twq/compress/gzip-block-ops';

serveOps(ops);
