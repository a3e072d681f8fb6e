/** The twq ops of the no-op workload: the per-request cost of the queue alone. */
import { defineLayout, defineOps } from '@twq/core';
import { noop } from '../data/page-codec.js';

export const ops = defineOps({
  layout: defineLayout({ value: 'i32', result: 'i32' }),
  handle(request) {
    request.result = noop(request.value);
  },
});
