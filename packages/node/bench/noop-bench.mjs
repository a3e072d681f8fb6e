// No-op throughput: twq (@twq/node, both policies) beside piscina, tinypool and
// workerpool, same thread counts, same run. Usage:
//   node bench/noop-bench.mjs [--threads 1,2] [--requests 2000000] [--peer-tasks 50000] [--runs 5] [--json out.json]
import { availableParallelism, cpus } from 'node:os';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import Piscina from 'piscina';
import Tinypool from 'tinypool';
import workerpool from 'workerpool';
import { createQueue } from '../dist/index.js';

const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: '1,2' },
    requests: { type: 'string', default: '2000000' },
    'peer-tasks': { type: 'string', default: '50000' },
    runs: { type: 'string', default: '5' },
    json: { type: 'string' },
  },
});
const threadCounts = values.threads.split(',').map(Number);
const requests = Number(values.requests);
const peerTasks = Number(values['peer-tasks']);
const runs = Number(values.runs);
const taskFile = new URL('./noop-task.mjs', import.meta.url);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs) => (Math.max(...xs) - Math.min(...xs)) / median(xs);

async function measure(label, runOnce) {
  await runOnce(); // warm-up
  const rates = [];
  for (let i = 0; i < runs; i++) rates.push(await runOnce());
  return { label, rate: median(rates), spread: spread(rates), rates };
}

/**
 * twq settings measured: the library's defaults, and the settings that suit
 * no-op requests (more slots, and spinning even when threads outnumber cores:
 * a no-op worker frees a slot within nanoseconds).
 */
const TWQ_VARIANTS = [
  { label: 'twq defaults', options: {} },
  { label: 'twq batch 256/64', options: { policy: 'batch', slotsPerThread: 256, spinBudget: 64 } },
  { label: 'twq rr 256/64', options: { policy: 'round-robin', slotsPerThread: 256, spinBudget: 64 } },
];

async function twq(threads, variant) {
  let sum = 0;
  let seen = 0;
  const label = variant.label;
  const queue = await createQueue(new URL('./noop-ops.mjs', import.meta.url), {
    threads,
    ...variant.options,
    onDone(request) {
      sum += request.result;
      seen++;
    },
  });
  try {
    return await measure(label, () => {
      sum = 0;
      seen = 0;
      const t0 = performance.now();
      for (let i = 0; i < requests; i++) {
        const request = queue.getRequestBlocking();
        request.value = i & 0xffff;
        queue.submit(request);
      }
      queue.waitAll();
      const ms = performance.now() - t0;
      check(seen, sum, requests, label);
      return (requests / ms) * 1000;
    });
  } finally {
    await queue.destroy();
  }
}

function check(seen, sum, n, who) {
  let expected = 0;
  for (let i = 0; i < n; i++) expected += (i & 0xffff) + 1;
  if (seen !== n || sum !== expected) throw new Error(`${who}: ${seen}/${n} results, checksum ${sum} != ${expected}`);
}

async function peer(label, run, close) {
  try {
    return await measure(label, async () => {
      let sum = 0;
      const window = 1024; // tasks in flight: enough to keep every thread busy
      const t0 = performance.now();
      for (let base = 0; base < peerTasks; base += window) {
        const batch = [];
        for (let i = base; i < Math.min(peerTasks, base + window); i++) batch.push(run(i & 0xffff));
        for (const r of await Promise.all(batch)) sum += r;
      }
      const ms = performance.now() - t0;
      check(peerTasks, sum, peerTasks, label);
      return (peerTasks / ms) * 1000;
    });
  } finally {
    await close();
  }
}

const results = [];
console.log(`# no-op throughput, Node ${process.version}, ${cpus().length} CPUs (${availableParallelism()} available)`);
console.log(`# twq: ${requests} requests a run; peers: ${peerTasks} tasks a run; median of ${runs} runs after a warm-up`);
for (const threads of threadCounts) {
  const rows = [];
  for (const variant of TWQ_VARIANTS) rows.push(await twq(threads, variant));
  const piscina = new Piscina({ filename: taskFile.href, minThreads: threads, maxThreads: threads });
  rows.push(await peer('piscina', (v) => piscina.run(v), () => piscina.destroy()));
  const tinypool = new Tinypool({ filename: taskFile.href, minThreads: threads, maxThreads: threads });
  rows.push(await peer('tinypool', (v) => tinypool.run(v), () => tinypool.destroy()));
  const wp = workerpool.pool(taskFile.pathname, {
    minWorkers: threads,
    maxWorkers: threads,
    workerType: 'thread',
    workerThreadOpts: { env: { ...process.env, TWQ_BENCH_WORKERPOOL: '1' } },
  });
  rows.push(await peer('workerpool', (v) => wp.exec('noop', [v]), () => wp.terminate()));
  const bestPeer = Math.max(...rows.filter((r) => !r.label.startsWith('twq')).map((r) => r.rate));
  console.log(`\nthreads=${threads}`);
  console.log('system            requests/s   spread   x best peer');
  for (const r of rows) {
    console.log(
      `${r.label.padEnd(16)} ${r.rate.toFixed(0).padStart(11)}   ${(r.spread * 100).toFixed(0).padStart(4)}%   ${(r.rate / bestPeer).toFixed(1).padStart(8)}`,
    );
    results.push({ threads, system: r.label, rate: r.rate, spread: r.spread, ratioToBestPeer: r.rate / bestPeer });
  }
}
if (values.json) writeFileSync(values.json, JSON.stringify({ node: process.version, cpus: cpus().length, results }, null, 2));
