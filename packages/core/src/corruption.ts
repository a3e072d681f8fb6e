import { claimedBy } from './claims.js';
import { recordQueueFailure } from './death-report.js';
import { CLAIM_BY_SUBMITTER, CLAIM_IDLE, CLAIM_RUNNING, CLAIM_STATE_MASK, WORKER_RETIRED } from './memory-layout.js';
import type { QueueMemory } from './queue-memory.js';

/**
 * Corruption of the queue's control words. Handlers are trusted code that
 * shares the queue's memory (any bytes field's `.buffer` is the whole
 * SharedArrayBuffer), so a bad one can write over a slot's status or claim, a
 * FILL / DONE word or a worker's status. Such a write cannot be prevented; the
 * checks here make the impossible values it leaves fail the queue
 * (QueueCorruptedError, ERR_TWQ_CORRUPTED) instead of passing as a success.
 * Each runs on a slow path (a lost claim, a wait that parks, a cancel) or is
 * one comparison on the done path; none can catch a write of a value that is
 * possible there (a status of another slot set to OK, say).
 */

/** The name a corruption carries through the queue's failure record, so that the submitter throws QueueCorruptedError. */
export const CORRUPTED_NAME = 'QueueCorruptedError';

/** What the message of every corruption report ends with. */
const WHY = "the queue's shared memory was written over (handlers share it: see the trust model in the README), so the queue has failed";

/**
 * Whether a claim word read for a slot in flight (FILL != DONE) is one the
 * protocol never leaves there: IDLE (only a slot never submitted holds it: the
 * submitter writes QUEUED before it publishes FILL), or RUNNING by a claimer
 * that does not exist.
 */
export function isImpossibleClaim(claim: number, threads: number): boolean {
  const state = claim & CLAIM_STATE_MASK;
  if (state === CLAIM_IDLE) return true;
  if (state !== CLAIM_RUNNING) return false;
  const by = claimedBy(claim);
  return by >= threads && by !== CLAIM_BY_SUBMITTER;
}

/** Whether a worker status word holds none of the WORKER_* values. */
export function isImpossibleWorkerStatus(status: number): boolean {
  return status >>> 0 > WORKER_RETIRED;
}

/** The message of a corruption found in `what`. */
export function corruptionMessage(what: string): string {
  return `${what}: ${WHY}`;
}

/** The claim word as a message shows it. */
export function showClaim(claim: number): string {
  return `0x${(claim >>> 0).toString(16)} (state ${claim & CLAIM_STATE_MASK}, claimer ${claimedBy(claim)})`;
}

/**
 * Fails the queue for a corruption that worker `worker` found (a worker
 * cannot throw at the submitter): the failure record names it, and the
 * submitter, woken, throws QueueCorruptedError from its next call.
 */
export function reportCorruption(memory: QueueMemory, worker: number, what: string): void {
  recordQueueFailure(memory, worker, { name: CORRUPTED_NAME, message: corruptionMessage(what) });
}
