import { SCALE, startWorker, terminateAll, withTimeout } from '@twq/test-support/worker';
import { afterEach, describe, expect, it } from 'vitest';
import { AtomicBitmap } from '../src/index.js';

const FLIPPER = new URL('./fixtures/flipper.mjs', import.meta.url);
const READER = new URL('./fixtures/reader.mjs', import.meta.url);

interface FlipperResult {
  id: number;
  flips: number;
  mismatches: number;
  counts: number[];
}
interface ReaderResult {
  reads: number;
  errors: number;
}

afterEach(terminateAll);

/** Resolves once `ctl[index]` reaches `value`, polling without blocking the event loop. */
async function until(ctl: Int32Array, index: number, value: number, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (Atomics.load(ctl, index) < value) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

async function race(size: number, workers: number, totalFlips: number, mode: 'flip' | 'set-clear'): Promise<void> {
  // The bitmap sits at an offset inside a larger buffer, between two guard lines.
  const byteOffset = 128;
  const buffer = new SharedArrayBuffer(byteOffset + 128 * Math.ceil(size / 1024) + 128);
  const guard = new Int32Array(buffer);
  guard.fill(0x5a5a5a5a);
  const bm = AtomicBitmap.attachShared(buffer, byteOffset, size);
  bm.clearAllUnsynchronized();
  const control = new SharedArrayBuffer(16); // [go, ready, finished]
  const ctl = new Int32Array(control);
  const counters = new SharedArrayBuffer(128 * workers);
  const flipsEach = Math.ceil(totalFlips / workers);

  const flippers = Array.from({ length: workers }, (_, id) =>
    startWorker<FlipperResult>(
      FLIPPER,
      { buffer, byteOffset, size, workers, id, flips: flipsEach, seed: 0x9e3779b9 * (id + 1), control, counters, mode },
      60_000,
      `flipper ${id}`,
    ),
  );
  const reader = startWorker<ReaderResult>(READER, { buffer, byteOffset, size, workers, control }, 60_000, 'reader');
  await until(ctl, 1, workers + 1, 20_000, 'flippers and reader ready');
  Atomics.store(ctl, 0, 1);
  Atomics.notify(ctl, 0);

  const results = await withTimeout(Promise.all(flippers.map((f) => f.result)), 60_000, 'flippers');
  const readerResult = await reader.result;

  const perWorker = new Int32Array(counters);
  let total = 0;
  for (const r of results) {
    expect(r.mismatches, `worker ${r.id} saw a bit it owns change under it`).toBe(0);
    expect(perWorker[r.id * 32], `shared counter of worker ${r.id}`).toBe(flipsEach);
    expect(r.flips).toBe(flipsEach);
    total += r.flips;
  }
  expect(total).toBeGreaterThanOrEqual(totalFlips);

  // Every bit's parity equals the parity of its owner's flip count: no flip lost.
  const expected: number[] = [];
  for (let bit = 0; bit < size; bit++) {
    const owner = results.find((r) => r.id === bit % workers);
    const count = owner?.counts[bit] ?? 0;
    if (mode === 'flip') expect(count, `bit ${bit} was never flipped`).toBeGreaterThan(0);
    if (count % 2 === 1) expected.push(bit);
  }
  expect(bm.toIndices()).toEqual(expected);
  expect(bm.popcount()).toBe(expected.length);

  expect(readerResult.errors).toBe(0);
  expect(readerResult.reads).toBeGreaterThan(0);
  // Nothing written outside the bitmap's words.
  const first = byteOffset / 4;
  const end = first + bm.words.length;
  for (let i = 0; i < guard.length; i++) if (i < first || i >= end) expect(guard[i]).toBe(0x5a5a5a5a);
}

describe('AtomicBitmap across worker_threads', () => {
  it(`3 workers flip disjoint bits of the same 3 words ${Math.round(3_000_000 * SCALE)} times; no flip lost`, async () => {
    await race(70, 3, Math.round(3_000_000 * SCALE), 'flip');
  });

  it('3 workers set and clear disjoint bits of one word; every previous value as expected', async () => {
    await race(32, 3, Math.round(600_000 * SCALE), 'set-clear');
  });
});
