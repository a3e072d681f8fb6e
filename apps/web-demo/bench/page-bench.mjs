#!/usr/bin/env node
// Browser page ops against Node's: the same 4 KiB pages compressed (level 1,
// deflate-raw, one thread, one page at a time into one output region, as a
// worker's handler runs it) by the browser entry's codecs in headless
// Chromium (libdeflate in WebAssembly, and fflate) and by node:zlib in this
// Node.js process (`nodePageCodec.compressInto`: one zlib stream, reset per
// page). Rounds interleave Node and Chromium; median [fastest-slowest].
//
//   node apps/web-demo/bench/page-bench.mjs [--rounds N] [--pages N] [--page-size BYTES]
//
// Pages: TypeScript's compiler source (text), as @twq/compress's page bench,
// and the seed's page (zeros with one byte set).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'vite';
import { serveFiles } from './in-memory-server.mjs';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '5' }, pages: { type: 'string', default: '4000' }, 'page-size': { type: 'string', default: '4096' } },
});
const ROUNDS = Number(values.rounds);
const PAGES = Number(values.pages);
const PAGE = Number(values['page-size']);
const LEVEL = 1;
const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '../../../packages/compress/package.json'));
const { nodePageCodec } = await import(join(here, '../../../packages/compress/dist/node.js'));

const source = readFileSync(require.resolve('typescript/lib/typescript.js'));
const text = new Uint8Array(PAGES * PAGE);
for (let i = 0; i < PAGES; i++) {
  const at = ((i * 7919) % Math.floor(source.length / PAGE)) * PAGE;
  text.set(source.subarray(at, at + PAGE), i * PAGE);
}
const seed = new Uint8Array(PAGES * PAGE);
for (let i = 0; i < PAGES; i++) seed[i * PAGE] = 0x10;
const kinds = { text, seed };

function nodeRound(pages) {
  const output = new Uint8Array(PAGE * 2 + 64);
  const t0 = performance.now();
  let bytes = 0;
  for (let i = 0; i < PAGES; i++) bytes += nodePageCodec.compressInto(pages.subarray(i * PAGE, (i + 1) * PAGE), 'deflate-raw', LEVEL, output);
  return { compressUs: ((performance.now() - t0) * 1000) / PAGES, bytes };
}

const pageBuild = await build({
  logLevel: 'silent',
  configFile: false,
  root: join(here, '..'),
  build: { write: false, lib: { entry: join(here, 'page-bench-page.js'), formats: ['es'], fileName: 'page-bench' } },
});
const files = {
  '/': ['text/html', '<!doctype html><script type="module" src="/bench.js"></script>'],
  '/bench.js': ['text/javascript', pageBuild[0].output[0].code],
  '/text.bin': ['application/octet-stream', text],
  '/seed.bin': ['application/octet-stream', seed],
};
const server = await serveFiles(files);
const { launchChromium } = await import('@twq/test-support/chromium');
const browser = await launchChromium();
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const fmt = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return `${median(s).toFixed(1)} [${s[0].toFixed(1)}-${s[s.length - 1].toFixed(1)}]`;
};
try {
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => window.pageBenchReady === true);
  const rows = [];
  for (const [kind, pages] of Object.entries(kinds)) {
    await page.evaluate(async (k) => {
      window.pages = new Uint8Array(await (await fetch(`/${k}.bin`)).arrayBuffer());
    }, kind);
    const r = { node: [], libdeflate: [], fflate: [], libdeflateDecompress: [], fflateDecompress: [], ratio: [], bytes: {} };
    for (let round = 0; round < ROUNDS; round++) {
      const n = nodeRound(pages);
      r.node.push(n.compressUs);
      r.bytes.node = n.bytes;
      for (const name of ['libdeflate', 'fflate']) {
        const b = await page.evaluate(([c, size, level]) => window.runPageRound(c, window.pages, size, level), [name, PAGE, LEVEL]);
        r[name].push(b.compressUs);
        r[`${name}Decompress`].push(b.decompressUs);
        r.bytes[name] = b.bytes;
      }
      r.ratio.push(r.libdeflate[round] / n.compressUs);
    }
    rows.push([kind, r]);
  }
  console.log(`# page compression, ${PAGES} pages of ${PAGE} bytes, level ${LEVEL}, deflate-raw, one thread, ${ROUNDS} interleaved rounds`);
  console.log(`Chromium ${browser.version()}, Node ${process.version}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')} (the machine is shared)`);
  console.log('');
  console.log('| pages | node:zlib compressInto (Node) µs/page | libdeflate (Chromium) µs/page | fflate (Chromium) µs/page | libdeflate / node:zlib time (median of rounds) | decompress µs/page (fflate, Chromium) | bytes out: node:zlib, libdeflate, fflate |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const [kind, r] of rows) {
    console.log(
      `| ${kind} | ${fmt(r.node)} | ${fmt(r.libdeflate)} | ${fmt(r.fflate)} | ${fmt(r.ratio.map((x) => x))}× | ${fmt(r.libdeflateDecompress)} | ${r.bytes.node}, ${r.bytes.libdeflate}, ${r.bytes.fflate} |`,
    );
  }
} finally {
  await browser.close();
  server.close();
}
