import { PEER_IDS, type SystemId, type TwqCounters, type TwqSettings } from '../systems/bench-system.js';
import type { MachineInfo } from './machine-info.js';
import type { CpuShare } from '../measure/measure-group.js';
import { MIB, PAGE_SIZE } from '../data/page-size.js';
import { median, spread } from '../measure/stats.js';
import type { WorkloadId } from '../data/workloads.js';

/** The figures of one measured configuration, in compare's and sweep's rows alike. */
export interface RateFigures {
  /** Worker threads given to the system (inline always runs on the submitter's one thread, measured beside each). */
  readonly threads: number;
  readonly tasksPerRun: number;
  /** Requests (tasks) per second of each measured run. */
  readonly rates: readonly number[];
  /** Median of `rates`. */
  readonly requestsPerSecond: number;
  /** Page workloads: median MiB of pages compressed per second; no-op: null. */
  readonly mibPerSecond: number | null;
  /** (max - min) / median of the runs. */
  readonly spread: number;
  /** Over the inline baseline: the median of the per-round ratios (each round runs every system once). */
  readonly ratioToInline: number | null;
}

/** One system at one thread count on one workload: what the table, the JSON and the chart show. */
export interface ResultRow extends RateFigures {
  readonly workload: WorkloadId;
  readonly kind: 'pages' | 'noop';
  readonly system: SystemId;
  /** twq's settings (twq rows only: compare may run several). */
  readonly twq: TwqSettings | null;
  readonly label: string;
  /** Over the best (by median) of piscina / tinypool / workerpool / async zlib at the same thread count; per-round ratios' median. */
  readonly ratioToBestPeer: number | null;
  readonly bestPeer: SystemId | null;
  /** twq only: submitter waits, worker parks and wake-ups sent, per 1000 requests. */
  readonly twqPerThousand: TwqCounters | null;
  /** twq only: cores kept busy during its runs (CPU time / wall time): the submitter's thread, the whole process. */
  readonly twqCores: CpuShare | null;
}

/** What the page data set compressed to (the reference every run was checked against). */
export interface WorkloadInfo {
  readonly id: WorkloadId;
  readonly title: string;
  readonly kind: 'pages' | 'noop';
  readonly pages: number | null;
  readonly compressedBytes: number | null;
  /** Bytes in / bytes out, as the seed prints it. */
  readonly compressionRatio: number | null;
}

/** What every report of the bench starts with: when, where, how loaded, with what settings. */
export interface ReportHeader {
  readonly date: string;
  readonly machine: MachineInfo;
  /** Like machine.otherCpuBefore, measured right after the runs. */
  readonly otherCpuAfter: number | null;
  readonly settings: Record<string, unknown>;
}

export interface CompareReport extends ReportHeader {
  readonly tool: 'twq-bench compare';
  readonly workloads: readonly WorkloadInfo[];
  readonly results: readonly ResultRow[];
}

/** A measured system before ratios: builds the rows of one (workload, threads) group. */
export interface GroupMeasurement {
  readonly system: SystemId;
  readonly twq: TwqSettings | null;
  readonly label: string;
  readonly tasksPerRun: number;
  readonly rates: readonly number[];
  readonly perThousand: TwqCounters | undefined;
  readonly cores: CpuShare | undefined;
}

/**
 * Rows of one group, with ratios to the group's inline run and to its best
 * peer. Every entry of a group ran once per round, so run i of each entry
 * happened at about the same time: a ratio is the median of the per-round
 * ratios (paired), which cancels load that drifts from round to round better
 * than a ratio of two medians would.
 */
export function groupRows(
  workload: WorkloadId,
  kind: 'pages' | 'noop',
  threads: number,
  measured: readonly GroupMeasurement[],
): ResultRow[] {
  const inline = measured.find((m) => m.system === 'inline');
  let best: GroupMeasurement | undefined;
  for (const m of measured) {
    if (PEER_IDS.includes(m.system) && (best === undefined || median(m.rates) > median(best.rates))) best = m;
  }
  return measured.map((m) => {
    const rate = median(m.rates);
    return {
      workload,
      kind,
      system: m.system,
      twq: m.twq,
      label: m.label,
      threads,
      tasksPerRun: m.tasksPerRun,
      rates: m.rates,
      requestsPerSecond: rate,
      mibPerSecond: kind === 'pages' ? (rate * PAGE_SIZE) / MIB : null,
      spread: spread(m.rates),
      ratioToInline: inline === undefined || m.system === 'inline' ? null : pairedRatio(m.rates, inline.rates),
      ratioToBestPeer: best === undefined || m.system === 'inline' ? null : pairedRatio(m.rates, best.rates),
      bestPeer: best?.system ?? null,
      twqPerThousand: m.perThousand ?? null,
      twqCores: m.cores ?? null,
    };
  });
}

/** Median over rounds of a[i] / b[i] (both lists in round order). */
export function pairedRatio(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  const ratios: number[] = [];
  for (let i = 0; i < n; i++) ratios.push(a[i] / b[i]);
  return median(ratios);
}
