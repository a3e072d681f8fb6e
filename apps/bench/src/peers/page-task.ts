/**
 * The peers' task module (piscina and tinypool load it; workerpool through
 * workerpool-worker.ts): the same work per task as twq's ops. A task is a page
 * index, the result the compressed length (a number: the cheapest result to
 * send back through postMessage).
 */
import { compressPage, noop as noopValue } from '../page-codec.js';
import { workerMemory } from './worker-memory.js';

export function compress(page: number): number {
  return compressPage(workerMemory(), page).length;
}

export function noop(value: number): number {
  return noopValue(value);
}
