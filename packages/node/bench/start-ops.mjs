// The start-latency benchmark's ops: each request records when (epoch ms) and on which thread it was handled.
import { threadId } from 'node:worker_threads';
import { defineLayout, defineOps } from '@twq/core';

export const ops = defineOps({
  layout: defineLayout({ handledAt: 'f64', thread: 'i32' }),
  handle(request) {
    request.handledAt = performance.timeOrigin + performance.now();
    request.thread = threadId;
  },
});
