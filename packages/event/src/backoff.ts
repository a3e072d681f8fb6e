import { nativePause } from './platform.js';
import { describeValue } from '@twq/bitmap';

/** Longest pause, in spin units, between two polls of a shared word. */
export const MAX_BACKOFF_SPINS = 64;

// Written by the fallback pause so that the optimiser cannot drop the loop.
let sink = 0;

/**
 * Pauses for roughly `2^min(attempt, 6)` spin units without touching shared
 * memory, so a poller does not hammer a cache line that the other side writes
 * (each poll of a line in another core's cache costs that core a round trip).
 * Uses `Atomics.pause` (Node 24+, CPU `pause` hint) where present.
 */
export function backoff(attempt: number): void {
  // One compare: a NaN, a fraction or a negative would silently mean 1 or no pause at all.
  if (typeof attempt !== 'number' || (attempt >>> 0) !== attempt) throw new RangeError(`attempt must be a non-negative integer, got ${describeValue(attempt)}`);
  const spins = attempt >= 6 ? MAX_BACKOFF_SPINS : 1 << attempt;
  if (nativePause !== undefined) {
    for (let i = 0; i < spins; i++) nativePause(i);
    return;
  }
  let s = sink;
  for (let i = 0; i < spins * 8; i++) s = (s + i) | 0;
  sink = s;
}
