/**
 * Claims in Chromium (issue 13): cancel and submit({ signal }) from the page's
 * main thread, and stealing between module Web Workers. Every wait is bounded.
 */
import { describe, expect, test } from 'vitest';
import type { RemoteError } from '@twq/core';
import { createQueue } from '../src/index.js';
import { MODE_OK, MODE_SLOW, MODE_WAIT, mix, ops } from './fixtures/checksum-ops.js';
import { closeAfterTest, within } from './helpers/queues.js';
import { checksumWorker } from './helpers/workers.js';

interface Done {
  seed: number;
  result: number;
  handledBy: number;
  error: RemoteError | undefined;
}

async function openQueue(options: { threads: number; slotsPerThread: number; steal?: boolean; policy?: 'batch' | 'round-robin' }, done: Done[]) {
  return closeAfterTest(
    await createQueue(ops, {
      worker: checksumWorker,
      ...options,
      onDone(request, error) {
        done.push({ seed: request.seed, result: request.result, handledBy: request.handledBy, error });
      },
    }),
  );
}

describe('cancel from the page', () => {
  test('requests queued behind a busy worker and cancelled are never handled; done gets AbortError ERR_TWQ_CANCELLED', async () => {
    const done: Done[] = [];
    const queue = await openQueue({ threads: 1, slotsPerThread: 16 }, done);
    const first = queue.getRequest();
    if (first === null) throw new Error('no free slot');
    // An async handler of 300 ms: its worker takes no other request until it settles.
    first.seed = 300;
    first.mode = MODE_WAIT;
    first.handledBy = -1;
    queue.submit(first);
    const queued = [];
    for (let i = 0; i < 15; i++) {
      const r = queue.getRequest();
      if (r === null) throw new Error('no free slot');
      r.seed = 1000 + i;
      r.mode = MODE_OK;
      r.handledBy = -1;
      queue.submit(r);
      queued.push(r);
    }
    const won = queued.map((r) => queue.cancel(r));
    await within(queue.drain({ timeoutMs: 20_000 }), 25_000, 'drain()');
    expect(done).toHaveLength(16);
    const cancelled = done.filter((d) => d.error !== undefined);
    expect(cancelled.length).toBe(won.filter(Boolean).length);
    expect(cancelled.length).toBeGreaterThan(0);
    for (const d of cancelled) {
      expect([d.error?.name, d.error?.code, d.handledBy]).toEqual(['AbortError', 'ERR_TWQ_CANCELLED', -1]);
    }
    for (const d of done.filter((x) => x.error === undefined)) expect(d.result).toBe(mix(d.seed));
    expect(queue.stats().cancelled).toBe(cancelled.length);
  });

  test('submit({ signal }): an abort cancels a queued request', async () => {
    const done: Done[] = [];
    const queue = await openQueue({ threads: 1, slotsPerThread: 4 }, done);
    const first = queue.getRequest();
    if (first === null) throw new Error('no free slot');
    first.seed = 200;
    first.mode = MODE_WAIT;
    queue.submit(first);
    const controller = new AbortController();
    const r = queue.getRequest();
    if (r === null) throw new Error('no free slot');
    r.seed = 7;
    r.mode = MODE_OK;
    r.handledBy = -1;
    queue.submit(r, { signal: controller.signal });
    controller.abort();
    await within(queue.drain({ timeoutMs: 20_000 }), 25_000, 'drain()');
    expect(done.map((d) => [d.seed, d.error?.code])).toEqual([
      [200, undefined],
      [7, 'ERR_TWQ_CANCELLED'],
    ]);
  });
});

describe('stealing between Web Workers', () => {
  test('requests queued behind a slow one are taken by the idle worker (batch placement)', async () => {
    const done: Done[] = [];
    const queue = await openQueue({ threads: 2, slotsPerThread: 16, policy: 'batch' }, done);
    const submitOne = (seed: number, mode: number) => {
      const r = queue.getRequest();
      if (r === null) throw new Error('no free slot');
      r.seed = seed;
      r.mode = mode;
      queue.submit(r);
    };
    // All 16 land on worker 0's partition; seed 400 busy-waits 400 ms there.
    submitOne(400, MODE_SLOW);
    for (let i = 1; i < 16; i++) submitOne(i, MODE_OK);
    await within(queue.drain({ timeoutMs: 20_000 }), 25_000, 'drain()');
    expect(done.every((d) => d.error === undefined && d.result === mix(d.seed))).toBe(true);
    expect(done).toHaveLength(16);
    const stats = queue.stats();
    expect(stats.workers[1].stolen).toBeGreaterThan(0);
    expect(done.filter((d) => d.handledBy === 1).length).toBe(stats.workers[1].stolen);
  });

  test('steal: false keeps every request on its own worker', async () => {
    const done: Done[] = [];
    const queue = await openQueue({ threads: 2, slotsPerThread: 8, policy: 'batch', steal: false }, done);
    for (let i = 0; i < 8; i++) {
      const r = queue.getRequest();
      if (r === null) throw new Error('no free slot');
      r.seed = i === 0 ? 100 : i;
      r.mode = i === 0 ? MODE_SLOW : MODE_OK;
      queue.submit(r);
    }
    await within(queue.drain({ timeoutMs: 20_000 }), 25_000, 'drain()');
    expect(done.map((d) => d.handledBy)).toEqual(new Array<number>(8).fill(0));
    expect(queue.stats().workers.map((w) => w.stolen)).toEqual([0, 0]);
  });
});
