#!/usr/bin/env node
/**
 * Uneven work (issue 13): twq with claims and stealing, beside today's
 * placement (steal: false) and piscina, on the same jobs; 2 workers. Makespan
 * as a ratio to the ideal, and the p99 submit-to-finish latency of the fast
 * requests. Interleaved rounds; each figure is the median with its spread.
 *
 *   node dist/claims/uneven-bench.js [rounds=5]
 */
import { createQueue, type Ops } from '@twq/node';
import { Piscina } from 'piscina';
import { median, spread } from '../measure/stats.js';
import { wallClockMs } from './busy-work.js';
import { FAST_MICROS, idealMs, scatteredStream, slowFirstBatches, type UnevenTrace } from './uneven-traces.js';

type Spec = { micros: 'f64'; finishedAt: 'f64' };
const OPS = new URL('./uneven-ops.js', import.meta.url);
const TASK = new URL('./uneven-task.js', import.meta.url);
const WORKERS = 2;

interface Run {
  makespanMs: number;
  /** Submit-to-finish latencies of the fast requests, ms. */
  fastLatencies: Float64Array;
}

interface System {
  readonly name: string;
  run(trace: UnevenTrace): Promise<Run>;
  close(): Promise<void>;
}

async function twqSystem(name: string, options: { steal: boolean; policy: 'batch' | 'round-robin' }): Promise<System> {
  let submittedAt = new Float64Array(0);
  let latencies = new Float64Array(0);
  let fast = 0;
  let trace: UnevenTrace | undefined;
  const seqOf = new Int32Array(WORKERS * 64);
  const q = await createQueue<Ops<Spec>>(OPS, {
    threads: WORKERS,
    ...options,
    onDone(r, error) {
      if (error !== undefined) throw error;
      const seq = seqOf[r.slot];
      if (trace !== undefined && trace.micros[seq] === FAST_MICROS) latencies[fast++] = r.finishedAt - submittedAt[seq];
    },
  });
  return {
    name,
    run(t) {
      trace = t;
      submittedAt = new Float64Array(t.micros.length);
      latencies = new Float64Array(t.micros.length);
      fast = 0;
      const t0 = performance.now();
      let seq = 0;
      for (const barrier of t.barriers) {
        for (; seq < barrier; seq++) {
          const r = q.getRequestBlocking(60_000);
          r.micros = t.micros[seq];
          seqOf[r.slot] = seq;
          submittedAt[seq] = wallClockMs();
          q.submit(r);
        }
        q.waitAll(60_000);
      }
      return Promise.resolve({ makespanMs: performance.now() - t0, fastLatencies: latencies.subarray(0, fast) });
    },
    close: () => q.destroy(),
  };
}

function piscinaSystem(): System {
  const pool = new Piscina({ filename: TASK.href, minThreads: WORKERS, maxThreads: WORKERS, idleTimeout: 60_000 });
  return {
    name: 'piscina',
    async run(t) {
      const latencies: number[] = [];
      const t0 = performance.now();
      let seq = 0;
      for (const barrier of t.barriers) {
        const batch: Promise<void>[] = [];
        for (; seq < barrier; seq++) {
          const micros = t.micros[seq];
          const at = wallClockMs();
          batch.push(
            (pool.run(micros) as Promise<number>).then((finishedAt) => {
              if (micros === FAST_MICROS) latencies.push(finishedAt - at);
            }),
          );
        }
        await Promise.all(batch);
      }
      return { makespanMs: performance.now() - t0, fastLatencies: Float64Array.from(latencies) };
    },
    close: () => pool.destroy(),
  };
}

function p99(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))];
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? '5');
  const traces = [scatteredStream(), slowFirstBatches()];
  const systems: System[] = [
    await twqSystem('twq batch + stealing (default)', { steal: true, policy: 'batch' }),
    await twqSystem('twq round-robin + stealing', { steal: true, policy: 'round-robin' }),
    await twqSystem('twq batch, no stealing (previous default)', { steal: false, policy: 'batch' }),
    await twqSystem('twq round-robin, no stealing', { steal: false, policy: 'round-robin' }),
    piscinaSystem(),
  ];
  const results = new Map<string, { ratio: number[]; p99: number[] }>();
  // Warm-up: one pass of each trace on each system.
  for (const trace of traces) for (const s of systems) await s.run(trace);
  for (let round = 0; round < rounds; round++) {
    for (const trace of traces) {
      const ideal = idealMs(trace, WORKERS);
      for (const s of systems) {
        const r = await s.run(trace);
        const key = `${trace.name}\t${s.name}`;
        const entry = results.get(key) ?? { ratio: [], p99: [] };
        entry.ratio.push(r.makespanMs / ideal);
        entry.p99.push(p99(r.fastLatencies));
        results.set(key, entry);
      }
    }
  }
  for (const s of systems) await s.close();
  console.log(`uneven work, ${WORKERS} workers, ${rounds} interleaved rounds (median, spread = (max-min)/median)`);
  let last = '';
  for (const [key, { ratio, p99: lat }] of results) {
    const [trace, system] = key.split('\t');
    if (trace !== last) {
      console.log(`\n${trace}: ideal ${idealMs(trace === traces[0].name ? traces[0] : traces[1], WORKERS).toFixed(1)} ms`);
      console.log('| system | makespan / ideal | spread | p99 fast latency (ms) | spread |');
      console.log('| --- | ---: | ---: | ---: | ---: |');
      last = trace;
    }
    console.log(`| ${system} | ${median(ratio).toFixed(3)}x | ${(spread(ratio) * 100).toFixed(0)}% | ${median(lat).toFixed(2)} | ${(spread(lat) * 100).toFixed(0)}% |`);
  }
}

await main();
