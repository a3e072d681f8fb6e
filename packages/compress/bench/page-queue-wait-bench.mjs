#!/usr/bin/env node
// PageQueue.compress (async waits) against compressSync (blocking waits) and
// inline compressInto, interleaved rounds, speed-up over inline.
//
//   node bench/page-queue-wait-bench.mjs [--mib 32] [--rounds 5] [--threads 2] [--slots 64] [--kind seed|text]
import { readFileSync } from 'node:fs';
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
    slots: { type: 'string', default: '64' },
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
const queue = await createPageQueue(createQueue, { pageSize: PAGE, level: 1, threads: THREADS, slotsPerThread: Number(values.slots) });
await queue.compress(data.subarray(0, 4 * 1024 * 1024));
queue.compressSync(data.subarray(0, 4 * 1024 * 1024));
inline();
const time = async (fn) => {
  const started = performance.now();
  await fn();
  return performance.now() - started;
};
const rows = { async: [], sync: [] };
for (let r = 0; r < ROUNDS; r++) {
  const base = await time(inline);
  rows.async.push(base / (await time(() => queue.compress(data))));
  rows.sync.push(base / (await time(() => queue.compressSync(data))));
}
await queue.destroy();
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const fmt = (xs) => {
  const s = sorted(xs);
  return `${s[s.length >> 1].toFixed(2)}x [${s[0].toFixed(2)}-${s[s.length - 1].toFixed(2)}]`;
};
console.log(`${values.kind} pages, ${values.mib} MiB, ${THREADS} workers, ${values.slots} slots each, ${ROUNDS} interleaved rounds, load ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
console.log(`compress (async)     ${fmt(rows.async)} inline`);
console.log(`compressSync         ${fmt(rows.sync)} inline`);
