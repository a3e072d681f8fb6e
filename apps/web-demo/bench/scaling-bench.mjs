#!/usr/bin/env node
// The ceiling of N workers on this machine: the demo's 32 MiB sample
// compressed by ONE module worker, then split in N halves compressed by N
// workers at once (no queue, no reordering, no copies: each worker makes
// its own copy of the sample before the clock starts). Per codec: one
// native CompressionStream('gzip') per worker, libdeflate -6 in 1 MiB
// blocks, and pako -6 in 128 KiB blocks with pigz's dictionary. The speed-up of N independent workers over one is the most any
// parallel encoder can get here; interleaved rounds, median [spread].
//
//   node apps/web-demo/bench/scaling-bench.mjs [--rounds N] [--workers N]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'vite';
import { serveFiles } from './in-memory-server.mjs';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, workers: { type: 'string', default: '2' } } });
const here = dirname(fileURLToPath(import.meta.url));
// libdeflate is @twq/compress's dependency, not the demo's: resolved from there.
const fromCompress = createRequire(join(here, '../../../packages/compress/package.json'));
const libdeflate = fromCompress.resolve('libdeflate');
const pako = fromCompress.resolve('pako').replace(/pako\.cjs\.js$/, 'pako.mjs');
const lib = await build({
  logLevel: 'silent',
  configFile: false,
  root: join(here, '..'),
  resolve: { alias: { libdeflate, pako } },
  build: { write: false, lib: { entry: join(here, 'scaling-bench-lib.js'), formats: ['es'], fileName: 'lib' } },
});
const files = {
  '/': ['text/html', '<!doctype html><p>scaling bench</p>'],
  '/lib.js': ['text/javascript', lib[0].output[0].code],
  '/worker.js': ['text/javascript', readFileSync(join(here, 'scaling-bench-worker.js'), 'utf8')],
};
const server = await serveFiles(files);
const { launchChromium } = await import('@twq/test-support/chromium');
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.goto(server.url);
  const r = await page.evaluate(
    async ([rounds, n]) => {
      const MIB = 32;
      const total = MIB << 20;
      const workers = Array.from({ length: n }, () => new Worker('/worker.js', { type: 'module' }));
      const ask = (w, msg) =>
        new Promise((resolve) => {
          w.onmessage = (e) => resolve(e.data);
          w.postMessage(msg);
        });
      // Warm-up: every worker makes its sample and compiles every codec.
      await Promise.all(workers.map((w) => ask(w, { run: 'libdeflate', mib: MIB, from: 0, to: 1 << 20 })));
      await Promise.all(workers.map((w) => ask(w, { run: 'native', mib: MIB, from: 0, to: 1 << 20 })));
      await Promise.all(workers.map((w) => ask(w, { run: 'pako', mib: MIB, from: 0, to: 1 << 20 })));
      const out = {};
      for (let round = 0; round < rounds; round++) {
        for (const run of ['native', 'libdeflate', 'pako']) {
          const one = await ask(workers[0], { run, mib: MIB, from: 0, to: total });
          const t = performance.now();
          const parts = await Promise.all(workers.map((w, i) => ask(w, { run, mib: MIB, from: Math.floor((i * total) / n), to: Math.floor(((i + 1) * total) / n) })));
          const wall = performance.now() - t;
          (out[run] ??= { one: [], many: [], bytesOne: one.bytes, bytesMany: 0 }).one.push(one.ms);
          out[run].many.push(wall);
          out[run].bytesMany = parts.reduce((s, p) => s + p.bytes, 0);
        }
      }
      for (const w of workers) w.terminate();
      return out;
    },
    [Number(values.rounds), Number(values.workers)],
  );
  const fmt = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return `${s[s.length >> 1].toFixed(2)} [${s[0].toFixed(2)}-${s[s.length - 1].toFixed(2)}]`;
  };
  const n = values.workers;
  console.log(`# the ceiling: 32 MiB of the demo's sample, one worker against ${n} independent workers, ${values.rounds} interleaved rounds`);
  console.log(`Chromium ${browser.version()}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')} (the machine is shared)`);
  console.log('');
  console.log(`| codec | one worker, ms | ${n} workers, ms (wall) | speed-up (median of rounds) | MB/s, one / ${n} |`);
  console.log('| --- | --- | --- | --- | --- |');
  const base = r.native.one;
  for (const [run, x] of Object.entries(r)) {
    const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    console.log(`| ${run} | ${fmt(x.one)} | ${fmt(x.many)} | ${fmt(x.one.map((o, i) => o / x.many[i]))}× | ${(33.554432 / (med(x.one) / 1000)).toFixed(1)} / ${(33.554432 / (med(x.many) / 1000)).toFixed(1)} |`);
  }
  console.log('');
  console.log(`${n} libdeflate workers over one native stream (per round): ${fmt(base.map((b, i) => b / r.libdeflate.many[i]))}×`);
  console.log(`${n} libdeflate workers over ${n} pako workers (per round): ${fmt(r.pako.many.map((p, i) => p / r.libdeflate.many[i]))}×`);
  console.log(`one libdeflate worker over one pako worker (per round): ${fmt(r.pako.one.map((p, i) => p / r.libdeflate.one[i]))}×`);
} finally {
  await browser.close();
  server.close();
}
