// The soak: drives @twq/node for a given time with random request sizes,
// random handler durations (zero included), a random mix of get / submit /
// wait / drain, end-to-end checksums and, with --faults, injected faults
// (handlers that throw, workers that exit, workers that run out of memory).
// Every request must end in the done callback, correct or reported failed;
// none lost, no wait hung, and the resident memory must stay bounded.
//
//   node soak/soak.mjs [--seconds 10] [--faults] [--threads 2] [--json out.json]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { HANDLER_FAILED, WORKER_DIED } from '@twq/core';
import { createQueue } from '../dist/index.js';
import { FAULT_EXIT, FAULT_NONE, FAULT_OOM, FAULT_THROW, PAYLOAD_BYTES, checksum } from './soak-ops.mjs';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    faults: { type: 'boolean', default: false },
    threads: { type: 'string', default: '2' },
    slots: { type: 'string', default: '8' },
    seed: { type: 'string', default: String(Date.now() % 1e9) },
    json: { type: 'string' },
    'rss-bound-mb': { type: 'string', default: '96' },
    // Fault rates, per second of soak.
    'throw-rate': { type: 'string', default: '25' },
    'exit-rate': { type: 'string', default: '1' },
    'oom-rate': { type: 'string', default: '0.2' },
  },
});
const seconds = Number(values.seconds);
const rssBoundMb = Number(values['rss-bound-mb']);
/** A wait longer than this is a hang. */
const HANG_MS = 30_000;

// A small seeded generator (mulberry32): a failing soak can be re-run exactly.
let state = Number(values.seed) >>> 0;
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const expected = new Map(); // seq -> { sum, t0, fault }
const latencies = new Float64Array(1 << 20);
let latencyCount = 0;
const counts = { submitted: 0, ok: 0, failedInjected: 0, failedWorkerDied: 0, failedOther: 0, badChecksum: 0, hangs: 0, faultNotReported: 0 };
const injected = { throw: 0, exit: 0, oom: 0 };
const deaths = { reported: 0 };

function onDone(request, error) {
  const entry = expected.get(request.seq);
  if (entry === undefined) {
    counts.failedOther++;
    console.error(`done callback for unknown request ${request.seq}`);
    return;
  }
  expected.delete(request.seq);
  if (latencyCount < latencies.length) latencies[latencyCount++] = performance.now() - entry.t0;
  if (error === undefined) {
    // A request that was told to fail must not come back as a success.
    if (entry.fault !== FAULT_NONE) counts.faultNotReported++;
    else if (request.sum === entry.sum) counts.ok++;
    else counts.badChecksum++;
  } else if (error.code === HANDLER_FAILED && entry.fault === FAULT_THROW) {
    counts.failedInjected++;
  } else if (error.code === WORKER_DIED) {
    counts.failedWorkerDied++;
  } else {
    counts.failedOther++;
    console.error(`request ${request.seq} failed unexpectedly: ${error.name}: ${error.message}`);
  }
}

const queue = await createQueue(new URL('./soak-ops.mjs', import.meta.url), {
  threads: Number(values.threads),
  slotsPerThread: Number(values.slots),
  name: 'soak',
  resourceLimits: { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 8 },
  onDone,
  onWorkerExit: () => {
    deaths.reported++;
  },
});

let seq = 0;
const rates = values.faults
  ? { throw: Number(values['throw-rate']), exit: Number(values['exit-rate']), oom: Number(values['oom-rate']) }
  : { throw: 0, exit: 0, oom: 0 };
const start = performance.now();
const next = { throw: start, exit: start, oom: start };
// Exponential gaps: faults arrive at random, at the given mean rate. Each gap
// counts from the previous fault's due time, so faults due while the submitter
// waited (a worker being replaced) are injected in the next requests.
const schedule = (kind) => {
  next[kind] += (-Math.log(1 - random()) / rates[kind]) * 1000;
};
for (const kind of Object.keys(next)) {
  if (rates[kind] > 0) schedule(kind);
  else next[kind] = Infinity;
}

function pickFault(now) {
  if (now >= next.oom) return (schedule('oom'), injected.oom++, FAULT_OOM);
  if (now >= next.exit) return (schedule('exit'), injected.exit++, FAULT_EXIT);
  if (now >= next.throw) return (schedule('throw'), injected.throw++, FAULT_THROW);
  return FAULT_NONE;
}

function fill(request) {
  const size = Math.floor(random() * (PAYLOAD_BYTES + 1));
  const p = request.payload;
  let x = (random() * 4294967296) | 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    p[i] = x;
  }
  const now = performance.now();
  const fault = pickFault(now);
  request.seq = seq;
  request.size = size;
  request.delayUs = random() < 0.5 ? 0 : Math.floor(random() * 200);
  request.fault = fault;
  request.sum = 0;
  expected.set(seq, { sum: checksum(p, size), t0: now, fault });
  seq++;
  counts.submitted++;
  queue.submit(request);
}

async function guarded(what, run) {
  try {
    await run();
  } catch (e) {
    if (e?.code === 'ERR_TWQ_TIMEOUT') {
      counts.hangs++;
      console.error(`hang: ${what} did not finish in ${HANG_MS} ms`);
    } else {
      throw e;
    }
  }
}

const rssStart = process.memoryUsage.rss();
const deadline = start + seconds * 1000;
let lastReport = start;
while (performance.now() < deadline) {
  const r = random();
  if (r < 0.55) {
    const request = queue.getRequest();
    if (request !== null) fill(request);
  } else if (r < 0.9) {
    await guarded('getRequestBlocking', () => fill(queue.getRequestBlocking(HANG_MS)));
  } else if (r < 0.97) {
    await guarded('getRequestAsync', async () => fill(await queue.getRequestAsync({ timeoutMs: HANG_MS })));
  } else if (r < 0.985) {
    await guarded('waitAll', () => queue.waitAll(HANG_MS));
  } else {
    await guarded('drain', () => queue.drain({ timeoutMs: HANG_MS }));
  }
  const now = performance.now();
  if (now - lastReport > 2000) {
    lastReport = now;
    process.stderr.write(`  ${((now - start) / 1000).toFixed(0)} s: ${counts.submitted} submitted, ${deaths.reported} deaths\n`);
  }
}
await guarded('final drain', () => queue.drain({ timeoutMs: HANG_MS }));
const elapsed = (performance.now() - start) / 1000;
const stats = queue.stats();
await queue.destroy();
const rssEnd = process.memoryUsage.rss();

const sorted = latencies.subarray(0, latencyCount).sort();
const pct = (p) => (latencyCount === 0 ? 0 : sorted[Math.min(latencyCount - 1, Math.floor(p * latencyCount))]);
const accounted =
  counts.ok + counts.failedInjected + counts.failedWorkerDied + counts.failedOther + counts.badChecksum + counts.faultNotReported;
const lost = counts.submitted - accounted;
const faultsInjected = injected.throw + injected.exit + injected.oom;
const rssGrowthMb = (rssEnd - rssStart) / 2 ** 20;
const report = {
  seconds: elapsed,
  seed: values.seed,
  threads: Number(values.threads),
  requestsPerSecond: counts.submitted / elapsed,
  latencyMs: { p50: pct(0.5), p99: pct(0.99), max: latencyCount === 0 ? 0 : sorted[latencyCount - 1] },
  ...counts,
  faultsInjected,
  injected,
  workerDeathsReported: deaths.reported,
  generations: stats.workers.map((w) => w.generation),
  lost,
  rssStartMb: rssStart / 2 ** 20,
  rssEndMb: rssEnd / 2 ** 20,
  rssGrowthMb,
  rssBoundMb,
};
console.log(JSON.stringify(report, null, 2));
if (values.json) writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
const problems = [];
if (lost !== 0) problems.push(`${lost} requests lost`);
if (counts.hangs !== 0) problems.push(`${counts.hangs} hangs`);
if (counts.badChecksum !== 0) problems.push(`${counts.badChecksum} wrong checksums`);
if (counts.failedOther !== 0) problems.push(`${counts.failedOther} unexpected failures`);
if (counts.faultNotReported !== 0) problems.push(`${counts.faultNotReported} injected faults came back as successes`);
if (rssGrowthMb > rssBoundMb) problems.push(`resident memory grew ${rssGrowthMb.toFixed(1)} MiB (bound ${rssBoundMb})`);
if (problems.length > 0) {
  console.error(`SOAK FAILED: ${problems.join('; ')}`);
  process.exitCode = 1;
} else {
  console.error(
    `soak ok: ${counts.submitted} requests in ${elapsed.toFixed(1)} s, ${faultsInjected} faults injected and survived, 0 lost, 0 hangs`,
  );
}
