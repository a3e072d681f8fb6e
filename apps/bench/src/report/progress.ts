import cliProgress from 'cli-progress';

/** Progress of a benchmark, one step per run; on stderr so that stdout keeps only the report. */
export interface Progress {
  /** One more run done; `step` says what is running now. */
  tick(step: string): void;
  /** Sets what is running now without counting a run. */
  status(step: string): void;
  stop(): void;
}

/**
 * A cli-progress bar on stderr. When stderr is not a terminal (CI, a pipe) it
 * prints the bar as a plain line every few seconds instead of redrawing it;
 * `enabled: false` prints nothing.
 */
export function createProgress(total: number, enabled: boolean): Progress {
  if (!enabled) {
    return { tick: () => undefined, status: () => undefined, stop: () => undefined };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: ' {bar} {percentage}% | {value}/{total} runs | {duration_formatted} | {step}',
      hideCursor: true,
      clearOnComplete: true,
      noTTYOutput: true,
      notTTYSchedule: 5_000,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { step: 'starting' });
  return {
    tick(step: string): void {
      bar.increment(1, { step });
    },
    status(step: string): void {
      bar.update({ step });
    },
    stop(): void {
      bar.stop();
    },
  };
}
