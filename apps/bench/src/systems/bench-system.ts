import type { GuestMemory } from '../data/guest-memory.js';
import type { Workload } from '../data/workloads.js';
import type { PlacementPolicy } from '@twq/core';

/** The systems that `compare` runs side by side. */
export const SYSTEM_IDS = ['inline', 'twq', 'piscina', 'tinypool', 'workerpool', 'async-zlib'] as const;
export type SystemId = (typeof SYSTEM_IDS)[number];

/** The other pools, against which twq's "x best peer" ratio is taken. */
export const PEER_IDS: readonly SystemId[] = ['piscina', 'tinypool', 'workerpool', 'async-zlib'];

/** Labels for tables and charts. */
export const SYSTEM_LABELS: Record<SystemId, string> = {
  inline: 'inline (submitter alone)',
  twq: 'twq',
  piscina: 'piscina',
  tinypool: 'tinypool',
  workerpool: 'workerpool',
  'async-zlib': 'async zlib (libuv pool)',
};

/** What one run of a system reports; the driver checks it against the reference. */
export interface RunOutcome {
  readonly tasks: number;
  /** Wall time from the first submission to the last result, in milliseconds. */
  readonly ms: number;
  /** Page workloads: compressed bytes seen; no-op: the sum of the results. */
  readonly total: number;
  /** What the system's own tally found wrong (a page missing or seen twice), if anything. */
  readonly problem: string | undefined;
  /** twq only: how often threads waited during the run (see TwqCounters). */
  readonly counters?: TwqCounters;
  /** twq only: CPU time the run took. */
  readonly cpu?: CpuTime;
}

/**
 * What twq's threads did besides work during a run: the cost of waiting shows
 * in these (each park is a futex wait, each wake a futex wake, on both sides).
 */
export interface TwqCounters {
  /** Times the submitter found no free request and had to wait (spin, then park). */
  readonly submitterWaits: number;
  /** Times a worker ran out of work and parked. */
  readonly workerParks: number;
  /** Wake-ups the submitter sent to parked workers. */
  readonly wakesSent: number;
}

/** CPU time during a run, milliseconds: the submitter's thread (Linux only) and the whole process. */
export interface CpuTime {
  readonly submitterMs: number | undefined;
  readonly processMs: number;
}

/** A started system: runs `tasks` tasks per call, task i on page i mod pages. */
export interface BenchSystem {
  readonly id: SystemId;
  readonly threads: number;
  run(tasks: number): Promise<RunOutcome>;
  close(): Promise<void>;
}

/** A spinBudget of AUTO_SPIN leaves the choice to the library. */
export const AUTO_SPIN = -1;

/** twq's queue settings, and how the bench's submitter waits (the sweep varies them; compare runs a few). */
export interface TwqSettings {
  readonly policy: PlacementPolicy;
  readonly slotsPerThread: number;
  /** Polls before parking; AUTO_SPIN (-1): the library's default (64, or 0 when threads + 1 > cores). */
  readonly spinBudget: number;
  /**
   * Microseconds the submitter sleeps when no request is free, before it asks
   * again (and then blocks): 0 (the default) calls getRequestBlocking() at
   * once, which returns as soon as one slot is free. Not a library option: a
   * submitter-side pacing, to measure what waiting for a batch of free slots
   * (a low watermark) would be worth.
   */
  readonly napUs: number;
}

/** Everything a system needs to start. */
export interface SystemSetup {
  readonly threads: number;
  readonly workload: Workload;
  /** The guest memory (page workloads only). */
  readonly memory: GuestMemory | undefined;
  /** Tasks a promise-based peer keeps in flight. */
  readonly window: number;
  readonly twq: TwqSettings;
}
