#!/usr/bin/env node
// Start latency: createQueue() -> resolved, and createQueue() -> first request
// handled by a worker, for this build (../dist) beside another build of
// @twq/node (--baseline DIR: a copy of an older dist/, with a node_modules
// beside it that resolves @twq/core), in the same run. Usage:
//   node bench/start-latency-bench.mjs [--baseline DIR] [--rounds 9] [--threads 1,2]
//
// Every measurement is a fresh process (a worker pays its module loading in
// every process, the submitter only once): the child imports the build, then
// times createQueue(), one request, and destroy(). Rounds are interleaved
// (each round runs every build once per thread count, in turn), so load
// changes hit them alike; a figure is the median of its rounds with the
// spread [min-max], and new/baseline is the median of the per-round ratios.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const here = fileURLToPath(import.meta.url);
const ops = new URL('./start-ops.mjs', import.meta.url).href;

if (process.argv[2] === '--child') {
  const [, , , dist, threadsArg] = process.argv;
  const { createQueue } = await import(pathToFileURL(resolve(dist, 'index.js')).href);
  const now = () => performance.timeOrigin + performance.now();
  const t0 = now();
  const queue = await createQueue(ops, { threads: Number(threadsArg) });
  const resolvedMs = now() - t0;
  const request = queue.getRequestBlocking();
  queue.submit(request);
  queue.waitAll();
  const handledMs = request.handledAt - t0;
  const onWorker = request.thread !== 0;
  await queue.destroy();
  console.log(JSON.stringify({ resolvedMs, handledMs, onWorker }));
  process.exit(0);
}

const { values } = parseArgs({
  options: {
    baseline: { type: 'string' },
    rounds: { type: 'string', default: '9' },
    threads: { type: 'string', default: '1,2' },
  },
});
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`--rounds must be an integer >= 1, got ${values.rounds}`);
const threadCounts = values.threads.split(',').map(Number);
const builds = [{ label: 'new', dist: fileURLToPath(new URL('../dist/', import.meta.url)) }];
if (values.baseline !== undefined) builds.unshift({ label: 'baseline', dist: resolve(values.baseline) });

function runChild(dist, threads) {
  const r = spawnSync(process.execPath, [here, '--child', dist, String(threads)], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`child (${dist}, ${threads} threads) failed: status ${r.status}\n${r.stderr}`);
  const result = JSON.parse(r.stdout.trim().split('\n').at(-1));
  if (!result.onWorker) throw new Error('the request was handled on the submitter, not a worker');
  return result;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs, digits = 1) => `${median(xs).toFixed(digits)} [${Math.min(...xs).toFixed(digits)}-${Math.max(...xs).toFixed(digits)}]`;

const load0 = loadavg()[0];
const samples = new Map();
for (const b of builds) for (const t of threadCounts) samples.set(`${b.label}/${t}`, { resolvedMs: [], handledMs: [] });
runChild(builds.at(-1).dist, 1); // warm the file cache
for (let round = 0; round < rounds; round++) {
  for (const t of threadCounts) {
    // Alternate which build goes first, so neither always follows the other.
    const order = round % 2 === 0 ? builds : [...builds].reverse();
    for (const b of order) {
      const r = runChild(b.dist, t);
      const s = samples.get(`${b.label}/${t}`);
      s.resolvedMs.push(r.resolvedMs);
      s.handledMs.push(r.handledMs);
    }
  }
}
console.log(`start latency, ${rounds} rounds, median [min-max] ms; load average ${load0.toFixed(2)} -> ${loadavg()[0].toFixed(2)}`);
for (const t of threadCounts) {
  for (const b of builds) {
    const s = samples.get(`${b.label}/${t}`);
    console.log(`  ${b.label.padEnd(8)} threads ${t}: createQueue -> resolved ${fmt(s.resolvedMs)}, -> first request handled ${fmt(s.handledMs)}`);
  }
  if (builds.length === 2) {
    const [base, neu] = builds.map((b) => samples.get(`${b.label}/${t}`));
    const ratios = (key) => neu[key].map((v, i) => v / base[key][i]);
    console.log(`  new/baseline threads ${t}: resolved ${fmt(ratios('resolvedMs'), 2)}, first handled ${fmt(ratios('handledMs'), 2)}`);
  }
}
