#!/usr/bin/env node
// PageQueue.compress (async waits) and compressSync (blocking waits) against
// inline compressInto, interleaved rounds, speed-up over inline; A/B of
// batched requests (--pages-per-request, default PageQueue's) against one
// page per request, in the same run; with --baseline, also against another
// build of this package (a copy of dist/ from before a change, in a folder
// whose parent has a node_modules that resolves @twq/core, e.g. a link to
// this package's), with its own defaults;
// with --sweep, also against queues of other batch and slot counts
// (pages x slots per thread, comma-separated).
//
//   node bench/page-queue-wait-bench.mjs [--mib 32] [--rounds 5] [--threads 2] [--slots N] [--kind seed|text]
//     [--pages-per-request N] [--baseline /tmp/old/dist] [--sweep 16x16,16x64,64x8]
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createQueue } from '@twq/node';
import { createPageQueue, nodePageCodec } from '../dist/node.js';

const { values } = parseArgs({
  options: {
    mib: { type: 'string', default: '32' },
    rounds: { type: 'string', default: '5' },
    threads: { type: 'string', default: '2' },
    kind: { type: 'string', default: 'seed' },
    // Default: PageQueue's own defaults.
    slots: { type: 'string' },
    'pages-per-request': { type: 'string' },
    baseline: { type: 'string' },
    sweep: { type: 'string' },
  },
});
const PAGE = 4096;
const BYTES = Number(values.mib) * 1024 * 1024;
const ROUNDS = Number(values.rounds);
const THREADS = Number(values.threads);
const data = new Uint8Array(BYTES);
if (values.kind === 'seed') {
  // The seed's page: zeros with one byte set.
  for (let at = 0; at < BYTES; at += PAGE) data[at] = 0x10;
} else {
  const require = createRequire(import.meta.url);
  const source = readFileSync(require.resolve('typescript/lib/typescript.js'));
  for (let at = 0, i = 0; at < BYTES; at += PAGE, i++) {
    const from = ((i * 7919) % 4000) * PAGE;
    data.set(source.subarray(from, from + PAGE), at);
  }
}
const scratch = new Uint8Array(PAGE + (PAGE >>> 3) + 64);
const inline = () => {
  for (let at = 0; at < BYTES; at += PAGE) nodePageCodec.compressInto(data.subarray(at, at + PAGE), 'deflate-raw', 1, scratch);
};
const common = { pageSize: PAGE, level: 1, threads: THREADS };
if (values.slots !== undefined) common.slotsPerThread = Number(values.slots);
const ppr = values['pages-per-request'];
const batched = await createPageQueue(createQueue, ppr === undefined ? common : { ...common, pagesPerRequest: Number(ppr) });
const single = await createPageQueue(createQueue, { ...common, pagesPerRequest: 1 });
const queues = { batched, single };
if (values.baseline !== undefined) {
  const old = await import(pathToFileURL(resolve(values.baseline, 'node.js')).href);
  const { pageSize, level, threads } = common;
  queues.baseline = await old.createPageQueue(createQueue, { pageSize, level, threads });
}
for (const config of values.sweep?.split(',') ?? []) {
  const [pagesPerRequest, slotsPerThread] = config.split('x').map(Number);
  queues[`${pagesPerRequest}x${slotsPerThread}`] = await createPageQueue(createQueue, { ...common, pagesPerRequest, slotsPerThread });
}
for (const q of Object.values(queues)) {
  await q.compress(data.subarray(0, 4 * 1024 * 1024));
  q.compressSync(data.subarray(0, 4 * 1024 * 1024));
}
inline();
const time = async (fn) => {
  const started = performance.now();
  await fn();
  return performance.now() - started;
};
const rows = {};
for (const name of Object.keys(queues)) {
  rows[`${name} async`] = [];
  rows[`${name} sync`] = [];
}
for (let r = 0; r < ROUNDS; r++) {
  const base = await time(inline);
  // Rotate which queue goes first, so none always runs right after the inline pass.
  const names = Object.keys(queues);
  const order = names.map((_, k) => names[(k + r) % names.length]);
  for (const name of order) {
    const q = queues[name];
    rows[`${name} async`].push(base / (await time(() => q.compress(data))));
    rows[`${name} sync`].push(base / (await time(() => q.compressSync(data))));
  }
}
for (const q of Object.values(queues)) await q.destroy();
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const fmt = (xs) => {
  const s = sorted(xs);
  return `${s[s.length >> 1].toFixed(2)}x [${s[0].toFixed(2)}-${s[s.length - 1].toFixed(2)}]`;
};
console.log(
  `${values.kind} pages, ${values.mib} MiB, ${THREADS} workers, slots ${values.slots ?? 'default'}, ${ROUNDS} interleaved rounds, load ${loadavg().map((v) => v.toFixed(2)).join(' ')}`,
);
console.log(`batched: ${batched.pagesPerRequest} pages per request; single: 1${values.baseline === undefined ? '' : `; baseline: ${values.baseline}, its defaults`}`);
for (const [name, xs] of Object.entries(rows)) console.log(`${name.padEnd(16)} ${fmt(xs)} inline`);
