import Table from 'cli-table3';
import type { CompareReport, ResultRow } from './compare-results.js';
import { formatMib, formatPercent, formatRate, formatRatio } from './format.js';

/**
 * The comparison as a table: one block per workload and thread count, the
 * systems in their run order. "x inline" divides by the inline baseline of the
 * same rounds, "x best peer" by the fastest of piscina, tinypool, workerpool
 * and async zlib at the same thread count.
 */
const RULE = ['', '', '', '', '', '', '', ''].map(() => '-');

export function compareTable(report: CompareReport): string {
  const table = new Table({
    head: ['workload', 'threads', 'system', 'MiB/s', 'requests/s', 'spread', 'x inline', 'x best peer'],
    colAligns: ['left', 'right', 'left', 'right', 'right', 'right', 'right', 'right'],
    style: { head: [], border: [], compact: true },
  });
  let previous = '';
  for (const row of report.results) {
    const group = `${row.workload}/${row.threads}`;
    const first = group !== previous;
    // compact style has no line between rows: a rule marks each new group.
    if (first && previous !== '') table.push(RULE);
    previous = group;
    table.push([
      first ? row.workload : '',
      first ? String(row.threads) : '',
      row.label,
      row.mibPerSecond === null ? '-' : formatMib(row.mibPerSecond),
      formatRate(row.requestsPerSecond),
      formatPercent(row.spread),
      formatRatio(row.ratioToInline),
      row.ratioToBestPeer === null ? '-' : `${formatRatio(row.ratioToBestPeer)}${row.system === row.bestPeer ? ' (best)' : ''}`,
    ]);
  }
  return table.toString();
}

/** One line per page workload and thread count: where twq stands against inline and the best peer. */
export function headline(report: CompareReport): string[] {
  return report.results
    .filter((r: ResultRow) => r.system === 'twq')
    .map((r) => {
      const rate = r.mibPerSecond === null ? `${formatRate(r.requestsPerSecond)} requests/s` : `${formatMib(r.mibPerSecond)} MiB/s`;
      const peer = r.bestPeer === null ? '' : `, ${formatRatio(r.ratioToBestPeer)} the best peer (${r.bestPeer})`;
      const c = r.twqPerThousand;
      const waits = c === null ? '' : `; per 1000 requests the submitter waited ${c.submitterWaits} times, workers parked ${c.workerParks}`;
      const k = r.twqCores;
      const cores =
        k === null ? '' : `; cores busy: ${k.process}${k.submitter === null ? '' : ` (the submitter ${k.submitter})`}`;
      return `${r.label}, ${r.workload}, ${r.threads} thread(s): ${rate}, ${formatRatio(r.ratioToInline)} inline${peer}${waits}${cores}`;
    });
}
