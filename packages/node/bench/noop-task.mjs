// The peers' side of the no-op benchmark: the same work as noop-ops.mjs.
import workerpool from 'workerpool';
import { isMainThread } from 'node:worker_threads';

export default function noop(value) {
  return value + 1;
}

// workerpool loads this file as its worker script and needs the registration;
// piscina and tinypool only use the default export.
if (!isMainThread && process.env.TWQ_BENCH_WORKERPOOL === '1') workerpool.worker({ noop });
