/** twq ops of the uneven-work benchmark: `micros` of busy work; the worker stamps when it finished. */
import { defineLayout, defineOps } from '@twq/core';
import { busyWork, wallClockMs } from './busy-work.js';

export const ops = defineOps({
  layout: defineLayout({ micros: 'f64', finishedAt: 'f64' }),
  handle(request) {
    busyWork(request.micros);
    request.finishedAt = wallClockMs();
  },
});
