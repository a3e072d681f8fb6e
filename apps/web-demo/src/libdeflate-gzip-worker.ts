// The worker of the libdeflate codec: each block through libdeflate compiled
// to WebAssembly (see @twq/compress/libdeflate-gzip-block-ops).
import { serveOps } from '@twq/browser/worker';
import { ops } from '@twq/compress/libdeflate-gzip-block-ops';

serveOps(ops);
