#!/usr/bin/env node
/**
 * No-op throughput with claims against a baseline checkout of twq (the
 * previous main), in one run: the same no-op ops, default options (on a
 * 2-core machine: 1 worker), interleaved rounds; the figure is the ratio of
 * the medians, with the spread of each.
 *
 *   node dist/claims/noop-baseline-bench.js <baseline checkout> [requests=500000] [rounds=7]
 *
 * The baseline checkout must be built (its packages/node/dist and apps/bench/dist).
 */
import { pathToFileURL } from 'node:url';
import { median, spread } from '../measure/stats.js';

interface QueueLike {
  getRequestBlocking(timeoutMs?: number): { value: number };
  submit(request: unknown): void;
  waitAll(timeoutMs?: number): void;
  destroy(): Promise<void>;
}
type CreateQueue = (module: URL, options: object) => Promise<QueueLike>;

async function load(root: URL): Promise<{ createQueue: CreateQueue; ops: URL }> {
  const node = (await import(new URL('packages/node/dist/index.js', root).href)) as { createQueue: CreateQueue };
  return { createQueue: node.createQueue, ops: new URL('apps/bench/dist/ops/noop-ops.js', root) };
}

function run(q: QueueLike, n: number): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const r = q.getRequestBlocking(60_000);
    r.value = i;
    q.submit(r);
  }
  q.waitAll(60_000);
  return n / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  const baselineArg = process.argv.at(2);
  if (baselineArg === undefined) throw new Error('usage: noop-baseline-bench.js <baseline checkout> [requests] [rounds]');
  const n = Number(process.argv[3] ?? '500000');
  const rounds = Number(process.argv[4] ?? '7');
  const here = new URL('../../../../', import.meta.url);
  const baseline = pathToFileURL(`${baselineArg.replace(/\/$/, '')}/`);
  const systems = [
    { name: 'claims (this branch)', ...(await load(here)) },
    { name: 'baseline', ...(await load(baseline)) },
  ];
  const queues = await Promise.all(systems.map((s) => s.createQueue(s.ops, {})));
  const rates: number[][] = systems.map(() => []);
  for (const q of queues) run(q, n / 5); // warm-up
  for (let round = 0; round < rounds; round++) {
    // Alternate the order: neither side always runs on a cache the other warmed.
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    for (const i of order) rates[i].push(run(queues[i], n));
  }
  await Promise.all(queues.map((q) => q.destroy()));
  for (let i = 0; i < systems.length; i++) {
    console.log(`${systems[i].name}: ${(median(rates[i]) / 1e6).toFixed(2)} M no-ops/s (spread ${(spread(rates[i]) * 100).toFixed(0)}%)`);
  }
  console.log(`ratio claims / baseline: ${(median(rates[0]) / median(rates[1])).toFixed(3)}x (${rounds} interleaved rounds of ${n})`);
}

await main();
