// The whole worker: Vite builds it, with the ops and twq, into a chunk of its own.
import { serveOps } from '@twq/browser/worker';
import { ops } from './row-ops.js';

serveOps(ops);
