import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Shortest time between two points of a series: rates over shorter spans are mostly noise. */
const MIN_SPAN_MS = 60;

interface Series {
  readonly label: string;
  readonly stroke: string;
  readonly x: number[];
  readonly y: number[];
  lastMs: number;
  lastBytes: number;
}

/**
 * Throughput over time, one line per run (MB/s of input against seconds since
 * the run started), drawn with uPlot: canvas, about 50 KB, no dependencies,
 * and cheap enough to redraw on every animation frame while a run feeds it.
 */
export class ThroughputChart {
  private readonly plot: uPlot;
  private readonly series: Series[];
  private redrawQueued = false;

  constructor(parent: HTMLElement, labels: readonly { label: string; stroke: string }[]) {
    this.series = labels.map((l) => ({ ...l, x: [], y: [], lastMs: 0, lastBytes: 0 }));
    this.plot = new uPlot(
      {
        width: Math.max(320, parent.clientWidth),
        height: 260,
        scales: { x: { time: false } },
        axes: [
          { label: 'seconds since start' },
          { label: 'MB/s', size: 60 },
        ],
        series: [{ label: 's' }, ...this.series.map((s) => ({ label: s.label, stroke: s.stroke, width: 2, spanGaps: true }))],
      },
      this.data(),
      parent,
    );
    new ResizeObserver(() => {
      this.plot.setSize({ width: Math.max(320, parent.clientWidth), height: 260 });
    }).observe(parent);
  }

  /** Clears series `index` for a new run. */
  reset(index: number): void {
    const s = this.series[index];
    s.x.length = 0;
    s.y.length = 0;
    s.lastMs = 0;
    s.lastBytes = 0;
    this.queueRedraw();
  }

  /** Adds progress of series `index`: `bytes` done after `elapsedMs`. */
  progress(index: number, bytes: number, elapsedMs: number): void {
    const s = this.series[index];
    const span = elapsedMs - s.lastMs;
    if (span < MIN_SPAN_MS) return;
    s.x.push(elapsedMs / 1000);
    s.y.push((bytes - s.lastBytes) / 1e6 / (span / 1000));
    s.lastMs = elapsedMs;
    s.lastBytes = bytes;
    this.queueRedraw();
  }

  private queueRedraw(): void {
    if (this.redrawQueued) return;
    this.redrawQueued = true;
    requestAnimationFrame(() => {
      this.redrawQueued = false;
      this.plot.setData(this.data());
    });
  }

  private data(): uPlot.AlignedData {
    return uPlot.join(this.series.map((s) => [s.x, s.y] as uPlot.AlignedData));
  }
}
