// Issue 11, part A, on real threads: the done callbacks (`onDone`, the ops'
// `done`) may call any queue method and may throw; every submitted request is
// still reported exactly once, with its own result. One test per defect, each
// with the callback given both ways. Every wait is bounded.
import { expectError, expectRejection } from '@twq/test-support/expect-error';
import { withTimeout } from '@twq/test-support/worker';
import { describe, expect, it } from 'vitest';
import {
  DoneCallbackError,
  ERR_TWQ_DESTROYED,
  ERR_TWQ_REENTRANT_CALL,
  ReentrantCallError,
  RemoteError,
  WaitTimeoutError,
  type NodeQueueOptions,
} from '../dist/index.js';
import {
  MODE_OK,
  MODE_SLEEP,
  MODE_THROW,
  NOT_RUN,
  createWithCallback,
  mix,
  submit,
  trackQueues,
  type CallbackVia,
  type ChecksumQueue,
  type ChecksumRequest,
  type ChecksumSpec,
} from './helpers.js';

const { track } = trackQueues();
const VIAS: CallbackVia[] = ['onDone', 'ops.done'];

/** Per sequence number: reports, and any report that is not of a handled request with its own result. */
class Ledger {
  readonly times: Uint8Array;
  readonly wrong: string[] = [];
  readonly errors = new Map<number, RemoteError>();
  next = 0;
  constructor(readonly capacity: number) {
    this.times = new Uint8Array(capacity);
  }

  note(r: ChecksumRequest, error: RemoteError | undefined): void {
    const seq = r.seq;
    if (seq >= this.capacity) {
      this.wrong.push(`report of seq ${seq}, never submitted`);
      return;
    }
    this.times[seq]++;
    if (error !== undefined) this.errors.set(seq, error);
    else if (r.out !== mix(seq) || r.ranOn === NOT_RUN) this.wrong.push(`seq ${seq} reported done with out ${r.out}, ranOn ${r.ranOn}`);
  }

  /** The callback's request, after the callback called the queue: still its own. */
  recheck(r: ChecksumRequest, seq: number, out: number): void {
    if (r.seq !== seq || r.out !== out) this.wrong.push(`the callback of seq ${seq} found its request changed to seq ${r.seq}, out ${r.out} after calling the queue`);
  }

  submit(q: ChecksumQueue, r: ChecksumRequest, mode = MODE_OK, arg = 0): void {
    submit(q, r, this.next++, mode, arg);
  }

  /** From a callback: claims one more request, if one is free, and submits it, until `n` went out. */
  topUp(q: ChecksumQueue, n: number): void {
    if (this.next >= n) return;
    const r = q.getRequest();
    if (r !== null) this.submit(q, r);
  }

  verify(): void {
    expect(this.wrong.slice(0, 5)).toEqual([]);
    let lost = 0;
    let twice = 0;
    for (let seq = 0; seq < this.next; seq++) {
      if (this.times[seq] === 0) lost++;
      else if (this.times[seq] > 1) twice++;
    }
    expect({ lost, twice }).toEqual({ lost: 0, twice: 0 });
  }
}

async function create(via: CallbackVia, callback: (r: ChecksumRequest, e: RemoteError | undefined, q: ChecksumQueue) => void, options: NodeQueueOptions<ChecksumSpec>): Promise<ChecksumQueue> {
  const ref: { q?: ChecksumQueue } = {};
  ref.q = await createWithCallback(via, (r, e) => {
    callback(r, e, ref.q as ChecksumQueue);
  }, options);
  return ref.q;
}

describe.each(VIAS)('done callback given as %s, on real threads', (via) => {
  it('defect 1: getRequest() from the callback while waitAll() / drain() reports: each request once, handled, with its own result', async () => {
    const N = 6_000;
    const ledger = new Ledger(N + 64);
    const q = track(
      await create(
        via,
        (r, error, queue) => {
          ledger.note(r, error);
          const seq = r.seq;
          const out = r.out;
          ledger.topUp(queue, N);
          ledger.recheck(r, seq, out);
        },
        { threads: 2, slotsPerThread: 4 },
      ),
    );
    for (let round = 0; ledger.next < N; round++) {
      const r = q.getRequest();
      if (r !== null) ledger.submit(q, r);
      if (r === null || round % 5 === 0) {
        if (round % 2 === 0) q.waitAll(20_000);
        else await q.drain({ timeoutMs: 20_000 });
      }
    }
    q.waitAll(20_000);
    ledger.verify();
    expect(q.stats()).toMatchObject({ submitted: ledger.next, completed: ledger.next, outstanding: 0 });
  });

  it('defect 2: waitAll() from the callback: each request once; outstanding never negative', async () => {
    const N = 3_000;
    const ledger = new Ledger(N + 64);
    let depth = 0;
    let minOutstanding = 0;
    const q = track(
      await create(
        via,
        (r, error, queue) => {
          ledger.note(r, error);
          const seq = r.seq;
          const out = r.out;
          depth++;
          try {
            ledger.topUp(queue, N);
            if (depth < 4) queue.waitAll(20_000);
          } finally {
            depth--;
          }
          minOutstanding = Math.min(minOutstanding, queue.stats().outstanding);
          ledger.recheck(r, seq, out);
        },
        { threads: 2, slotsPerThread: 4 },
      ),
    );
    while (ledger.next < N) {
      const r = q.getRequestBlocking(20_000);
      ledger.submit(q, r);
    }
    q.waitAll(20_000);
    q.waitAll(20_000);
    expect(minOutstanding).toBe(0);
    ledger.verify();
    expect(q.stats()).toMatchObject({ submitted: ledger.next, completed: ledger.next, outstanding: 0 });
  });

  for (const force of [false, true]) {
    it(`defect 3: the callback throws during ${force ? 'destroy({ force: true })' : 'a graceful destroy()'}: every request still reported once, then DoneCallbackError`, async () => {
      const ledger = new Ledger(64);
      const q = await create(
        via,
        (r, error) => {
          ledger.note(r, error);
          throw new Error(`callback of ${r.seq}`);
        },
        { threads: 2, slotsPerThread: 4 },
      );
      // Eight requests in flight (each sleeps 100 ms): a graceful destroy waits for them, a forced one fails them.
      for (let i = 0; i < 8; i++) ledger.submit(q, q.getRequestBlocking(5_000), MODE_SLEEP, 100);
      const destroyed = q.destroy({ force });
      const outcome = await withTimeout(destroyed.then(() => undefined, (e: unknown) => e), 20_000, 'destroy()');
      expect(Array.from(ledger.times.slice(0, 8)), 'reports per request').toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
      ledger.verify();
      if (force) {
        for (const e of ledger.errors.values()) expect(e.code).toBe(ERR_TWQ_DESTROYED);
      } else {
        expect(ledger.errors.size).toBe(0);
      }
      const error = await expectRejection(destroyed, DoneCallbackError, 'destroy()', '8 done callbacks threw');
      expect(outcome).toBe(error);
      expect(error.errors.map((e) => (e as Error).message).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `callback of ${i}`).sort());
      expect(q.state).toBe('destroyed');
      expect(q.stats()).toMatchObject({ submitted: 8, completed: 8, outstanding: 0 });
    });
  }

  it('defect 4: `if (error) throw error` on the getRequest* path: the error reaches the caller, the slot is free; with one slot the next getRequestBlocking() gets it', async () => {
    const ledger = new Ledger(64);
    const q = track(
      await create(
        via,
        (r, error) => {
          ledger.note(r, error);
          if (error) throw error;
        },
        { threads: 1, slotsPerThread: 1 },
      ),
    );
    ledger.submit(q, q.getRequestBlocking(5_000), MODE_THROW);
    const thrown = expectError(() => q.getRequestBlocking(5_000), RemoteError, 'bad seq 0');
    expect(thrown).toBe(ledger.errors.get(0));
    expect(q.stats()).toMatchObject({ submitted: 1, completed: 1, outstanding: 0 });
    const t0 = performance.now();
    let again: ChecksumRequest | undefined;
    try {
      again = q.getRequestBlocking(2_000);
    } catch (e) {
      expect.fail(`the slot whose callback threw was not free again: ${String(e)}`);
    }
    expect(performance.now() - t0).toBeLessThan(1_500);
    ledger.submit(q, again, MODE_THROW);
    // The async path: rejects with the error; the slot is free again too.
    await expect(q.getRequestAsync({ timeoutMs: 5_000 })).rejects.toBeInstanceOf(RemoteError);
    ledger.submit(q, q.getRequestBlocking(2_000));
    q.waitAll(5_000);
    ledger.verify();
    expect(q.stats()).toMatchObject({ submitted: 3, completed: 3, outstanding: 0 });
  });

  for (const path of ['getRequestBlocking', 'waitAll'] as const) {
    it(`defect 7: getRequestBlocking() from the callback with no free slot throws ReentrantCallError at once, never deadlocks (in ${path}())`, async () => {
      const ledger = new Ledger(64);
      const caught: unknown[] = [];
      const q = track(
        await create(
          via,
          (r, error, queue) => {
            ledger.note(r, error);
            try {
              queue.getRequestBlocking(3_000);
              caught.push('returned a request');
            } catch (e) {
              caught.push(e);
            }
          },
          { threads: 1, slotsPerThread: 1 },
        ),
      );
      ledger.submit(q, q.getRequestBlocking(5_000));
      if (path === 'waitAll') q.waitAll(5_000);
      else {
        // Waits for the worker, then reports the slot's result in this call.
        const again = q.getRequestBlocking(5_000);
        ledger.submit(q, again);
        q.waitAll(5_000);
      }
      expect(caught.length).toBeGreaterThan(0);
      for (const e of caught) {
        if (e instanceof WaitTimeoutError) expect.fail('the callback waited for a slot until its timeout (the old deadlock)');
        expect(e).toBeInstanceOf(ReentrantCallError);
        expect((e as ReentrantCallError).code).toBe(ERR_TWQ_REENTRANT_CALL);
        expect((e as Error).message).toContain('getRequestBlocking()');
      }
      ledger.verify();
    });
  }
});
