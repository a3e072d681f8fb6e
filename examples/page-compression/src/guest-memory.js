// A stand-in for a guest's RAM: what a migration meets, page by page.
import { randomFillSync } from 'node:crypto';

export const PAGE_SIZE = 4096;

/** Page `i`'s kind: mostly zero pages, some text, some random (already compressed) data. */
export function pageKind(i) {
  return i % 8 === 0 ? 'random' : i % 3 === 0 ? 'text' : 'zero';
}

/** @param {number} pages @returns {Uint8Array} */
export function guestMemory(pages) {
  const memory = new Uint8Array(pages * PAGE_SIZE);
  const text = new TextEncoder().encode('the quick brown fox jumps over the lazy dog; '.repeat(100));
  for (let i = 0; i < pages; i++) {
    const page = memory.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE);
    if (pageKind(i) === 'random') randomFillSync(page);
    else if (pageKind(i) === 'text') page.set(text.subarray(0, PAGE_SIZE));
  }
  return memory;
}
