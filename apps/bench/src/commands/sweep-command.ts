import Table from 'cli-table3';
import type { PlacementPolicy } from '@twq/core';
import type { TopLevelSpec } from 'vega-lite';
import { threadsAxis } from '../report/compare-chart.js';
import { fillDataSet } from '../data/data-sets.js';
import { formatMib, formatPercent, formatRate, formatRatio } from '../report/format.js';
import { allocateGuestMemory } from '../data/guest-memory.js';
import { busyWarning, describeMachine, machineInfo, otherCpuUse } from '../report/machine-info.js';
import { measureGroup, type CpuShare } from '../measure/measure-group.js';
import { MIB, PAGE_SIZE } from '../data/page-size.js';
import { createProgress } from '../report/progress.js';
import { ReferenceSizes, noopChecksum } from '../data/reference-sizes.js';
import { renderSvg } from '../report/render-svg.js';
import { writeResults } from '../report/results-dir.js';
import { pairedRatio, type RateFigures, type ReportHeader } from '../report/compare-results.js';
import { median, spread } from '../measure/stats.js';
import type { BenchSystem, RunOutcome, SystemSetup, TwqCounters } from '../systems/bench-system.js';
import { startInline } from '../systems/inline-system.js';
import { startTwq } from '../systems/twq-system.js';
import { workloadOf, type WorkloadId } from '../data/workloads.js';

export interface SweepOptions {
  readonly threads: readonly number[];
  readonly policies: readonly PlacementPolicy[];
  readonly slots: readonly number[];
  readonly spins: readonly number[];
  /** Submitter naps to try (0: getRequestBlocking at once); see TwqSettings.napUs. */
  readonly naps: readonly number[];
  readonly workload: WorkloadId;
  readonly memory: number;
  readonly runs: number;
  readonly warmup: number;
  readonly runMs: number;
  readonly out: string;
  readonly progress: boolean;
}

export interface SweepRow extends RateFigures {
  /** 'inline' for the baseline, else the twq configuration. */
  readonly config: string;
  readonly policy: PlacementPolicy | null;
  readonly slotsPerThread: number | null;
  readonly spinBudget: number | null;
  readonly napUs: number | null;
  /** Submitter waits, worker parks and wake-ups sent, per 1000 requests. */
  readonly perThousand: TwqCounters | null;
  /** Cores kept busy during the runs: the submitter's thread, the whole process. */
  readonly cores: CpuShare | null;
}

export interface SweepReport extends ReportHeader {
  readonly tool: 'twq-bench sweep';
  readonly results: readonly SweepRow[];
}

const INLINE = 'inline';

function configKey(c: { policy: PlacementPolicy; slots: number; spin: number; nap: number }): string {
  return `${c.policy}, ${c.slots} slots, spin ${c.spin}${c.nap > 0 ? `, nap ${c.nap} us` : ''}`;
}

/**
 * twq alone, over threads x policy x slots per thread x spin budget, each
 * thread count's configurations measured in interleaved rounds beside the
 * inline baseline; the data behind the defaults (policy, slotsPerThread,
 * spinBudget). Prints the table, writes sweep.json and sweep.svg.
 */
export async function runSweep(o: SweepOptions, print: (line: string) => void): Promise<SweepReport> {
  const machine = await machineInfo();
  print(describeMachine(machine));
  const configs = o.policies.flatMap((policy) =>
    o.slots.flatMap((slots) => o.spins.flatMap((spin) => o.naps.map((nap) => ({ policy, slots, spin, nap })))),
  );
  print(
    `# sweep: twq on ${o.workload}, threads ${o.threads.join(', ')}; policies ${o.policies.join(', ')}; slots/thread ${o.slots.join(', ')}; ` +
      `spin budgets ${o.spins.join(', ')}; submitter naps ${o.naps.join(', ')} us (${configs.length} configurations); ${o.warmup} warm-up + ${o.runs} runs of ~${o.runMs} ms, interleaved`,
  );
  const workload = workloadOf(o.workload);
  const memory = workload.kind === 'pages' ? allocateGuestMemory(o.memory) : undefined;
  let check: (outcome: RunOutcome) => string | undefined;
  if (memory !== undefined && workload.kind === 'pages') {
    fillDataSet(memory.bytes, workload.dataSet);
    const reference = new ReferenceSizes(memory.bytes, memory.pages);
    check = (r) => (r.total === reference.bytesOf(r.tasks) ? undefined : `${r.total} compressed bytes, expected ${reference.bytesOf(r.tasks)}`);
  } else {
    check = (r) => (r.total === noopChecksum(r.tasks) ? undefined : `results sum to ${r.total}, expected ${noopChecksum(r.tasks)}`);
  }
  const progress = createProgress(o.threads.length * (configs.length + 1) * (1 + o.warmup + o.runs), o.progress);
  const rows: SweepRow[] = [];
  try {
    for (const threads of o.threads) {
      const systems: { key: string; system: BenchSystem }[] = [];
      try {
        const base: SystemSetup = { threads, workload, memory, window: 0, twq: { policy: 'batch', slotsPerThread: 1, spinBudget: 0, napUs: 0 } };
        systems.push({ key: INLINE, system: await startInline(base) });
        for (const c of configs) {
          progress.status(`${threads} thread(s): starting ${configKey(c)}`);
          const system = await startTwq({ ...base, twq: { policy: c.policy, slotsPerThread: c.slots, spinBudget: c.spin, napUs: c.nap } });
          systems.push({ key: configKey(c), system });
        }
        const measured = await measureGroup(
          systems.map((s) => ({ key: s.key, system: s.system, check })),
          {
            runs: o.runs,
            warmup: o.warmup,
            runMs: o.runMs,
            maxTasks: 20_000_000,
            onRun: (key, phase) => {
              progress.tick(`${threads} thread(s): ${key} ${phase}`);
            },
          },
        );
        const inlineRates = measured.find((m) => m.key === INLINE)?.rates ?? [];
        for (const m of measured) {
          const c = configs.find((x) => configKey(x) === m.key);
          const rate = median(m.rates);
          rows.push({
            threads,
            config: m.key,
            policy: c?.policy ?? null,
            slotsPerThread: c?.slots ?? null,
            spinBudget: c?.spin ?? null,
            napUs: c?.nap ?? null,
            tasksPerRun: m.tasksPerRun,
            rates: m.rates,
            requestsPerSecond: rate,
            mibPerSecond: workload.kind === 'pages' ? (rate * PAGE_SIZE) / MIB : null,
            spread: spread(m.rates),
            ratioToInline: m.key === INLINE || inlineRates.length === 0 ? null : pairedRatio(m.rates, inlineRates),
            perThousand: m.perThousand ?? null,
            cores: m.cores ?? null,
          });
        }
      } finally {
        for (const s of systems) await s.system.close();
      }
    }
  } finally {
    progress.stop();
  }
  const report: SweepReport = {
    tool: 'twq-bench sweep',
    date: new Date().toISOString(),
    machine,
    otherCpuAfter: await otherCpuUse(),
    settings: { workload: o.workload, memoryBytes: o.memory, threads: o.threads, policies: o.policies, slots: o.slots, spins: o.spins, naps: o.naps, runs: o.runs, warmup: o.warmup, runMs: o.runMs },
    results: rows,
  };
  print('');
  if (report.otherCpuAfter !== null) print(`# after the runs, other processes were using ${(report.otherCpuAfter * 100).toFixed(0)}% of the CPUs`);
  const busy = busyWarning(report.otherCpuAfter);
  if (busy !== undefined) print(busy);
  print(sweepTable(report));
  for (const threads of o.threads) {
    const best = rows.filter((r) => r.threads === threads && r.config !== INLINE).sort((a, b) => b.requestsPerSecond - a.requestsPerSecond).at(0);
    if (best !== undefined) print(`best at ${threads} thread(s): ${best.config} (${formatRatio(best.ratioToInline)} inline)`);
  }
  const svg = await renderSvg(sweepChartSpec(report, workload.title));
  const [jsonPath, svgPath] = writeResults(o.out, { 'sweep.json': `${JSON.stringify(report, null, 2)}\n`, 'sweep.svg': svg });
  print(`\nwrote ${jsonPath}\nchart ${svgPath}`);
  return report;
}

/** The sweep as a table, fastest configuration first within each thread count. */
export function sweepTable(report: SweepReport): string {
  const table = new Table({
    head: ['threads', 'configuration', 'MiB/s', 'requests/s', 'spread', 'x inline', 'waits/1k', 'parks/1k', 'wakes/1k', 'cores', 'submitter'],
    colAligns: ['right', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    style: { head: [], border: [], compact: true },
  });
  const threads = [...new Set(report.results.map((r) => r.threads))];
  for (const t of threads) {
    const group = report.results.filter((r) => r.threads === t).sort((a, b) => b.requestsPerSecond - a.requestsPerSecond);
    if (table.length > 0) table.push(['-', '-', '-', '-', '-', '-', '-', '-', '-', '-', '-']);
    group.forEach((r, i) => {
      table.push([
        i === 0 ? String(t) : '',
        r.config,
        r.mibPerSecond === null ? '-' : formatMib(r.mibPerSecond),
        formatRate(r.requestsPerSecond),
        formatPercent(r.spread),
        formatRatio(r.ratioToInline),
        r.perThousand === null ? '-' : String(r.perThousand.submitterWaits),
        r.perThousand === null ? '-' : String(r.perThousand.workerParks),
        r.perThousand === null ? '-' : String(r.perThousand.wakesSent),
        r.cores === null ? '-' : r.cores.process.toFixed(2),
        r.cores?.submitter == null ? '-' : r.cores.submitter.toFixed(2),
      ]);
    });
  }
  return table.toString();
}

/**
 * Speed-up over inline against worker threads, like the review's plot: one
 * panel per spin budget, one colour per slots-per-thread, solid for batching,
 * dashed for round-robin.
 */
export function sweepChartSpec(report: SweepReport, title: string): TopLevelSpec {
  const points = report.results
    .filter((r) => r.ratioToInline !== null)
    .sort((a, b) => (a.spinBudget ?? 0) - (b.spinBudget ?? 0) || (a.napUs ?? 0) - (b.napUs ?? 0))
    .map((r) => ({
      threads: r.threads,
      speedup: r.ratioToInline,
      slots: `${r.slotsPerThread} slots/thread`,
      policy: r.policy,
      spin: `spin budget ${r.spinBudget}${r.napUs !== null && r.napUs > 0 ? `, nap ${r.napUs} us` : ''}`,
      description: `${r.config}, ${r.threads} thread(s): ${formatRatio(r.ratioToInline)} inline`,
    }));
  const threads = [...new Set(report.results.map((r) => r.threads))].sort((a, b) => a - b);
  return {
    title: {
      text: `twq-bench sweep: speed-up over inline, ${title}`,
      subtitle: [
        `Node ${report.machine.node}, ${report.machine.cpus} CPUs, ${report.machine.cpuModel}; median of ${String(report.settings.runs)} runs`,
        '1 (dotted) = the submitter doing the work alone; solid circles: batch, dashed squares: round-robin',
      ],
      anchor: 'start',
    },
    data: { values: points },
    // Panels in the order of the spin budgets, not of their names.
    facet: { column: { field: 'spin', type: 'nominal', title: null, sort: [...new Set(points.map((p) => p.spin))] } },
    spec: {
      width: 260,
      height: 240,
      layer: [
        { mark: { type: 'rule', strokeDash: [2, 2], color: '#7f7f7f' }, encoding: { y: { datum: 1 } } },
        {
          mark: { type: 'line', point: { filled: true, size: 40 } },
          encoding: {
            x: threadsAxis(threads),
            y: { field: 'speedup', type: 'quantitative', title: 'x inline (speed-up)' },
            color: { field: 'slots', type: 'nominal', title: 'slots per thread', sort: null },
            strokeDash: { field: 'policy', type: 'nominal', title: 'policy', scale: { domain: ['batch', 'round-robin'], range: [[1, 0], [6, 4]] } },
            // Shapes as well as dashes: with one thread count there is no line to dash.
            shape: { field: 'policy', type: 'nominal', title: 'policy', scale: { domain: ['batch', 'round-robin'], range: ['circle', 'square'] } },
            description: { field: 'description', type: 'nominal' },
          },
        },
      ],
    },
    config: { font: 'sans-serif' },
  };
}
