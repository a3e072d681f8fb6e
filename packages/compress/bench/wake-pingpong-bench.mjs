#!/usr/bin/env node
// How long a wake-up takes on this machine: the main thread hands a worker
// thread a token (Atomics.notify) and waits for it back, with Atomics.wait
// (blocking) or Atomics.waitAsync + await (the async waits' primitive), in
// alternating batches. Round-trip latency percentiles (2000 round trips) and
// CPU per round trip (process.cpuUsage over 5000).
//
//   node bench/wake-pingpong-bench.mjs
import { Worker } from 'node:worker_threads';
import { loadavg } from 'node:os';

const a = new Int32Array(new SharedArrayBuffer(8));
const PING = 0;
const PONG = 1;
const worker = new Worker(
  `const { workerData } = require('node:worker_threads');
  const a = new Int32Array(workerData);
  for (;;) {
    Atomics.wait(a, 0, 0);
    if (Atomics.load(a, 0) === 2) break;
    Atomics.store(a, 0, 0);
    Atomics.store(a, 1, 1);
    Atomics.notify(a, 1);
  }`,
  { eval: true, workerData: a.buffer },
);

async function roundTrip(mode) {
  Atomics.store(a, PONG, 0);
  Atomics.store(a, PING, 1);
  Atomics.notify(a, PING);
  if (mode === 'Atomics.wait') {
    Atomics.wait(a, PONG, 0, 1000);
    return;
  }
  const r = Atomics.waitAsync(a, PONG, 0, mode === 'waitAsync, no timeout' ? Infinity : 50);
  if (r.async) await r.value;
}

const MODES = ['Atomics.wait', 'waitAsync, 50 ms timeout', 'waitAsync, no timeout'];
await new Promise((resolve) => setTimeout(resolve, 100));
console.log(`load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log('| wait | p50 µs | p90 µs | p99 µs | CPU µs a round trip |');
console.log('| --- | --- | --- | --- | --- |');
for (let batch = 0; batch < 2; batch++) {
  for (const mode of MODES) {
    const latency = [];
    for (let i = 0; i < 2000; i++) {
      const started = performance.now();
      await roundTrip(mode);
      latency.push((performance.now() - started) * 1000);
    }
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < 5000; i++) await roundTrip(mode);
    const cpu = process.cpuUsage(cpu0);
    latency.sort((x, y) => x - y);
    const at = (q) => latency[Math.floor(latency.length * q)].toFixed(0);
    console.log(`| ${mode} | ${at(0.5)} | ${at(0.9)} | ${at(0.99)} | ${((cpu.user + cpu.system) / 5000).toFixed(1)} |`);
  }
}
Atomics.store(a, PING, 2);
Atomics.notify(a, PING);
await worker.terminate();
