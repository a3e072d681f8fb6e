// Micro-benchmarks of @twq/bitmap (built output). Single thread, uncontended:
// the cost of the operations themselves, not of cache-line traffic.
//
//   pnpm --filter @twq/bitmap build && pnpm --filter @twq/bitmap bench
//
// Each figure is the median of RUNS timed runs after WARMUP untimed ones.
import { performance } from 'node:perf_hooks';
import console from 'node:console';
import os from 'node:os';
import process from 'node:process';
import { AtomicBitmap } from '../dist/index.js';

const WARMUP = 3;
const RUNS = 9;
const SIZE = 1024;

let sink = 0;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

/** ns per operation: `fn()` performs `ops` operations. */
function measure(ops, fn) {
  for (let i = 0; i < WARMUP; i++) fn();
  const samples = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    fn();
    samples.push(((performance.now() - t0) * 1e6) / ops);
  }
  return median(samples);
}

const bm = AtomicBitmap.allocate(SIZE);
const N = 2_000_000;

const rows = [];
rows.push([
  'flip (Atomics.xor)',
  measure(N, () => {
    let s = 0;
    for (let i = 0; i < N; i++) if (bm.flip(i & (SIZE - 1))) s++;
    sink += s;
  }),
]);
rows.push([
  'set + clear (Atomics.or, Atomics.and), per op',
  measure(2 * N, () => {
    let s = 0;
    for (let i = 0; i < N; i++) {
      if (bm.set(i & (SIZE - 1))) s++;
      if (bm.clear(i & (SIZE - 1))) s++;
    }
    sink += s;
  }),
]);
rows.push([
  'test (Atomics.load)',
  measure(N, () => {
    let s = 0;
    for (let i = 0; i < N; i++) if (bm.test(i & (SIZE - 1))) s++;
    sink += s;
  }),
]);

// Sparse: 8 bits set in 1024 (a mostly idle worker's slots).
bm.clearAllUnsynchronized();
let seed = 12345;
const sparse = new Set();
while (sparse.size < 8) {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  sparse.add(seed % SIZE);
}
for (const i of sparse) bm.set(i);

const WALKS = 200_000;
const walk = () => {
  let s = 0;
  for (let w = 0; w < WALKS; w++) {
    for (let i = bm.findNextSet(0); i !== -1; i = i + 1 < SIZE ? bm.findNextSet(i + 1) : -1) s += i;
  }
  sink += s;
};
const perWalk = measure(WALKS, walk);
rows.push(['findNextSet walk over 1024 bits, 8 set (9 calls)', perWalk]);
rows.push(['  per findNextSet call', perWalk / (sparse.size + 1)]);
rows.push([
  'findNextSet(0) on an empty 1024-bit map (full scan)',
  (() => {
    const empty = AtomicBitmap.allocate(SIZE);
    return measure(WALKS, () => {
      let s = 0;
      for (let w = 0; w < WALKS; w++) s += empty.findNextSet(0);
      sink += s;
    });
  })(),
]);
const NAIVE_WALKS = 20_000;
rows.push([
  'reference: per-bit test() walk over the same 1024 bits',
  measure(NAIVE_WALKS, () => {
    let s = 0;
    for (let w = 0; w < NAIVE_WALKS; w++) for (let i = 0; i < SIZE; i++) if (bm.test(i)) s += i;
    sink += s;
  }),
]);
rows.push([
  'popcount of 1024 bits',
  measure(WALKS, () => {
    let s = 0;
    for (let w = 0; w < WALKS; w++) s += bm.popcount();
    sink += s;
  }),
]);

const label = Math.max(...rows.map(([name]) => name.length));
console.log(`@twq/bitmap micro-benchmarks: Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'})`);
console.log(`median of ${RUNS} runs after ${WARMUP} warm-ups\n`);
for (const [name, ns] of rows) console.log(`${name.padEnd(label)}  ${ns.toFixed(2).padStart(8)} ns`);
if (sink === 0.5) console.log(sink); // keeps the loops' results alive
