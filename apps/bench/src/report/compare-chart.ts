import type { TopLevelSpec } from 'vega-lite';
import type { CompareReport } from './compare-results.js';
import { formatMib, formatRate } from './format.js';
import type { SystemId } from '../systems/bench-system.js';

/** One point of the chart: one system at one thread count on one workload. */
export interface ChartPoint {
  readonly workload: string;
  readonly system: string;
  readonly threads: number;
  /** MiB/s for page workloads, requests/s for the no-op. */
  readonly value: number;
  readonly low: number;
  readonly high: number;
  /** The point's text, also its aria-label in the SVG: what the chart test reads back. */
  readonly description: string;
}

const COLORS: Partial<Record<SystemId, string>> = {
  inline: '#7f7f7f',
  piscina: '#1f77b4',
  tinypool: '#2ca02c',
  workerpool: '#9467bd',
  'async-zlib': '#ff7f0e',
};

/** twq's variants in reds, the first (the library's defaults) the brightest. */
const TWQ_COLORS = ['#d62728', '#8c1010', '#ff9896', '#e377c2'];

/** The chart's data: one point per result row. */
export function chartPoints(report: CompareReport): ChartPoint[] {
  return report.results.map((r) => {
    const perTask = r.mibPerSecond === null ? 1 : r.mibPerSecond / r.requestsPerSecond;
    const value = r.mibPerSecond ?? r.requestsPerSecond;
    const text = r.mibPerSecond === null ? `${formatRate(value)} requests/s` : `${formatMib(value)} MiB/s`;
    return {
      workload: report.workloads.find((w) => w.id === r.workload)?.title ?? r.workload,
      system: r.label,
      threads: r.threads,
      value,
      low: Math.min(...r.rates) * perTask,
      high: Math.max(...r.rates) * perTask,
      description: `${r.label}, ${r.threads} thread(s), ${r.workload}: ${text}`,
    };
  });
}

/**
 * Throughput against worker threads, one line per system, one panel per
 * workload, like the review's plot of the seed. Log scale on y: equal
 * vertical gaps are equal ratios, which is what carries over between machines.
 * The bars around each point span the fastest and slowest measured run.
 */
/** The x axis of both charts (compare's and sweep's): worker threads, one tick per count measured. */
export function threadsAxis(threads: readonly number[]) {
  return {
    field: 'threads',
    type: 'quantitative' as const,
    title: 'worker threads',
    scale: { domain: [threads[0], threads[threads.length - 1]], nice: false, padding: 12 },
    axis: { values: [...threads], format: 'd' },
  };
}

export function compareChartSpec(report: CompareReport): TopLevelSpec {
  const points = chartPoints(report);
  const threads = [...new Set(report.results.map((r) => r.threads))].sort((a, b) => a - b);
  // Every line in the order the table lists them, one colour each.
  const lines: { label: string; system: SystemId }[] = [];
  for (const r of report.results) if (!lines.some((l) => l.label === r.label)) lines.push({ label: r.label, system: r.system });
  let twqIndex = 0;
  const colors = lines.map((l) => (l.system === 'twq' ? TWQ_COLORS[twqIndex++ % TWQ_COLORS.length] : (COLORS[l.system] ?? '#000000')));
  const labels = lines.map((l) => l.label);
  const m = report.machine;
  return {
    title: {
      text: 'twq-bench compare: throughput against worker threads',
      subtitle: [
        `Node ${m.node}, ${m.cpus} CPUs, ${m.cpuModel}; median of ${String(report.settings.runs)} runs (bars: slowest to fastest run)`,
        'log scale: equal gaps are equal ratios; compare ratios, not absolute figures, across machines',
        "twq's settings: policy, slots per thread, spin budget; nap: the bench's submitter sleeps that long when no slot is free",
      ],
      anchor: 'start',
    },
    data: { values: points as unknown as Record<string, unknown>[] },
    columns: Math.min(3, report.workloads.length),
    concat: report.workloads.map((w) => ({
      title: w.title,
      width: 300,
      height: 260,
      transform: [{ filter: { field: 'workload', equal: w.title } }],
      encoding: {
        x: threadsAxis(threads),
        color: {
          field: 'system',
          type: 'nominal',
          title: 'system',
          scale: { domain: labels, range: colors },
          legend: { labelLimit: 400 },
        },
      },
      layer: [
        {
          mark: { type: 'rule', opacity: 0.5 },
          encoding: {
            y: { field: 'low', type: 'quantitative', scale: { type: 'log' } },
            y2: { field: 'high' },
          },
        },
        {
          mark: { type: 'line', point: { filled: true, size: 50 }, strokeWidth: 2 },
          encoding: {
            y: {
              field: 'value',
              type: 'quantitative',
              title: w.kind === 'pages' ? 'MiB/s of pages compressed' : 'requests/s',
              scale: { type: 'log' },
            },
            strokeDash: {
              condition: { test: "datum.system === 'inline (submitter alone)'", value: [6, 4] },
              value: [1, 0],
            },
            description: { field: 'description', type: 'nominal' },
          },
        },
      ],
    })),
    config: { font: 'sans-serif', legend: { orient: 'bottom', columns: 3, labelLimit: 320 } },
  };
}
