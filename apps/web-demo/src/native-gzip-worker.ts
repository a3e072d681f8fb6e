// The worker of the native codec: each block through the browser's own
// CompressionStream (see @twq/compress/native-gzip-block-ops).
import { serveOps } from '@twq/browser/worker';
import { ops } from '@twq/compress/native-gzip-block-ops';

serveOps(ops);
