// Compresses memory page by page on worker threads, and back.
import { createQueue } from '@twq/node';
import { createPageQueue, PAGE_INCOMPRESSIBLE } from '@twq/compress';
import { PAGE_SIZE } from './guest-memory.js';

/**
 * @param {Uint8Array} memory
 * @returns {Promise<{ packed: import('@twq/compress').CompressedPages, restored: Uint8Array, sentBytes: number, incompressible: number }>}
 */
export async function migrate(memory) {
  const pages = await createPageQueue(createQueue, { pageSize: PAGE_SIZE, level: 1, threads: 2 });
  try {
    const packed = await pages.compress(memory);
    // What goes on the wire: each page's stream (or its raw bytes when deflate would not shrink it).
    const sentBytes = packed.pages.reduce((sum, page) => sum + page.length, 0);
    const incompressible = packed.status.filter((s) => s === PAGE_INCOMPRESSIBLE).length;
    const restored = await pages.decompress(packed);
    return { packed, restored, sentBytes, incompressible };
  } finally {
    await pages.destroy();
  }
}
