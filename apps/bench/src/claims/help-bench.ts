#!/usr/bin/env node
/**
 * Using the core a waiting submitter leaves idle (issue 13): the seed's page
 * compression with a core left to the submitter (threads: parallelism - 1,
 * core's default and @twq/node's before) with help 'never' and 'auto', and
 * with @twq/node's default options (one worker per core), beside inline (the
 * submitter alone); and the no-op workload, same options. Interleaved rounds;
 * medians with their spread, as ratios.
 *
 *   node dist/claims/help-bench.js [MiB of guest memory=64] [rounds=5]
 */
import { availableParallelism } from 'node:os';
import { createQueue, type HelpMode, type Ops } from '@twq/node';
import { fillDataSet } from '../data/data-sets.js';
import { allocateGuestMemory, type GuestMemory } from '../data/guest-memory.js';
import { COMPRESSED_PAGE_BOUND, compressPageInto } from '../data/page-codec.js';
import { median, spread } from '../measure/stats.js';

type PageSpec = { page: 'u32'; length: 'u32'; data: { bytes: number } };
type NoopSpec = { value: 'i32'; result: 'i32' };
const PAGE_OPS = new URL('../ops/page-ops.js', import.meta.url);
const NOOP_OPS = new URL('../ops/noop-ops.js', import.meta.url);
const NOOPS = 300_000;

function inlinePages(memory: GuestMemory): number {
  const output = new Uint8Array(COMPRESSED_PAGE_BOUND);
  let total = 0;
  const t0 = performance.now();
  for (let page = 0; page < memory.pages; page++) total += compressPageInto(memory.bytes, page, output);
  if (total === 0) throw new Error('nothing compressed');
  return memory.pages / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  const mib = Number(process.argv[2] ?? '64');
  const rounds = Number(process.argv[3] ?? '5');
  const memory = allocateGuestMemory(mib * 1024 * 1024);
  fillDataSet(memory.bytes, 'text');
  const cores = availableParallelism();
  const spare = Math.max(1, cores - 1);
  const configs: { label: string; help: HelpMode; threads?: number }[] = [
    { label: `threads: ${spare}, help: 'never' (the default before: a core left to the submitter)`, help: 'never', threads: spare },
    { label: `threads: ${spare}, help: 'auto'`, help: 'auto', threads: spare },
    { label: `default options (threads: ${cores}, one per core; help: 'never')`, help: 'never' },
  ];
  const pageQueues = await Promise.all(
    configs.map(({ help, threads }) => createQueue<Ops<PageSpec>>(PAGE_OPS, { help, threads, opsOptions: { memory: memory.buffer } })),
  );
  const noopQueues = await Promise.all(configs.map(({ help, threads }) => createQueue<Ops<NoopSpec>>(NOOP_OPS, { help, threads })));
  const modes = configs.map((c) => c.label);
  const pages = (q: (typeof pageQueues)[number]): number => {
    const t0 = performance.now();
    for (let page = 0; page < memory.pages; page++) {
      const r = q.getRequestBlocking(60_000);
      r.page = page;
      q.submit(r);
    }
    q.waitAll(60_000);
    return memory.pages / ((performance.now() - t0) / 1000);
  };
  const noops = (q: (typeof noopQueues)[number]): number => {
    const t0 = performance.now();
    for (let i = 0; i < NOOPS; i++) {
      const r = q.getRequestBlocking(60_000);
      r.value = i;
      q.submit(r);
    }
    q.waitAll(60_000);
    return NOOPS / ((performance.now() - t0) / 1000);
  };
  const inline: number[] = [];
  const pageRates: number[][] = modes.map(() => []);
  const noopRates: number[][] = modes.map(() => []);
  inlinePages(memory);
  for (const q of pageQueues) pages(q);
  for (let round = 0; round < rounds; round++) {
    inline.push(inlinePages(memory));
    for (let m = 0; m < modes.length; m++) pageRates[m].push(pages(pageQueues[m]));
    for (let m = 0; m < modes.length; m++) noopRates[m].push(noops(noopQueues[m]));
  }
  const stats = pageQueues.map((q) => q.stats());
  await Promise.all([...pageQueues, ...noopQueues].map((q) => q.destroy()));
  const pct = (v: number[]): string => `${(spread(v) * 100).toFixed(0)}%`;
  console.log(`seed pages (${memory.pages} pages of text, ${cores} cores), ${rounds} interleaved rounds`);
  console.log(`| system | pages/s | spread | vs inline |`);
  console.log(`| --- | ---: | ---: | ---: |`);
  console.log(`| inline | ${median(inline).toFixed(0)} | ${pct(inline)} | 1.00x |`);
  for (let m = 0; m < modes.length; m++) {
    console.log(`| twq ${modes[m]} | ${median(pageRates[m]).toFixed(0)} | ${pct(pageRates[m])} | ${(median(pageRates[m]) / median(inline)).toFixed(2)}x |`);
  }
  console.log(`pages the submitter ran with help 'auto': ${stats[1].helped} of ${memory.pages * (rounds + 1)}`);
  console.log(`\nno-op, ${NOOPS} requests per round`);
  console.log(`| system | no-ops/s | spread | vs the first row |`);
  console.log(`| --- | ---: | ---: | ---: |`);
  for (let m = 0; m < modes.length; m++) {
    console.log(`| twq ${modes[m]} | ${(median(noopRates[m]) / 1e6).toFixed(2)} M | ${pct(noopRates[m])} | ${(median(noopRates[m]) / median(noopRates[0])).toFixed(2)}x |`);
  }
}

await main();
