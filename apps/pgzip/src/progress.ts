import { Transform, type TransformCallback } from 'node:stream';

/** Inputs smaller than this finish before a bar is worth drawing. */
export const PROGRESS_MIN_BYTES = 16 * 1024 * 1024;
/** Redraws at most this often. */
const PROGRESS_INTERVAL_MS = 100;
const MIB = 1024 * 1024;

/** A stream a progress bar can be drawn on (process.stderr, or a test's stand-in). */
export interface ProgressTarget {
  /** Whether it is a terminal: no bar is drawn otherwise. */
  readonly isTTY?: boolean;
  /** Writes text (as a Writable's write()). */
  write(text: string): boolean;
}

/** Where a progress bar may be drawn, and its label. */
export interface ProgressSpec {
  readonly target: ProgressTarget;
  readonly label: string;
  readonly quiet: boolean;
}

/** Whether to draw a bar: a terminal, not quiet, and an input large enough (size known). */
export function wantsProgress(stream: ProgressTarget, quiet: boolean, size: number | undefined): boolean {
  return stream.isTTY === true && !quiet && size !== undefined && size >= PROGRESS_MIN_BYTES;
}

/** A progress bar: `update(bytesDone)` as work goes, `stop()` at the end (or on failure). */
export interface Progress {
  update(done: number): void;
  stop(): void;
}

/**
 * A cli-progress bar (a well-kept library: throttled redraws, ETA, terminal
 * width and cursor handling) on `target`, counting bytes. Loaded only when a
 * bar is drawn, so other runs do not pay for it. The bar is cleared when it
 * stops, so messages after it start on a clean line.
 */
export async function startProgress(label: string, total: number, target: ProgressTarget): Promise<Progress> {
  const { SingleBar } = await import('cli-progress');
  const bar = new SingleBar({
    format: `${label} [{bar}] {percentage}% | {done}/{size} MiB | {rate} MiB/s | ETA {eta_formatted}`,
    barCompleteChar: '#',
    barIncompleteChar: '-',
    hideCursor: true,
    clearOnComplete: true,
    fps: 1000 / PROGRESS_INTERVAL_MS,
    stream: target as NodeJS.WritableStream,
    // A compression loop may not yield to timers: redraw from update() too.
    synchronousUpdate: true,
  });
  const started = performance.now();
  const payload = (done: number): Record<string, string> => ({
    done: (done / MIB).toFixed(1),
    size: (total / MIB).toFixed(1),
    rate: (done / MIB / Math.max(0.001, (performance.now() - started) / 1000)).toFixed(1),
  });
  bar.start(total, 0, payload(0));
  let stopped = false;
  return {
    update(done: number) {
      if (!stopped) bar.update(Math.min(done, total), payload(done));
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}

/** A pass-through stream that moves `progress` by the bytes going by, and stops it at the end. */
export function progressMeter(progress: Progress): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      seen += chunk.length;
      progress.update(seen);
      callback(null, chunk);
    },
    flush(callback) {
      progress.stop();
      callback();
    },
    destroy(error, callback) {
      progress.stop();
      callback(error);
    },
  });
}
