/**
 * How many executions each configuration may run. CI runs the full budget
 * (at least 10^5 executions in all); TWQ_MODEL_CHECK_SCALE scales it (0.1 for a
 * quick local run, 10 for a long one).
 */
export const SCALE = Number(process.env.TWQ_MODEL_CHECK_SCALE ?? '1');

export function budget(executions: number): number {
  return Math.max(50, Math.round(executions * SCALE));
}

/** Preemptions allowed per execution: within it, every interleaving is run. */
export const PREEMPTION_BOUND = 2;
