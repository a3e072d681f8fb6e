#!/usr/bin/env node
// Per-page cost of each codec, and pages per second through a twq queue.
//
//   node bench/page-codec-bench.mjs [--pages N] [--page-size BYTES] [--threads N]
//
// Part 1: one thread, one page at a time, as a worker's handler runs it:
// node:zlib, fflate, pako (sync, pure JS) and CompressionStream (the
// platform's, asynchronous: a stream per page), for three kinds of 4 KiB
// page: source-code text, the seed's page (zeros with one byte set) and
// random bytes. Median of 5 rounds, microseconds per page.
// Part 2: 64 MiB of text pages compressed (level 1) inline on this thread,
// then through a PageQueue on node:zlib worker threads (async and blocking
// waits), and decompressed.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import * as zlib from 'node:zlib';
import * as fflate from 'fflate';
import * as pako from 'pako';
import { createQueue } from '@twq/node';
import { fflatePageCodec } from '../dist/browser.js';
import { createPageQueue, nodePageCodec } from '../dist/node.js';

const { values } = parseArgs({
  options: {
    pages: { type: 'string', default: '2000' },
    'page-size': { type: 'string', default: '4096' },
    threads: { type: 'string', default: String(Math.max(1, availableParallelism())) },
  },
});
const PAGES = Number(values.pages);
const PAGE = Number(values['page-size']);
const THREADS = Number(values.threads);
const ROUNDS = 5;
const LEVEL = 1;

// Text pages: TypeScript's own compiler source (it is in node_modules already).
const require = createRequire(import.meta.url);
const source = readFileSync(require.resolve('typescript/lib/typescript.js'));
const textPage = (i) => source.subarray(((i * 7919) % 4000) * PAGE, ((i * 7919) % 4000) * PAGE + PAGE);
const seedPage = new Uint8Array(PAGE);
seedPage[0] = 0x10;
const randomPage = new Uint8Array(PAGE);
for (let i = 0; i < PAGE; i++) randomPage[i] = (Math.imul(i, 2654435761) >>> 13) & 0xff;
const kinds = { text: textPage, seed: () => seedPage, random: () => randomPage };

async function viaCompressionStream(page) {
  const stream = new Blob([page]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
async function viaDecompressionStream(page) {
  const stream = new Blob([page]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

// Room for any page's stream: what a slot's output region holds.
const scratch = new Uint8Array(PAGE + (PAGE >>> 3) + 64);

const codecs = {
  'node:zlib': { compress: (p) => zlib.deflateRawSync(p, { level: LEVEL }), decompress: (p) => zlib.inflateRawSync(p) },
  // What the Node entry's workers run: one zlib stream per thread, reset between pages, written into the slot.
  'nodePageCodec.compressInto': {
    compress: (p) => scratch.subarray(0, nodePageCodec.compressInto(p, 'deflate-raw', LEVEL, scratch)),
    decompress: (p) => nodePageCodec.decompress(p, 'deflate-raw', PAGE),
  },
  fflate: { compress: (p) => fflate.deflateSync(p, { level: LEVEL }), decompress: (p) => fflate.inflateSync(p) },
  // What the browser entry's workers run: fflate, inflating into a page-sized buffer (bounded output).
  'fflatePageCodec': { compress: (p) => fflatePageCodec.compress(p, 'deflate-raw', LEVEL), decompress: (p) => fflatePageCodec.decompress(p, 'deflate-raw', PAGE) },
  pako: { compress: (p) => pako.deflateRaw(p, { level: LEVEL }), decompress: (p) => pako.inflateRaw(p) },
  // No level: CompressionStream always uses the platform's default (6).
  CompressionStream: { compress: viaCompressionStream, decompress: viaDecompressionStream, async: true },
};

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function perPage(fn, pageOf, isAsync) {
  const n = isAsync ? Math.min(PAGES, 500) : PAGES;
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const started = performance.now();
    if (isAsync) for (let i = 0; i < n; i++) await fn(pageOf(i));
    else for (let i = 0; i < n; i++) fn(pageOf(i));
    rounds.push(((performance.now() - started) * 1000) / n);
  }
  return median(rounds);
}

console.log(`# per-page cost, ${PAGE}-byte pages, level ${LEVEL} (CompressionStream: its default), µs/page (median of ${ROUNDS})`);
console.log(`Node ${process.version}, ${availableParallelism()} cores`);
console.log('');
console.log('| codec | text: compress | text: decompress | seed page: compress | random: compress | text ratio |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const [name, codec] of Object.entries(codecs)) {
  const compressed = [];
  for (let i = 0; i < 64; i++) compressed.push((await codec.compress(kinds.text(i))).slice());
  const row = [
    await perPage(codec.compress, kinds.text, codec.async),
    await perPage(codec.decompress, (i) => compressed[i % 64], codec.async),
    await perPage(codec.compress, kinds.seed, codec.async),
    await perPage(codec.compress, kinds.random, codec.async),
  ];
  const ratio = (64 * PAGE) / compressed.reduce((a, c) => a + c.length, 0);
  console.log(`| ${name} | ${row.map((v) => v.toFixed(1)).join(' | ')} | ${ratio.toFixed(2)} |`);
}

// Part 2: a buffer of pages, inline and through the queue.
const BUFFER = 64 * 1024 * 1024;
const data = new Uint8Array(BUFFER);
for (let at = 0, i = 0; at < BUFFER; at += PAGE, i++) data.set(textPage(i).subarray(0, Math.min(PAGE, BUFFER - at)), at);
const pages = BUFFER / PAGE;
let started = performance.now();
for (let at = 0; at < BUFFER; at += PAGE) nodePageCodec.compressInto(data.subarray(at, at + PAGE), 'deflate-raw', LEVEL, scratch);
const inline = (performance.now() - started) / 1000;
const queue = await createPageQueue(createQueue, { pageSize: PAGE, level: LEVEL, threads: THREADS, slotsPerThread: 16 });
await queue.compress(data.subarray(0, 4 * 1024 * 1024)); // warm-up
started = performance.now();
const packed = await queue.compress(data);
const threaded = (performance.now() - started) / 1000;
started = performance.now();
await queue.decompress(packed);
const unpacked = (performance.now() - started) / 1000;
started = performance.now();
queue.compressSync(data);
const threadedSync = (performance.now() - started) / 1000;
await queue.destroy();
console.log('');
console.log(`# ${pages} pages of ${PAGE} bytes (64 MiB of text), level ${LEVEL}`);
console.log('');
console.log('| run | pages/s | MiB/s |');
console.log('| --- | --- | --- |');
console.log(`| inline, one thread, node:zlib | ${(pages / inline).toFixed(0)} | ${(64 / inline).toFixed(1)} |`);
console.log(`| PageQueue.compress, ${THREADS} worker threads | ${(pages / threaded).toFixed(0)} | ${(64 / threaded).toFixed(1)} |`);
console.log(`| PageQueue.compressSync (blocking waits), ${THREADS} worker threads | ${(pages / threadedSync).toFixed(0)} | ${(64 / threadedSync).toFixed(1)} |`);
console.log(`| PageQueue.decompress, ${THREADS} worker threads | ${(pages / unpacked).toFixed(0)} | ${(64 / unpacked).toFixed(1)} |`);
