import { popcount32 } from '@twq/bitmap';
import {
  CLAIM_BY_MASK,
  CLAIM_BY_SHIFT,
  CLAIM_CANCEL_REQUESTED,
  CLAIM_QUEUED,
  CLAIM_SEQ_MASK,
  CLAIM_SEQ_SHIFT,
  CLAIM_STATE_MASK,
  S_CLAIM,
  WORKER_READY,
} from './memory-layout.js';
import type { WorkerBlock } from './queue-memory.js';
import { HEADER, type RequestObject } from './requests.js';

/**
 * Helpers over the per-slot CLAIM word (see the protocol comment in
 * memory-layout.ts). Each is a few integer operations; none allocates.
 */

/** The claim word the submitter writes (plain store, published by its FILL store) when it submits the slot again. */
export function queuedClaim(previous: number): number {
  return ((previous & CLAIM_SEQ_MASK) + (1 << CLAIM_SEQ_SHIFT)) | CLAIM_QUEUED;
}

/** State of a claim word (CLAIM_IDLE .. CLAIM_CANCELLED). */
export function claimState(claim: number): number {
  return claim & CLAIM_STATE_MASK;
}

/** Who holds a RUNNING claim: a worker index or CLAIM_BY_SUBMITTER. */
export function claimedBy(claim: number): number {
  return (claim >>> CLAIM_BY_SHIFT) & CLAIM_BY_MASK;
}

/**
 * One compare-and-swap from QUEUED (as read) to `state` claimed by `by`; the
 * sequence number stays. False when the word is not QUEUED or the CAS lost.
 */
export function tryClaim(header: Int32Array, by: number, state: number): boolean {
  const c = Atomics.load(header, S_CLAIM);
  if ((c & CLAIM_STATE_MASK) !== CLAIM_QUEUED) return false;
  return Atomics.compareExchange(header, S_CLAIM, c, (c & CLAIM_SEQ_MASK) | (by << CLAIM_BY_SHIFT) | state) === c;
}

/** Raises the cooperative cancel flag of a claim (the handler reads it as env.cancelled). */
export function requestCancel(header: Int32Array): void {
  Atomics.or(header, S_CLAIM, CLAIM_CANCEL_REQUESTED);
}

/** Slots of partition `block` in flight (submitted, not yet completed or handed back). */
export function inflightCount(block: WorkerBlock): number {
  const fill = block.fill.words;
  const done = block.done.words;
  const last = fill.length - 1;
  let busy = 0;
  for (let w = 0; w <= last; w++) {
    let inflight = Atomics.load(fill, w) ^ Atomics.load(done, w);
    if (w === last) inflight &= block.fill.lastWordMask;
    busy += popcount32(inflight);
  }
  return busy;
}

/**
 * The partition with the most requests in flight, at least `atLeast`, other
 * than `exclude`; -1 if none. Where a thief or the helping submitter looks.
 * A partition whose worker is not serving (dead, or its replacement not
 * started) has nobody to run its queue, so even one request there counts: its
 * replacement may wait on a submitter that is itself blocked on that request
 * (a browser's nested submitter hears of the death only when it yields).
 */
export function mostLoaded(blocks: readonly WorkerBlock[], exclude: number, atLeast: number): number {
  let victim = -1;
  let most = atLeast - 1;
  for (let t = 0; t < blocks.length; t++) {
    if (t === exclude) continue;
    let load = inflightCount(blocks[t]);
    if (load !== 0 && blocks[t].status() !== WORKER_READY) load += atLeast;
    if (load > most) {
      most = load;
      victim = t;
    }
  }
  return victim;
}

/**
 * Claims (QUEUED -> RUNNING by `by`) the highest queued slot of partition
 * `block`, whose request objects are `requests[first + s]`: from the top, since
 * the owner scans upwards, so the two meet late. Returns the slot's index in
 * its partition, or -1 when nothing was left to take.
 */
export function claimHighestQueued(block: WorkerBlock, requests: readonly unknown[], first: number, by: number, state: number): number {
  const last = block.fill.words.length - 1;
  for (let w = last; w >= 0; w--) {
    let inflight = Atomics.load(block.fill.words, w) ^ Atomics.load(block.done.words, w);
    if (w === last) inflight &= block.fill.lastWordMask;
    while (inflight !== 0) {
      const bit = 31 - Math.clz32(inflight);
      inflight &= ~(1 << bit);
      const s = (w << 5) + bit;
      if (tryClaim((requests[first + s] as RequestObject)[HEADER], by, state)) return s;
    }
  }
  return -1;
}
