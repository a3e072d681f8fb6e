import { DEFAULT_POLICY, DEFAULT_SLOTS_PER_THREAD } from '@twq/core';
import { compareChartSpec } from '../report/compare-chart.js';
import { groupRows, type CompareReport, type ResultRow, type WorkloadInfo } from '../report/compare-results.js';
import { compareTable, headline } from '../report/compare-table.js';
import { fillDataSet } from '../data/data-sets.js';
import { allocateGuestMemory, type GuestMemory } from '../data/guest-memory.js';
import { busyWarning, describeMachine, machineInfo, otherCpuUse } from '../report/machine-info.js';
import { measureGroup } from '../measure/measure-group.js';
import { MIB } from '../data/page-size.js';
import { createProgress } from '../report/progress.js';
import { ReferenceSizes, noopChecksum } from '../data/reference-sizes.js';
import { renderSvg } from '../report/render-svg.js';
import { writeResults } from '../report/results-dir.js';
import { SYSTEM_LABELS, type BenchSystem, type RunOutcome, type SystemId, type SystemSetup, type TwqSettings } from '../systems/bench-system.js';
import { startSystem, supports } from '../systems/start-system.js';
import { formatVariant, variantLabel } from '../measure/twq-variant.js';
import { AUTO_SPIN } from '../systems/bench-system.js';
import { workloadOf, type Workload, type WorkloadId } from '../data/workloads.js';

export interface CompareOptions {
  readonly threads: readonly number[];
  readonly workloads: readonly WorkloadId[];
  readonly systems: readonly SystemId[];
  /** Guest memory per page data set, bytes. */
  readonly memory: number;
  readonly runs: number;
  readonly warmup: number;
  readonly runMs: number;
  /** Tasks each promise-based peer keeps in flight; undefined: 64 per thread. */
  readonly window: number | undefined;
  /** twq's settings: one line per variant (the library's defaults first). */
  readonly twq: readonly TwqSettings[];
  readonly out: string;
  readonly progress: boolean;
}

export const COMPARE_DEFAULTS = {
  workloads: ['seed', 'text', 'noop'] as WorkloadId[],
  memory: 32 * MIB,
  runs: 9,
  warmup: 1,
  runMs: 100,
  twq: [
    // What a user gets without options.
    { policy: DEFAULT_POLICY, slotsPerThread: DEFAULT_SLOTS_PER_THREAD, spinBudget: AUTO_SPIN, napUs: 0 },
    // The other placement policy, with more slots.
    { policy: 'round-robin', slotsPerThread: 256, spinBudget: AUTO_SPIN, napUs: 0 },
  ] as TwqSettings[],
};

/** Largest run, in tasks (the no-op inline loop would otherwise run hundreds of millions). */
const MAX_TASKS = 20_000_000;

/**
 * Runs every system on every workload at every thread count, each (workload,
 * thread count) group measured in interleaved rounds, every run checked
 * against the reference; then prints the table, writes compare.json and
 * compare.svg, and returns the report.
 */
export async function runCompare(o: CompareOptions, print: (line: string) => void): Promise<CompareReport> {
  const machine = await machineInfo();
  print(describeMachine(machine));
  print(
    `# compare: ${o.systems.join(', ')}; workloads ${o.workloads.join(', ')}; threads ${o.threads.join(', ')}; ` +
      `${o.memory / MIB} MiB of 4 KiB pages, zlib raw deflate level 1; ${o.warmup} warm-up + ${o.runs} measured runs of ~${o.runMs} ms each, interleaved; ` +
      `twq (policy/slots per thread/spin budget[/submitter nap us]): ${o.twq.map(formatVariant).join(', ')}`,
  );
  const workloads = o.workloads.map(workloadOf);
  const runsPerSystem = 1 + o.warmup + o.runs;
  const total = workloads.reduce(
    (sum, w) => sum + o.threads.length * entriesOf(o, w).length * runsPerSystem,
    0,
  );
  const progress = createProgress(total, o.progress);
  const rows: ResultRow[] = [];
  const infos: WorkloadInfo[] = [];
  try {
    for (const workload of workloads) {
      progress.status(`preparing ${workload.title}`);
      const prepared = prepare(workload, o.memory);
      infos.push(prepared.info);
      for (const threads of o.threads) {
        const planned = entriesOf(o, workload);
        const setup: SystemSetup = {
          threads,
          workload,
          memory: prepared.memory,
          window: o.window ?? Math.max(64, 64 * threads),
          twq: o.twq[0],
        };
        const measured = await withSystems(planned, setup, (label) => {
          progress.status(`${workload.id}, ${threads} thread(s): starting ${label}`);
        }, (systems) =>
          measureGroup(
            systems.map(({ planned: p, system }) => ({ key: p.label, system, check: prepared.check })),
            {
              runs: o.runs,
              warmup: o.warmup,
              runMs: o.runMs,
              maxTasks: MAX_TASKS,
              onRun: (key, phase) => {
                progress.tick(`${workload.id}, ${threads} thread(s): ${key} ${phase}`);
              },
            },
          ),
        );
        rows.push(
          ...groupRows(
            workload.id,
            workload.kind,
            threads,
            measured.map((m, i) => ({
              system: planned[i].id,
              twq: planned[i].twq,
              label: m.key,
              tasksPerRun: m.tasksPerRun,
              rates: m.rates,
              perThousand: m.perThousand,
              cores: m.cores,
            })),
          ),
        );
      }
    }
  } finally {
    progress.stop();
  }
  const report: CompareReport = {
    tool: 'twq-bench compare',
    date: new Date().toISOString(),
    machine,
    otherCpuAfter: await otherCpuUse(),
    settings: {
      systems: o.systems,
      threads: o.threads,
      memoryBytes: o.memory,
      pageSize: 4096,
      level: 1,
      runs: o.runs,
      warmup: o.warmup,
      runMs: o.runMs,
      window: o.window ?? '64 per thread',
      twq: o.twq.map(formatVariant),
    },
    workloads: infos,
    results: rows,
  };
  print('');
  if (report.otherCpuAfter !== null) print(`# after the runs, other processes were using ${(report.otherCpuAfter * 100).toFixed(0)}% of the CPUs`);
  const busy = busyWarning(report.otherCpuAfter);
  if (busy !== undefined) print(busy);
  print(compareTable(report));
  for (const line of headline(report)) print(line);
  const svg = await renderSvg(compareChartSpec(report));
  const [jsonPath, svgPath] = writeResults(o.out, {
    'compare.json': `${JSON.stringify(report, null, 2)}\n`,
    'compare.svg': svg,
  });
  print(`\nwrote ${jsonPath}\nchart ${svgPath}`);
  return report;
}

interface Prepared {
  readonly memory: GuestMemory | undefined;
  readonly info: WorkloadInfo;
  readonly check: (outcome: RunOutcome) => string | undefined;
}

/** Fills the guest memory and computes the reference sizes (page workloads), or the no-op checksum. */
function prepare(workload: Workload, memoryBytes: number): Prepared {
  if (workload.kind === 'noop') {
    return {
      memory: undefined,
      info: { id: workload.id, title: workload.title, kind: 'noop', pages: null, compressedBytes: null, compressionRatio: null },
      check: (outcome) => {
        const expected = noopChecksum(outcome.tasks);
        return outcome.total === expected ? undefined : `results sum to ${outcome.total}, expected ${expected}`;
      },
    };
  }
  const memory = allocateGuestMemory(memoryBytes);
  fillDataSet(memory.bytes, workload.dataSet);
  const reference = new ReferenceSizes(memory.bytes, memory.pages);
  return {
    memory,
    info: {
      id: workload.id,
      title: workload.title,
      kind: 'pages',
      pages: memory.pages,
      compressedBytes: reference.total,
      compressionRatio: memoryBytes / reference.total,
    },
    check: (outcome) => {
      const expected = reference.bytesOf(outcome.tasks);
      return outcome.total === expected ? undefined : `${outcome.total} compressed bytes, the inline reference says ${expected}`;
    },
  };
}

/** One line of the comparison: a system, and for twq its settings. */
export interface PlannedSystem {
  readonly id: SystemId;
  readonly twq: TwqSettings | null;
  readonly label: string;
}

/** The systems compare runs on `workload`, in order: each twq variant in its place among the others. */
export function entriesOf(o: Pick<CompareOptions, 'systems' | 'twq'>, workload: Workload): PlannedSystem[] {
  return o.systems
    .filter((id) => supports(id, workload.kind))
    .flatMap((id): PlannedSystem[] =>
      id === 'twq'
        ? o.twq.map((twq) => ({ id, twq, label: o.twq.length === 1 ? SYSTEM_LABELS.twq : variantLabel(twq) }))
        : [{ id, twq: null, label: SYSTEM_LABELS[id] }],
    );
}

/**
 * Starts the systems, runs `body`, and closes every system it started whatever
 * happens (no worker or child left behind). A close that fails is reported on
 * stderr and does not hide the error that ended the body, if any.
 */
export async function withSystems<T>(
  planned: readonly PlannedSystem[],
  setup: SystemSetup,
  onStart: (label: string) => void,
  body: (systems: { planned: PlannedSystem; system: BenchSystem }[]) => Promise<T>,
): Promise<T> {
  const systems: { planned: PlannedSystem; system: BenchSystem }[] = [];
  try {
    for (const p of planned) {
      onStart(p.label);
      systems.push({ planned: p, system: await startSystem(p.id, p.twq === null ? setup : { ...setup, twq: p.twq }) });
    }
    return await body(systems);
  } finally {
    for (const { planned: p, system } of systems) {
      try {
        await system.close();
      } catch (e) {
        process.stderr.write(`warning: closing ${p.label} failed: ${e instanceof Error ? e.message : String(e)}\n`);
      }
    }
  }
}
