import type { BenchSystem, CpuTime, RunOutcome, TwqCounters } from '../systems/bench-system.js';

/** One system (or one configuration of twq) in a group measured together. */
export interface GroupEntry {
  readonly key: string;
  readonly system: BenchSystem;
  /** undefined when a run is correct, else what is wrong (compared with the reference). */
  readonly check: (outcome: RunOutcome) => string | undefined;
}

export interface GroupSettings {
  /** Measured runs per entry. */
  readonly runs: number;
  /** Full-size warm-up runs per entry, after calibration, not measured. */
  readonly warmup: number;
  /** Target length of one run: calibration sizes each entry's runs to it. */
  readonly runMs: number;
  /** Largest run, in tasks. */
  readonly maxTasks: number;
  /** Called after every run (calibration counts as one), for progress. */
  readonly onRun?: (key: string, phase: 'calibrate' | 'warm-up' | 'run') => void;
}

export interface EntryResult {
  readonly key: string;
  readonly tasksPerRun: number;
  /** Tasks per second of each measured run, in order. */
  readonly rates: number[];
  /** twq only: its counters over the measured runs, per 1000 requests. */
  readonly perThousand: TwqCounters | undefined;
  /** twq only: CPU over the measured runs, in cores (CPU time / wall time). */
  readonly cores: CpuShare | undefined;
}

/** CPU time over wall time: 1 is one core kept busy for the whole run. */
export interface CpuShare {
  /** The submitter's thread (null where the platform does not tell). */
  readonly submitter: number | null;
  /** The whole process: submitter, workers, and any other thread. */
  readonly process: number;
}

/** Thrown when a system's output does not match the reference: no figure is reported for it. */
export class CheckFailedError extends Error {
  override name = 'CheckFailedError';
}

/**
 * Measures every entry of a group in interleaved rounds: round r runs each
 * entry once (starting at a different entry each round), so that load from
 * anything else on the machine falls on all of them alike and their ratios
 * stay fair even when absolute figures drift. Every run is checked.
 */
export async function measureGroup(entries: readonly GroupEntry[], settings: GroupSettings): Promise<EntryResult[]> {
  const sizes = new Map<string, number>();
  for (const entry of entries) {
    sizes.set(entry.key, await calibrate(entry, settings));
    settings.onRun?.(entry.key, 'calibrate');
  }
  const rates = new Map<string, number[]>(entries.map((e) => [e.key, []]));
  const counters = new Map<string, { tasks: number; sum: TwqCounters }>();
  const cpu = new Map<string, { ms: number; submitterMs: number | undefined; processMs: number }>();
  const rounds = settings.warmup + settings.runs;
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < entries.length; k++) {
      const entry = entries[(round + k) % entries.length];
      const outcome = await checkedRun(entry, sizes.get(entry.key) ?? 1);
      if (round >= settings.warmup) {
        rates.get(entry.key)?.push((outcome.tasks / outcome.ms) * 1000);
        if (outcome.counters !== undefined) counters.set(entry.key, addCounters(counters.get(entry.key), outcome.tasks, outcome.counters));
        if (outcome.cpu !== undefined) cpu.set(entry.key, addCpu(cpu.get(entry.key), outcome.ms, outcome.cpu));
      }
      settings.onRun?.(entry.key, round < settings.warmup ? 'warm-up' : 'run');
    }
  }
  return entries.map((e) => {
    const c = counters.get(e.key);
    const t = cpu.get(e.key);
    return {
      key: e.key,
      tasksPerRun: sizes.get(e.key) ?? 0,
      rates: rates.get(e.key) ?? [],
      perThousand: c === undefined ? undefined : perThousand(c.sum, c.tasks),
      cores:
        t === undefined
          ? undefined
          : { submitter: t.submitterMs === undefined ? null : round2(t.submitterMs / t.ms), process: round2(t.processMs / t.ms) },
    };
  });
}

function addCounters(acc: { tasks: number; sum: TwqCounters } | undefined, tasks: number, c: TwqCounters): { tasks: number; sum: TwqCounters } {
  const sum = acc?.sum ?? { submitterWaits: 0, workerParks: 0, wakesSent: 0 };
  return {
    tasks: (acc?.tasks ?? 0) + tasks,
    sum: {
      submitterWaits: sum.submitterWaits + c.submitterWaits,
      workerParks: sum.workerParks + c.workerParks,
      wakesSent: sum.wakesSent + c.wakesSent,
    },
  };
}

function perThousand(c: TwqCounters, tasks: number): TwqCounters {
  const k = (n: number): number => Math.round((n / tasks) * 1000 * 10) / 10;
  return { submitterWaits: k(c.submitterWaits), workerParks: k(c.workerParks), wakesSent: k(c.wakesSent) };
}

/**
 * Runs growing batches until one lasts a quarter of the target, then sizes
 * the runs to the target from that rate. Also warms the system up (JIT,
 * thread start, page faults).
 */
async function calibrate(entry: GroupEntry, settings: GroupSettings): Promise<number> {
  let tasks = 32;
  for (;;) {
    const outcome = await checkedRun(entry, tasks);
    if (outcome.ms >= settings.runMs / 4 || tasks >= settings.maxTasks) {
      const sized = Math.round((tasks * settings.runMs) / Math.max(outcome.ms, 0.01));
      return Math.max(1, Math.min(settings.maxTasks, sized));
    }
    tasks = Math.min(settings.maxTasks, tasks * 8);
  }
}

async function checkedRun(entry: GroupEntry, tasks: number): Promise<RunOutcome> {
  const outcome = await entry.system.run(tasks);
  const problem = outcome.problem ?? (outcome.tasks === tasks ? entry.check(outcome) : `ran ${outcome.tasks} tasks of ${tasks}`);
  if (problem !== undefined) {
    throw new CheckFailedError(`${entry.key}, ${entry.system.threads} thread(s), run of ${tasks} tasks: ${problem}`);
  }
  return outcome;
}

function addCpu(
  acc: { ms: number; submitterMs: number | undefined; processMs: number } | undefined,
  ms: number,
  c: CpuTime,
): { ms: number; submitterMs: number | undefined; processMs: number } {
  const submitterMs = c.submitterMs === undefined ? undefined : (acc === undefined ? 0 : (acc.submitterMs ?? 0)) + c.submitterMs;
  return { ms: (acc?.ms ?? 0) + ms, submitterMs, processMs: (acc?.processMs ?? 0) + c.processMs };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
