import { PAGE_SIZE } from './page-size.js';
import { Prng } from './prng.js';
import { writeTextCorpus } from './text-corpus.js';

/**
 * What the guest memory holds:
 * - `seed`: the original benchmark's: zero pages, each run writing one byte
 *   (0x10) at the start of every page; compresses about 100:1 and costs zlib
 *   little, so it measures the queue's overhead per request;
 * - `text`: pseudo-English prose (see text-corpus.ts), about 2.5:1, several
 *   times the work per page;
 * - `random`: incompressible bytes (zlib falls back to stored blocks).
 */
export const DATA_SETS = ['seed', 'text', 'random'] as const;
export type DataSet = (typeof DATA_SETS)[number];

/** Human names for tables and charts. */
export const DATA_SET_TITLES: Record<DataSet, string> = {
  seed: "original's pages (zero + 0x10)",
  text: 'text corpus',
  random: 'random bytes',
};

/** Fills the guest memory with `kind` (deterministic: the same bytes in every process). */
export function fillDataSet(memory: Uint8Array, kind: DataSet): void {
  switch (kind) {
    case 'seed':
      // A fresh SharedArrayBuffer is zero-filled; the runs write the 0x10 bytes.
      touchPages(memory);
      return;
    case 'text':
      writeTextCorpus(memory);
      return;
    case 'random': {
      const prng = new Prng(0x5eed);
      const words = new Uint32Array(memory.buffer, memory.byteOffset, memory.byteLength >>> 2);
      for (let i = 0; i < words.length; i++) words[i] = prng.next();
      return;
    }
  }
}

/**
 * The seed's per-run write: one byte, 0x10, at the start of every page (it
 * also faults the pages in on the first run).
 */
export function touchPages(memory: Uint8Array): void {
  for (let at = 0; at < memory.length; at += PAGE_SIZE) memory[at] = 0x10;
}
