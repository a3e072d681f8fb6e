/**
 * The twq ops of the page workload, the seed's request: a page index in, the
 * compressed page out, written into the request's own slot. Imported by the
 * submitter (for the layout) and by every worker (for the handler).
 */
import { defineLayout, defineOps } from '@twq/core';
import { COMPRESSED_PAGE_BOUND, compressPageInto } from '../data/page-codec.js';

export interface PageOpsOptions {
  /**
   * The guest memory. A SharedArrayBuffer is shared, not copied, when the
   * queue structured-clones its opsOptions to each worker: a request then only
   * has to carry a page index (the seed's pointer to the page).
   */
  readonly memory: SharedArrayBuffer;
}

const layout = defineLayout({
  page: 'u32',
  length: 'u32',
  data: { bytes: COMPRESSED_PAGE_BOUND },
});

export const ops = (options: PageOpsOptions) => {
  const memory = new Uint8Array(options.memory);
  return defineOps({
    layout,
    handle(request) {
      // Like the seed, the result lands in the request itself: the submitter's
      // done callback can read it from the slot without any message.
      request.length = compressPageInto(memory, request.page, request.data);
    },
  });
};
