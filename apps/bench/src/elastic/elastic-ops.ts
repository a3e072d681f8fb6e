/** twq ops of the elastic-threads benchmark: `micros` of busy work, then a result the submitter checks. */
import { defineLayout, defineOps } from '@twq/core';
import { busyWork } from '../claims/busy-work.js';

/** What the handler writes for `seq`: the benchmark checks every result. */
export function expectedOf(seq: number): number {
  return Math.imul(seq ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
}

export const ops = defineOps({
  layout: defineLayout({ seq: 'u32', micros: 'f64', out: 'u32' }),
  handle(request) {
    busyWork(request.micros);
    request.out = expectedOf(request.seq);
  },
});
