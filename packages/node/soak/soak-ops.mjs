// Ops of the soak: the handler checksums a payload of random size, after a
// random busy delay, or injects the fault the submitter asked for.
import { defineLayout, defineOps } from '@twq/core';

export const PAYLOAD_BYTES = 4096;
export const FAULT_NONE = 0;
export const FAULT_THROW = 1;
export const FAULT_EXIT = 2;
export const FAULT_OOM = 3;

/** FNV-1a over the first `size` bytes: both sides compute it, so a lost or torn payload shows. */
export function checksum(bytes, size) {
  let h = 0x811c9dc5;
  for (let i = 0; i < size; i++) h = Math.imul(h ^ bytes[i], 16777619);
  return h >>> 0;
}

const hog = [];

export const ops = defineOps({
  layout: defineLayout({ seq: 'u32', size: 'u32', delayUs: 'u32', fault: 'i32', sum: 'u32', payload: { bytes: PAYLOAD_BYTES } }),
  handle(request) {
    switch (request.fault) {
      case FAULT_THROW:
        throw new RangeError(`injected fault in request ${request.seq}`);
      case FAULT_EXIT:
        process.exit(42);
        break;
      case FAULT_OOM:
        // Grows the heap, 8 MiB at a time (few, cheap GCs before the end), until
        // the worker's resourceLimits kill it.
        for (;;) hog.push(new Array(1 << 20).fill(hog.length));
      default:
        break;
    }
    if (request.delayUs > 0) {
      const until = performance.now() + request.delayUs / 1000;
      while (performance.now() < until);
    }
    request.sum = checksum(request.payload, request.size);
  },
});
