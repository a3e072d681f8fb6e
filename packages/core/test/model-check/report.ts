import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const REPORT = new URL('../../test-results/model-check.json', import.meta.url);

export interface ConfigReport {
  name: string;
  executions: number;
  steps: number;
  distinctStates: number;
  maxDepth: number;
  exhausted: boolean;
  preemptionBound: number;
  seconds: number;
  /** Replays on fresh code threads after a fault of the harness (0 in a healthy run). */
  harnessRestarts: number;
}

/** Appends one configuration's figures to test-results/model-check.json (for RELIABILITY.md). */
export function record(entry: ConfigReport): void {
  mkdirSync(new URL('.', REPORT), { recursive: true });
  let all: ConfigReport[];
  try {
    all = JSON.parse(readFileSync(REPORT, 'utf8')) as ConfigReport[];
  } catch {
    all = [];
  }
  all = all.filter((e) => e.name !== entry.name);
  all.push(entry);
  writeFileSync(REPORT, `${JSON.stringify(all, null, 2)}\n`);
  console.log(
    `[model-check] ${entry.name}: ${entry.executions} interleavings (${entry.exhausted ? 'all' : 'budget reached'}, preemption bound ${entry.preemptionBound}), ${entry.steps} steps, ${entry.distinctStates} distinct states, ${entry.seconds.toFixed(1)} s, ${entry.harnessRestarts} harness restarts`,
  );
}
