/**
 * The peers' task module (piscina and tinypool load it; workerpool through
 * workerpool-worker.ts): the same work per task as twq's ops. A task is a page
 * index, the result the compressed length (a number: the cheapest result to
 * send back through postMessage).
 */
import { COMPRESSED_PAGE_BOUND, compressPageInto, noop as noopValue } from '../data/page-codec.js';
import { workerMemory } from './worker-memory.js';

/** This worker's output buffer: the result sent back is only the length. */
const output = new Uint8Array(COMPRESSED_PAGE_BOUND);

export function compress(page: number): number {
  return compressPageInto(workerMemory(), page, output);
}

export function noop(value: number): number {
  return noopValue(value);
}
