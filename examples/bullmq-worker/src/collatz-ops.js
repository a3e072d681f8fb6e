// One twq request per BullMQ job: the range in, the answer out. `ticket`
// says which pending job a completed request answers (slots are reused).
import { defineLayout, defineOps } from '@twq/node';
import { longestInRange } from './collatz.js';

export const ops = defineOps({
  layout: defineLayout({ ticket: 'u32', start: 'u32', count: 'u32', bestN: 'u32', bestSteps: 'u32' }),
  handle(request) {
    const { bestN, bestSteps } = longestInRange(request.start, request.count);
    request.bestN = bestN;
    request.bestSteps = bestSteps;
  },
});
