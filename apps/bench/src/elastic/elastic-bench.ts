#!/usr/bin/env node
/**
 * Elastic threads (issue 13): a burst-idle-burst trace. A queue of
 * minThreads..maxThreads workers gets a burst of requests (busy work), then
 * nothing for a while, then a second burst. Prints the live thread count
 * (stats().liveThreads) over time, sampled every 25 ms, and checks that every
 * request came back exactly once with its result. Beside it, the same trace on
 * a fixed queue of maxThreads workers (the named peer): each burst's makespan,
 * elastic / fixed, median of interleaved rounds, which prices the growth.
 *
 *   node dist/elastic/elastic-bench.js [rounds=5] [requests=4000] [micros=500] [maxThreads=4]
 */
import { availableParallelism } from 'node:os';
import { createQueue, type Ops, type RemoteError, type Request, type Workqueue } from '@twq/node';
import { median, spread } from '../measure/stats.js';
import { expectedOf } from './elastic-ops.js';

type Spec = { seq: 'u32'; micros: 'f64'; out: 'u32' };
const MIN_THREADS = 1;
const IDLE_TIMEOUT_MS = 300;
const SLOTS = 16;
const SAMPLE_MS = 25;
/** The idle period: long enough for every worker beyond minThreads to retire, bounded. */
const IDLE_LIMIT_MS = 10_000;

interface Sample {
  readonly ms: number;
  readonly phase: string;
  readonly live: number;
}

interface Outcome {
  readonly burstMs: [number, number];
  readonly samples: Sample[];
  readonly idleShrinkMs: number;
  readonly stats: ReturnType<Workqueue<Spec>['stats']>;
}

async function runTrace(elastic: boolean, requests: number, micros: number, maxThreads: number): Promise<Outcome> {
  const seen = new Uint8Array(2 * requests);
  let problems = 0;
  const q = await createQueue<Ops<Spec>>(new URL('./elastic-ops.js', import.meta.url), {
    ...(elastic ? { minThreads: MIN_THREADS, maxThreads, idleTimeoutMs: IDLE_TIMEOUT_MS } : { threads: maxThreads }),
    slotsPerThread: SLOTS,
    onDone(r: Request<Spec>, error: RemoteError | undefined) {
      if (error !== undefined || r.out !== expectedOf(r.seq) || seen[r.seq] !== 0) problems++;
      seen[r.seq] = 1;
    },
  });
  const t0 = performance.now();
  const samples: Sample[] = [];
  let phase = 'burst 1';
  const timer = setInterval(() => {
    samples.push({ ms: performance.now() - t0, phase, live: q.stats().liveThreads });
  }, SAMPLE_MS);
  const burstMs: [number, number] = [0, 0];
  let seq = 0;
  const burst = async (k: 0 | 1): Promise<void> => {
    const start = performance.now();
    for (let i = 0; i < requests; i++) {
      const r = await q.getRequestAsync({ timeoutMs: 60_000 });
      r.seq = seq++;
      r.micros = micros;
      r.out = 0;
      q.submit(r);
    }
    await q.drain({ timeoutMs: 60_000 });
    burstMs[k] = performance.now() - start;
  };
  await burst(0);
  phase = 'idle';
  const idleStart = performance.now();
  if (elastic) {
    while (q.stats().liveThreads > MIN_THREADS && performance.now() - idleStart < IDLE_LIMIT_MS) await sleep(SAMPLE_MS);
  } else {
    await sleep(2 * IDLE_TIMEOUT_MS);
  }
  const idleShrinkMs = performance.now() - idleStart;
  // A quiet stretch at the bottom, so that the timeline shows it.
  await sleep(4 * SAMPLE_MS);
  phase = 'burst 2';
  await burst(1);
  phase = 'after';
  await sleep(2 * SAMPLE_MS);
  clearInterval(timer);
  const stats = q.stats();
  await q.destroy();
  const lost = seen.reduce((n, v) => n + (v === 0 ? 1 : 0), 0);
  if (lost !== 0 || problems !== 0) throw new Error(`${elastic ? 'elastic' : 'fixed'} trace: ${lost} requests never reported, ${problems} reported twice, failed or wrong`);
  if (stats.completed !== 2 * requests) throw new Error(`completed ${stats.completed} of ${2 * requests}`);
  return { burstMs, samples, idleShrinkMs, stats };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The timeline, one line per change of the live count (and per phase change). */
function timeline(samples: readonly Sample[]): string[] {
  const lines: string[] = [];
  let last = '';
  for (const s of samples) {
    const key = `${s.phase}:${s.live}`;
    if (key === last) continue;
    last = key;
    lines.push(`  ${s.ms.toFixed(0).padStart(6)} ms  ${s.phase.padEnd(8)} live ${s.live}  ${'#'.repeat(s.live)}`);
  }
  return lines;
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? '5');
  const requests = Number(process.argv[3] ?? '4000');
  const micros = Number(process.argv[4] ?? '500');
  const maxThreads = Number(process.argv[5] ?? '4');
  console.log(`elastic threads: minThreads ${MIN_THREADS}, maxThreads ${maxThreads}, idleTimeoutMs ${IDLE_TIMEOUT_MS}, ${SLOTS} slots per thread; ` +
    `2 bursts of ${requests} requests of ${micros} us busy work; ${rounds} interleaved rounds beside a fixed queue of ${maxThreads} threads (${availableParallelism()} cores)`);
  const ratio: [number[], number[]] = [[], []];
  const shrink: number[] = [];
  let first: Outcome | undefined;
  for (let round = 0; round < rounds; round++) {
    // Interleaved, and the order alternates: neither system always runs on a machine the other warmed.
    const order = round % 2 === 0 ? [true, false] : [false, true];
    const out: Partial<Record<'elastic' | 'fixed', Outcome>> = {};
    for (const elastic of order) out[elastic ? 'elastic' : 'fixed'] = await runTrace(elastic, requests, micros, maxThreads);
    const e = out.elastic as Outcome;
    const f = out.fixed as Outcome;
    first ??= e;
    for (const k of [0, 1] as const) ratio[k].push(e.burstMs[k] / f.burstMs[k]);
    shrink.push(e.idleShrinkMs);
    const s = e.stats;
    if (s.peakThreads !== maxThreads) throw new Error(`round ${round}: the elastic queue peaked at ${s.peakThreads} threads, not maxThreads ${maxThreads}`);
    if (s.threadsRetired < maxThreads - MIN_THREADS) throw new Error(`round ${round}: ${s.threadsRetired} retirements, fewer than maxThreads - minThreads`);
    console.log(`round ${round + 1}: burst 1 ${e.burstMs[0].toFixed(0)} ms elastic / ${f.burstMs[0].toFixed(0)} ms fixed, burst 2 ${e.burstMs[1].toFixed(0)} / ${f.burstMs[1].toFixed(0)} ms; ` +
      `shrank to ${MIN_THREADS} in ${e.idleShrinkMs.toFixed(0)} ms; started ${s.threadsStarted}, retired ${s.threadsRetired}, peak ${s.peakThreads}; every request once: yes`);
  }
  console.log('live threads over time (first elastic round; one line per change):');
  for (const line of timeline((first as Outcome).samples)) console.log(line);
  console.log(`burst 1 makespan, elastic / fixed ${maxThreads}: ${median(ratio[0]).toFixed(2)}x (spread ${(spread(ratio[0]) * 100).toFixed(0)}%)`);
  console.log(`burst 2 makespan, elastic / fixed ${maxThreads}: ${median(ratio[1]).toFixed(2)}x (spread ${(spread(ratio[1]) * 100).toFixed(0)}%)`);
  console.log(`idle until back at minThreads: ${median(shrink).toFixed(0)} ms (idleTimeoutMs ${IDLE_TIMEOUT_MS}; spread ${(spread(shrink) * 100).toFixed(0)}%)`);
}

await main();
