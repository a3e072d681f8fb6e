#!/usr/bin/env node
// Which codec compresses gzip blocks fastest in a browser? One thread of
// headless Chromium (Debian's), the web demo's 32 MiB text sample, every
// candidate in turn, interleaved rounds; median [fastest-slowest] of each.
//
//   node apps/web-demo/bench/codec-bench.mjs [--rounds N] [--wasm-gzip DIR]
//
// Candidates: one CompressionStream('gzip') over the whole input (the
// baseline), CompressionStream('deflate-raw') per block (what the native
// block codec does; 128 KiB and 1 MiB blocks), pako per 128 KiB block with
// pigz's dictionary and sync flush (levels 6 and 1), and, with --wasm-gzip
// pointing at an install of the wasm-gzip package (`npm i wasm-gzip` in a
// scratch folder: it is not a dependency), its WebAssembly deflate per block.
// Also reports whether DecompressionStream reads a file of several gzip members.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'vite';
import { serveFiles } from './in-memory-server.mjs';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, 'wasm-gzip': { type: 'string' } } });
const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '../../../packages/compress/package.json'));
const pakoFile = require.resolve('pako').replace(/pako\.cjs\.js$/, 'pako.mjs');
const wasmDir = values['wasm-gzip'] === undefined ? undefined : join(values['wasm-gzip'], 'node_modules/wasm-gzip');

// The sample generator is TypeScript: vite builds it (and nothing else) into one module for the page.
const sampleBuild = await build({
  logLevel: 'silent',
  configFile: false,
  build: { write: false, lib: { entry: join(here, '../src/sample.ts'), formats: ['es'], fileName: 'sample' } },
});
const sampleJs = sampleBuild[0].output[0].code;

const files = {
  '/': ['text/html', '<!doctype html><script type="module" src="/bench.js"></script>'],
  '/sample.js': ['text/javascript', sampleJs],
  '/pako.js': ['text/javascript', readFileSync(pakoFile, 'utf8')],
  '/bench.js': ['text/javascript', readFileSync(join(here, 'codec-bench-page.js'), 'utf8')],
};
if (wasmDir !== undefined) {
  files['/wasm_gzip.js'] = ['text/javascript', readFileSync(join(wasmDir, 'wasm_gzip.js'), 'utf8')];
  files['/wasm_gzip.wasm'] = ['application/wasm', readFileSync(join(wasmDir, 'wasm_gzip.wasm'))];
}
const server = await serveFiles(files);
const { launchChromium } = await import('@twq/test-support/chromium');
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => typeof window.runCodecBench === 'function');
  const r = await page.evaluate(([rounds, wasm]) => window.runCodecBench(rounds, wasm), [Number(values.rounds), wasmDir !== undefined]);
  const base = r.results['native gzip, one stream'];
  console.log(`# browser codecs, one thread, ${r.mib} MiB of the demo's text sample, ${values.rounds} interleaved rounds`);
  console.log(`Chromium ${browser.version()}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')} (the machine is shared)`);
  console.log('');
  console.log('| codec | ms, median [fastest-slowest] | MB/s (median) | output bytes | size vs one native stream | speed vs one native stream (median of rounds) |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const [name, x] of Object.entries(r.results)) {
    const s = [...x.ms].sort((a, b) => a - b);
    const speed = x.ms.map((ms, i) => base.ms[i] / ms).sort((a, b) => a - b);
    console.log(
      `| ${name} | ${s[s.length >> 1].toFixed(0)} [${s[0].toFixed(0)}-${s[s.length - 1].toFixed(0)}] | ${((r.mib * 1.048576) / (s[s.length >> 1] / 1000)).toFixed(1)} | ${x.bytes} | ${(x.bytes / base.bytes).toFixed(3)} | ${speed[speed.length >> 1].toFixed(2)}x |`,
    );
  }
  console.log('');
  console.log(`DecompressionStream on 4 concatenated gzip members: ${r.multiMember}`);
} finally {
  await browser.close();
  server.close();
}
