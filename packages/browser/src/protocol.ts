/**
 * Message shapes between a page (the submitter, where the host lives) and each
 * of its workers. Only the rare events travel as messages (start, ready,
 * death, stop); requests never do: they move through the shared memory.
 *
 *   page --ToWorker--> worker      once, right after spawning
 *   page <--FromWorker-- worker    start outcome, a death it reported itself, stop
 *
 * Every message carries the `twq` tag so that both sides ignore messages of
 * the user's own code sharing the worker (a handler may post progress).
 */
import type { ErrorInfo, WorkerInit } from '@twq/core';

export const PROTOCOL_TAG = 'twq/browser@1';

export interface InitMessage {
  readonly twq: typeof PROTOCOL_TAG;
  readonly type: 'init';
  readonly init: WorkerInit;
  /** Partition this worker serves. */
  readonly worker: number;
  /** Name of the Web Lock the worker holds for as long as it lives, or null where Web Locks are missing. */
  readonly lock: string | null;
  /** Whether a death of this worker fails the queue (replaceDeadWorkers: false) rather than waiting for a replacement. */
  readonly failQueueOnDeath: boolean;
}

export type ToWorker = InitMessage;

export type FromWorker =
  /** `lock`: whether the worker holds its life lock (so that the page may watch it). */
  | { readonly twq: typeof PROTOCOL_TAG; readonly type: 'ready'; readonly lock: boolean }
  | { readonly twq: typeof PROTOCOL_TAG; readonly type: 'start-failed'; readonly error: ErrorInfo }
  /** The worker recorded its own death in shared memory (recordWorkerDeath) and closed. */
  | { readonly twq: typeof PROTOCOL_TAG; readonly type: 'died' }
  | { readonly twq: typeof PROTOCOL_TAG; readonly type: 'stopped' };

/** Whether `data` is a message of this protocol (and not the user's). */
export function isProtocolMessage(data: unknown): data is { readonly twq: string; readonly type: string } {
  return typeof data === 'object' && data !== null && (data as { twq?: unknown }).twq === PROTOCOL_TAG;
}
