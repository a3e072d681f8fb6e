import type { QueueStats } from '@twq/core';

const COLUMNS = ['worker', 'status', 'blocks handled', 'failed', 'parks', 'spin hits', 'wake-ups sent'] as const;

/** The per-worker table: one row per worker of each queue the run made, from the queue's stats(). */
export function renderWorkerStats(table: HTMLTableElement, queues: readonly QueueStats[]): void {
  const head = `<thead><tr>${COLUMNS.map((c) => `<th>${c}</th>`).join('')}</tr></thead>`;
  const rows = queues
    .flatMap((queue) => queue.workers)
    .map((w, i) => {
      const cells = [i, w.status, w.handled, w.failed, w.parks, w.spinHits, w.wakesSent];
      return `<tr>${cells.map((c) => `<td>${String(c)}</td>`).join('')}</tr>`;
    });
  table.innerHTML = `${head}<tbody>${rows.join('')}</tbody>`;
}
