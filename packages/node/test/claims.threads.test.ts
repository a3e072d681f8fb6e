// Claims on real threads (issue 13): cancellation, the cooperative flag,
// stealing, and a dead worker's queued requests. Every wait is bounded.
import { describe, expect, it } from 'vitest';
import { withTimeout } from '@twq/test-support/worker';
import {
  Checksum,
  MODE_ASYNC,
  MODE_ASYNC_UNTIL_ABORTED,
  MODE_OK,
  MODE_SLEEP,
  MODE_UNTIL_CANCELLED,
  NOT_RUN,
  eventually,
  prng,
  submit,
  trackQueues,
  type ChecksumRequest,
} from './helpers.js';

const CANCELLED = 'ERR_TWQ_CANCELLED';

const { create } = trackQueues();

describe('cancel on real threads', () => {
  it('requests queued behind a busy worker and cancelled are never handled; done gets ERR_TWQ_CANCELLED', async () => {
    const checksum = new Checksum(64);
    const q = await create({ threads: 1, slotsPerThread: 64, onDone: checksum.onDone });
    // Seq 0 holds the only worker for 300 ms; 1..63 queue behind it.
    submit(q, q.getRequestBlocking(10_000), 0, MODE_SLEEP, 300);
    const queued: ChecksumRequest[] = [];
    for (let seq = 1; seq < 64; seq++) {
      const r = q.getRequestBlocking(10_000);
      submit(q, r, seq);
      queued.push(r);
    }
    const won = queued.map((r) => q.cancel(r));
    q.waitAll(20_000);
    // A cancel can lose only to the worker starting the request after seq 0; each loser ran normally.
    const cancelledSeqs = queued.filter((_r, i) => won[i]).map((r) => r.seq);
    expect(cancelledSeqs.length, 'cancels that took a queued request').toBeGreaterThan(0);
    expect(checksum.failures.map((f) => f.seq).sort((a, b) => a - b)).toEqual(cancelledSeqs.sort((a, b) => a - b));
    for (const { error } of checksum.failures) expect([error.name, error.code]).toEqual(['AbortError', CANCELLED]);
    // Never handled: the handler writes ranOn first thing; a cancelled slot still holds the -1 submit wrote.
    for (const r of queued) if (cancelledSeqs.includes(r.seq)) expect(r.ranOn, `seq ${r.seq} ran`).toBe(NOT_RUN);
    expect(q.stats()).toMatchObject({ cancelled: cancelledSeqs.length, outstanding: 0 });
    checksum.verify(64, { failuresAllowed: true });
  });

  it('cancels racing two workers (and their stealing) on a random half: each request is handled or cancelled, exactly once', async () => {
    const n = 20_000;
    const checksum = new Checksum(n);
    const random = prng(13);
    const q = await create({ threads: 2, slotsPerThread: 16, onDone: checksum.onDone });
    const cancelledByCall = new Uint8Array(n);
    for (let seq = 0; seq < n; seq++) {
      const r = q.getRequestBlocking(20_000);
      submit(q, r, seq);
      if (random() < 0.5 && q.cancel(r)) cancelledByCall[seq] = 1;
    }
    await withTimeout(q.drain({ timeoutMs: 30_000 }), 35_000, 'drain()');
    checksum.verify(n, { failuresAllowed: true });
    let cancelled = 0;
    for (const { seq, error } of checksum.failures) {
      expect(error.code, `seq ${seq}`).toBe(CANCELLED);
      expect(cancelledByCall[seq], `seq ${seq} reported cancelled but cancel() returned false`).toBe(1);
      cancelled++;
    }
    expect(cancelled).toBe(cancelledByCall.reduce((a, b) => a + b, 0));
    expect(q.stats().cancelled).toBe(cancelled);
  });

  it('submit({ signal }): aborting cancels a queued request', async () => {
    const checksum = new Checksum(8);
    const q = await create({ threads: 1, slotsPerThread: 8, onDone: checksum.onDone });
    submit(q, q.getRequestBlocking(10_000), 0, MODE_SLEEP, 200);
    const controller = new AbortController();
    const r = q.getRequestBlocking(10_000);
    r.seq = 1;
    r.mode = MODE_OK;
    r.ranOn = NOT_RUN;
    q.submit(r, { signal: controller.signal });
    controller.abort();
    await withTimeout(q.drain({ timeoutMs: 20_000 }), 25_000, 'drain()');
    expect(checksum.failures.map((f) => [f.seq, f.error.code])).toEqual([[1, CANCELLED]]);
    expect(r.ranOn).toBe(NOT_RUN);
  });

  it('a running sync handler sees env.cancelled; a running async handler sees env.signal abort', async () => {
    const checksum = new Checksum(4);
    const q = await create({ threads: 1, slotsPerThread: 4, onDone: checksum.onDone });
    for (const mode of [MODE_UNTIL_CANCELLED, MODE_ASYNC_UNTIL_ABORTED]) {
      const r = q.getRequestBlocking(10_000);
      submit(q, r, mode, mode, 20_000);
      // Cancel once it runs (the handler wrote ranOn): the flag, not the claim.
      await eventually(() => r.ranOn === 0, 10_000, `the mode ${mode} handler to start`);
      expect(q.cancel(r)).toBe(false);
      await withTimeout(q.drain({ timeoutMs: 15_000 }), 20_000, `drain() of mode ${mode}`);
      // The handler saw the cancel and returned early, reporting 1; the request completes normally.
      expect(r.out, `mode ${mode}`).toBe(1);
    }
    expect(checksum.failures).toEqual([]);
  });
});

describe('work stealing on real threads', () => {
  it('requests queued behind a slow one are taken by the idle worker (batch placement)', async () => {
    const checksum = new Checksum(64);
    const q = await create({ threads: 2, slotsPerThread: 32, policy: 'batch', onDone: checksum.onDone });
    // Batch placement: all 32 go to worker 0's partition; seq 0 sleeps 500 ms.
    submit(q, q.getRequestBlocking(10_000), 0, MODE_SLEEP, 500);
    for (let seq = 1; seq < 32; seq++) submit(q, q.getRequestBlocking(10_000), seq);
    q.waitAll(20_000);
    const stats = q.stats();
    expect(stats.workers[1].stolen, 'requests worker 1 stole').toBeGreaterThan(0);
    expect(checksum.ranElsewhere).toBe(stats.workers[1].stolen + stats.workers[0].stolen);
    checksum.verify(32);
  });

  it('steal: false keeps every request on its slot\'s worker', async () => {
    const checksum = new Checksum(32);
    const q = await create({ threads: 2, slotsPerThread: 16, steal: false, onDone: checksum.onDone });
    submit(q, q.getRequestBlocking(10_000), 0, MODE_SLEEP, 100);
    for (let seq = 1; seq < 32; seq++) submit(q, q.getRequestBlocking(10_000), seq);
    q.waitAll(20_000);
    expect(checksum.ranElsewhere).toBe(0);
    expect(q.stats().workers.map((w) => w.stolen)).toEqual([0, 0]);
    checksum.verify(32);
  });

  it('results of stolen requests are the right ones (checksum over 50,000 requests on 2 workers)', async () => {
    const n = 50_000;
    const checksum = new Checksum(n);
    const q = await create({ threads: 2, slotsPerThread: 8, onDone: checksum.onDone });
    for (let seq = 0; seq < n; seq++) submit(q, q.getRequestBlocking(20_000), seq, seq % 997 === 0 ? MODE_SLEEP : MODE_OK, 2);
    q.waitAll(30_000);
    checksum.verify(n);
  });
});

describe('the submitter helps (help option)', () => {
  it("help: 'auto': while waitAll() would park, the submitter runs queued requests itself, exactly once", async () => {
    const checksum = new Checksum(32);
    const q = await create({ threads: 1, slotsPerThread: 32, help: 'auto', onDone: checksum.onDone });
    // Seq 0 holds the only worker for 300 ms; the 31 behind it are the submitter's to take.
    submit(q, q.getRequestBlocking(10_000), 0, MODE_SLEEP, 300);
    for (let seq = 1; seq < 32; seq++) submit(q, q.getRequestBlocking(10_000), seq);
    q.waitAll(20_000);
    const stats = q.stats();
    expect(stats.help).toBe('auto');
    expect(stats.helped, 'requests the submitter ran').toBeGreaterThan(0);
    expect(checksum.ranOnSubmitter).toBe(stats.helped);
    checksum.verify(32);
  });

  it("help: 'never' (the default) runs nothing on the submitter", async () => {
    const checksum = new Checksum(16);
    const q = await create({ threads: 1, slotsPerThread: 16, onDone: checksum.onDone });
    submit(q, q.getRequestBlocking(10_000), 0, MODE_SLEEP, 100);
    for (let seq = 1; seq < 16; seq++) submit(q, q.getRequestBlocking(10_000), seq);
    q.waitAll(20_000);
    expect(q.stats()).toMatchObject({ help: 'never', helped: 0 });
    expect(checksum.ranOnSubmitter).toBe(0);
    checksum.verify(16);
  });

  it("help: 'always' with a handler that returns a promise in a blocking wait: ERR_TWQ_HELP_ASYNC, and the request still completes once", async () => {
    const checksum = new Checksum(8);
    const q = await create({ threads: 1, slotsPerThread: 8, help: 'always', onDone: checksum.onDone });
    submit(q, q.getRequestBlocking(10_000), 0, MODE_SLEEP, 300);
    for (let seq = 1; seq < 8; seq++) submit(q, q.getRequestBlocking(10_000), seq, MODE_ASYNC);
    let code: unknown;
    try {
      q.waitAll(20_000);
    } catch (e) {
      code = (e as { code?: unknown }).code;
    }
    expect(code).toBe('ERR_TWQ_HELP_ASYNC');
    await withTimeout(q.drain({ timeoutMs: 20_000 }), 25_000, 'drain() after ERR_TWQ_HELP_ASYNC');
    checksum.verify(8);
  });

  it("help: 'auto' and many cancels racing the worker and the helping submitter: each request handled or cancelled, once", async () => {
    const n = 10_000;
    const checksum = new Checksum(n);
    const random = prng(7);
    const q = await create({ threads: 1, slotsPerThread: 8, help: 'auto', onDone: checksum.onDone });
    let won = 0;
    for (let seq = 0; seq < n; seq++) {
      const r = q.getRequestBlocking(20_000);
      submit(q, r, seq);
      if (random() < 0.3 && q.cancel(r)) won++;
    }
    q.waitAll(30_000);
    checksum.verify(n, { failuresAllowed: true });
    expect(checksum.failures.every((f) => f.error.code === CANCELLED)).toBe(true);
    expect(checksum.failures.length).toBe(won);
  });
});

