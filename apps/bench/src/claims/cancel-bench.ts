#!/usr/bin/env node
/**
 * Cancellation cost (issue 13): cancels `total` queued requests, in rounds of
 * one worker's slots (4096) queued behind a request that holds the worker, and
 * times the cancel() calls alone, then the reaping (done callbacks with
 * ERR_TWQ_CANCELLED). Proves that none of them was handled.
 *
 *   node dist/claims/cancel-bench.js [total=100000] [rounds=5]
 */
import { createQueue, type Ops, type Request } from '@twq/node';
import { median, spread } from '../measure/stats.js';
import { GATE_OPEN, HANDLED, HOLDING } from './gate-ops.js';

type Spec = { value: 'i32' };
const SLOTS = 4096;

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? '100000');
  const repeats = Number(process.argv[3] ?? '5');
  const gate = new SharedArrayBuffer(12);
  const words = new Int32Array(gate);
  let cancelledDone = 0;
  const q = await createQueue<Ops<Spec>>(new URL('./gate-ops.js', import.meta.url), {
    threads: 1,
    slotsPerThread: SLOTS,
    opsOptions: { gate },
    onDone(_r, error) {
      if (error?.code === 'ERR_TWQ_CANCELLED') cancelledDone++;
      else if (error !== undefined) throw error;
    },
  });
  const held: Request<Spec>[] = new Array<Request<Spec>>(SLOTS - 1);
  const cancelNs: number[] = [];
  const reapNs: number[] = [];
  for (let repeat = 0; repeat < repeats; repeat++) {
    let cancelled = 0;
    let cancelMs = 0;
    let reapMs = 0;
    while (cancelled < total) {
      Atomics.store(words, GATE_OPEN, 0);
      Atomics.store(words, HOLDING, 0);
      const holder = q.getRequestBlocking(60_000);
      holder.value = -1;
      q.submit(holder);
      // Only once the worker is held: everything submitted from now on stays queued.
      while (Atomics.load(words, HOLDING) === 0) Atomics.wait(words, HOLDING, 0, 1_000);
      const n = Math.min(SLOTS - 1, total - cancelled);
      for (let i = 0; i < n; i++) {
        const r = q.getRequestBlocking(60_000);
        r.value = i;
        q.submit(r);
        held[i] = r;
      }
      const t0 = performance.now();
      for (let i = 0; i < n; i++) if (!q.cancel(held[i])) throw new Error(`cancel of a queued request returned false (${i})`);
      const t1 = performance.now();
      Atomics.store(words, GATE_OPEN, 1);
      Atomics.notify(words, GATE_OPEN);
      q.waitAll(60_000);
      reapMs += performance.now() - t1;
      cancelMs += t1 - t0;
      cancelled += n;
    }
    cancelNs.push((cancelMs * 1e6) / total);
    reapNs.push((reapMs * 1e6) / total);
  }
  await q.destroy();
  const handled = Atomics.load(words, HANDLED);
  console.log(`cancel(): ${median(cancelNs).toFixed(0)} ns per queued request (spread ${(spread(cancelNs) * 100).toFixed(0)}%), ${repeats} runs of ${total}`);
  console.log(`waitAll() reaping them (done callbacks with ERR_TWQ_CANCELLED, plus the holder's wake-up): ${median(reapNs).toFixed(0)} ns each (spread ${(spread(reapNs) * 100).toFixed(0)}%)`);
  console.log(`handled: ${handled} (must be 0); done with ERR_TWQ_CANCELLED: ${cancelledDone} of ${total * repeats}`);
  if (handled !== 0 || cancelledDone !== total * repeats) process.exitCode = 1;
}

await main();
