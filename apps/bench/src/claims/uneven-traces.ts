import { Prng } from '../data/prng.js';

/** Microseconds of work of the fast requests (both traces). */
export const FAST_MICROS = 20;

/** One trace of the uneven-work benchmark: request lengths, and where the submitter waits for all. */
export interface UnevenTrace {
  readonly name: string;
  /** Microseconds of work per request, in submission order. */
  readonly micros: Float64Array;
  /** Request counts after which the submitter waits for everything (waitAll); the last is the length. */
  readonly barriers: readonly number[];
}

/** (a) a stream of `count` requests, `slowFraction` of them `slowFactor`x slower, scattered at random. */
export function scatteredStream(count = 20_000, slowFraction = 0.01, slowFactor = 100, seed = 13): UnevenTrace {
  const random = new Prng(seed);
  const micros = new Float64Array(count);
  for (let i = 0; i < count; i++) micros[i] = random.next() / 0x1_0000_0000 < slowFraction ? FAST_MICROS * slowFactor : FAST_MICROS;
  return { name: `(a) stream of ${count}, ${slowFraction * 100}% ${slowFactor}x slower, scattered`, micros, barriers: [count] };
}

/** (b) `batches` batches of `size` requests whose first `slowPerBatch` take `slowMicros`; waitAll after each. */
export function slowFirstBatches(batches = 10, size = 256, slowPerBatch = 2, slowMicros = 25_000): UnevenTrace {
  const micros = new Float64Array(batches * size);
  const barriers: number[] = [];
  for (let b = 0; b < batches; b++) {
    for (let i = 0; i < size; i++) micros[b * size + i] = i < slowPerBatch ? slowMicros : FAST_MICROS;
    barriers.push((b + 1) * size);
  }
  return { name: `(b) ${batches} batches of ${size}, the first ${slowPerBatch} take ${slowMicros / 1000} ms, waitAll after each`, micros, barriers };
}

/**
 * The ideal makespan with `workers` threads: per stretch between barriers, the
 * total work divided by the workers, or the longest request if that is longer.
 */
export function idealMs(trace: UnevenTrace, workers: number): number {
  let total = 0;
  let from = 0;
  for (const to of trace.barriers) {
    let sum = 0;
    let longest = 0;
    for (let i = from; i < to; i++) {
      sum += trace.micros[i];
      longest = Math.max(longest, trace.micros[i]);
    }
    total += Math.max(sum / workers, longest);
    from = to;
  }
  return total / 1000;
}
