// Issue 11, part A: the done callbacks (`onDone`, the ops' `done`) may call any
// queue method and may throw; every submitted request is still reported
// exactly once, with its own result. On one thread (InlineQueue): the same
// protocol code as the threaded queue, deterministic. Each test runs with the
// callback given as `onDone` and as the ops module's `done`.
import { expectError, expectRejection } from '@twq/test-support/expect-error';
import { withTimeout } from '@twq/test-support/worker';
import { describe, expect, it } from 'vitest';
import {
  DoneCallbackError,
  ERR_TWQ_DESTROYED,
  ERR_TWQ_DONE_CALLBACK,
  ERR_TWQ_REENTRANT_CALL,
  InlineQueue,
  ReentrantCallError,
  RemoteError,
  RequestStateError,
  TaskQueue,
  defineLayout,
  defineOps,
  type Request,
  type TaskCodec,
} from '../src/index.js';
import { mix } from './helpers.js';

const layout = defineLayout({ id: 'u32', fail: 'i32', out: 'u32' });
type Spec = typeof layout.spec;
type Q = InlineQueue<Spec>;
type Callback = (request: Request<Spec>, error: RemoteError | undefined, queue: Q) => void;
type Via = 'onDone' | 'ops.done';
const VIAS: Via[] = ['onDone', 'ops.done'];

/** An inline queue whose handler echoes `out = mix(id)` (or throws when `fail`), with `callback` as its onDone or its ops' done. */
async function create(via: Via, callback: Callback, options: { threads?: number; slotsPerThread?: number; autoRun?: boolean } = {}): Promise<Q> {
  const ref: { queue?: Q } = {};
  const done = (r: Request<Spec>, e: RemoteError | undefined): void => {
    callback(r, e, ref.queue as Q);
  };
  const ops = defineOps({
    layout,
    handle(r) {
      if (r.fail !== 0) throw new RangeError(`request ${r.id} fails`);
      r.out = mix(r.id);
    },
    ...(via === 'ops.done' ? { done } : {}),
  });
  ref.queue = await InlineQueue.create(ops, { ...options, ...(via === 'onDone' ? { onDone: done } : {}) });
  return ref.queue;
}

/**
 * What came back, per request id (ids from 1: a slot never filled reads 0).
 * `note` is called first thing in the callback; `recheck` after the callback
 * has re-entered the queue: the request must still be its own.
 */
class Ledger {
  readonly times = new Map<number, number>();
  readonly errors = new Map<number, RemoteError>();
  readonly fakes: string[] = [];
  next = 1;

  note(r: Request<Spec>, error: RemoteError | undefined): void {
    this.times.set(r.id, (this.times.get(r.id) ?? 0) + 1);
    if (error !== undefined) this.errors.set(r.id, error);
    else if (r.out !== mix(r.id)) this.fakes.push(`request ${r.id} reported done with out ${r.out}, want ${mix(r.id)}`);
  }

  /** After re-entering: the callback's request still holds what it held on entry. */
  recheck(r: Request<Spec>, id: number, out: number): void {
    if (r.id !== id || r.out !== out) this.fakes.push(`the callback of request ${id} found its request changed to id ${r.id}, out ${r.out} after re-entering the queue`);
  }

  fill(r: Request<Spec>, fail = false): number {
    const id = this.next++;
    r.id = id;
    r.fail = fail ? 1 : 0;
    r.out = 0;
    return id;
  }

  /** Every id in [1, next) reported exactly once, none a fake. */
  verify(): void {
    expect(this.fakes).toEqual([]);
    const wrong: string[] = [];
    for (let id = 1; id < this.next; id++) {
      const n = this.times.get(id) ?? 0;
      if (n !== 1) wrong.push(`request ${id} reported ${n} times`);
    }
    for (const id of this.times.keys()) if (id < 1 || id >= this.next) wrong.push(`report of request ${id}, never submitted`);
    expect(wrong).toEqual([]);
  }
}

describe.each(VIAS)('done callback given as %s', (via) => {
  describe('defect 1: getRequest() from the callback while waitAll() / drain() reports', () => {
    it('never hands out the slot whose callback runs: each report is of a handled request with its own result, once', async () => {
      const ledger = new Ledger();
      const LIMIT = 200;
      const q = await create(
        via,
        (r, error, queue) => {
          ledger.note(r, error);
          const id = r.id;
          const out = r.out;
          // Re-enter: claim and submit up to two more (autoRun is off: they stay unhandled).
          for (let k = 0; k < 2 && ledger.next <= LIMIT; k++) {
            const n = queue.getRequest();
            if (n === null) break;
            expect(n, 'getRequest() from a callback returned the request being reported').not.toBe(r);
            ledger.fill(n);
            queue.submit(n);
          }
          ledger.recheck(r, id, out);
          expect(queue.stats().outstanding).toBeGreaterThanOrEqual(0);
        },
        { threads: 2, slotsPerThread: 3, autoRun: false },
      );
      for (let i = 0; i < 6; i++) {
        const r = q.getRequest() as Request<Spec>;
        ledger.fill(r);
        q.submit(r);
      }
      for (let round = 0; ledger.next <= LIMIT || q.stats().outstanding > 0; round++) {
        expect(round, 'rounds').toBeLessThan(1000);
        q.runAll();
        if (round % 2 === 0) q.waitAll();
        else await q.drain();
      }
      ledger.verify();
      // A getRequest() that reports a slot's earlier result runs a nested callback, which may claim one more.
      expect(ledger.next - 1).toBeGreaterThanOrEqual(LIMIT);
      expect(q.stats()).toMatchObject({ submitted: ledger.next - 1, completed: ledger.next - 1, outstanding: 0 });
      await q.destroy();
    });

    it('refuses submit() of the request being reported from its own callback (it is not claimed): RequestStateError', async () => {
      const seen: unknown[] = [];
      const q = await create(via, (r, _error, queue) => {
        try {
          queue.submit(r);
          seen.push('accepted');
        } catch (e) {
          seen.push(e);
        }
      }, { slotsPerThread: 1 });
      const ledger = new Ledger();
      const r = q.getRequest() as Request<Spec>;
      ledger.fill(r);
      q.submit(r);
      // The claim path (the slot's earlier result is reported when it is reused), then the waitAll path.
      const again = q.getRequest() as Request<Spec>;
      expect(again).toBe(r);
      ledger.fill(again);
      q.submit(again);
      q.waitAll();
      expect(seen).toHaveLength(2);
      for (const e of seen) expect(e).toBeInstanceOf(RequestStateError);
      expect(q.stats()).toMatchObject({ submitted: 2, completed: 2, outstanding: 0 });
      await q.destroy();
    });
  });

  describe('defect 2: waitAll() from the callback', () => {
    it('reports each request once; outstanding never goes negative', async () => {
      const ledger = new Ledger();
      const LIMIT = 300;
      let depth = 0;
      let minOutstanding = 0;
      const q = await create(
        via,
        (r, error, queue) => {
          ledger.note(r, error);
          const id = r.id;
          const out = r.out;
          depth++;
          try {
            const n = ledger.next <= LIMIT ? queue.getRequest() : null;
            if (n !== null) {
              ledger.fill(n, n.slot % 5 === 0);
              queue.submit(n);
            }
            if (depth < 4) queue.waitAll();
          } finally {
            depth--;
          }
          minOutstanding = Math.min(minOutstanding, queue.stats().outstanding);
          ledger.recheck(r, id, out);
        },
        { threads: 2, slotsPerThread: 4 },
      );
      while (ledger.next <= LIMIT) {
        const r = q.getRequest();
        if (r === null) {
          q.waitAll();
          continue;
        }
        ledger.fill(r);
        q.submit(r);
      }
      q.waitAll();
      q.waitAll();
      expect(minOutstanding).toBe(0);
      ledger.verify();
      // Callbacks nested in waitAll() may each have claimed one more before seeing LIMIT reached.
      expect(ledger.next - 1).toBeGreaterThanOrEqual(LIMIT);
      expect(q.stats()).toMatchObject({ submitted: ledger.next - 1, completed: ledger.next - 1, outstanding: 0 });
      await q.destroy();
    });
  });

  describe('defect 3: the callback throws during destroy()', () => {
    for (const force of [false, true]) {
      it(`${force ? 'destroy({ force: true })' : 'graceful destroy()'} still reports every request once, then rejects with DoneCallbackError holding each throw`, async () => {
        const ledger = new Ledger();
        const q = await create(
          via,
          (r, error) => {
            ledger.note(r, error);
            throw new Error(`callback of ${r.id}`);
          },
          { threads: 2, slotsPerThread: 4, autoRun: false },
        );
        for (let i = 0; i < 8; i++) {
          const r = q.getRequest() as Request<Spec>;
          ledger.fill(r);
          q.submit(r);
        }
        const destroyed = q.destroy({ force });
        await withTimeout(destroyed.then(() => undefined, () => undefined), 10_000, 'destroy()');
        // Every request reported once first; then what destroy() says.
        ledger.verify();
        const error = await expectRejection(destroyed, DoneCallbackError, 'destroy()', '8 done callbacks threw');
        expect(error).toBeInstanceOf(AggregateError);
        expect(error.code).toBe(ERR_TWQ_DONE_CALLBACK);
        expect(error.errors.map((e) => (e as Error).message).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `callback of ${i + 1}`).sort());
        if (force) expect([...ledger.errors.values()].every((e) => e.code === ERR_TWQ_DESTROYED)).toBe(true);
        else expect(ledger.errors.size).toBe(0);
        expect(q.state).toBe('destroyed');
        expect(q.stats()).toMatchObject({ submitted: 8, completed: 8, outstanding: 0 });
        // Idempotent: the same rejected promise.
        await expect(q.destroy()).rejects.toBe(error);
      });
    }
  });

  describe('defect 4: the callback throws on the getRequest* path', () => {
    it('`if (error) throw error`: getRequest() throws that error with the slot reported and free; with one slot the next getRequestBlocking() gets it', async () => {
      const ledger = new Ledger();
      const q = await create(
        via,
        (r, error) => {
          ledger.note(r, error);
          if (error) throw error;
        },
        { slotsPerThread: 1 },
      );
      const r = q.getRequest() as Request<Spec>;
      ledger.fill(r, true);
      q.submit(r);
      const thrown = expectError(() => q.getRequest(), RemoteError, 'request 1 fails');
      expect(thrown).toBe(ledger.errors.get(1));
      expect(q.stats()).toMatchObject({ submitted: 1, completed: 1, outstanding: 0 });
      const t0 = performance.now();
      const again = q.getRequestBlocking(2_000);
      expect(performance.now() - t0).toBeLessThan(1_000);
      expect(again).toBe(r);
      ledger.fill(again, true);
      q.submit(again);
      // The async path: rejects with the error, and the slot is free too.
      const rejected = q.getRequestAsync({ timeoutMs: 2_000 });
      await expect(rejected).rejects.toBeInstanceOf(RemoteError);
      await expect(rejected).rejects.toBe(ledger.errors.get(2));
      const third = q.getRequest() as Request<Spec>;
      expect(third).toBe(r);
      ledger.fill(third);
      q.submit(third);
      q.waitAll();
      ledger.verify();
      expect(q.stats()).toMatchObject({ submitted: 3, completed: 3, outstanding: 0 });
      await q.destroy();
    });

    it('in waitAll() / drain(), every request is reported before DoneCallbackError is thrown', async () => {
      const ledger = new Ledger();
      const q = await create(
        via,
        (r, error) => {
          ledger.note(r, error);
          if (error) throw error;
        },
        // Not handled at submit: else getRequest() would reuse the first slot, and report it, at once.
        { threads: 2, slotsPerThread: 4, autoRun: false },
      );
      for (const wait of ['waitAll', 'drain'] as const) {
        for (let i = 0; i < 8; i++) {
          const r = q.getRequest() as Request<Spec>;
          ledger.fill(r, i % 3 === 0);
          q.submit(r);
        }
        const error =
          wait === 'waitAll'
            ? expectError(() => {
                q.waitAll();
              }, DoneCallbackError, 'waitAll()', '3 done callbacks threw')
            : await expectRejection(q.drain(), DoneCallbackError, 'drain()', '3 done callbacks threw');
        expect(error.errors.every((e) => e instanceof RemoteError)).toBe(true);
        expect(q.stats().outstanding).toBe(0);
      }
      ledger.verify();
      await q.destroy();
    });
  });

  describe('defect 7: getRequestBlocking() from the callback with no free slot', () => {
    for (const path of ['getRequestBlocking', 'waitAll'] as const) {
      it(`throws ReentrantCallError naming it at once instead of deadlocking (the callback runs in ${path}())`, async () => {
        const caught: unknown[] = [];
        const ledger = new Ledger();
        const q = await create(
          via,
          (r, error, queue) => {
            ledger.note(r, error);
            try {
              queue.getRequestBlocking(2_000);
              caught.push('returned a request');
            } catch (e) {
              caught.push(e);
            }
          },
          { slotsPerThread: 1 },
        );
        const r = q.getRequest() as Request<Spec>;
        ledger.fill(r);
        q.submit(r);
        const t0 = performance.now();
        if (path === 'waitAll') q.waitAll();
        else {
          const again = q.getRequestBlocking(2_000);
          ledger.fill(again);
          q.submit(again);
          q.waitAll();
        }
        expect(performance.now() - t0, 'the refusal is immediate').toBeLessThan(1_500);
        expect(caught.length).toBeGreaterThan(0);
        for (const e of caught) {
          expect(e).toBeInstanceOf(ReentrantCallError);
          expect((e as ReentrantCallError).code).toBe(ERR_TWQ_REENTRANT_CALL);
          expect((e as ReentrantCallError).call).toBe('getRequestBlocking()');
          expect((e as Error).message).toContain('getRequestBlocking() was called from a done callback');
        }
        ledger.verify();
        await q.destroy();
      });
    }

    it('with a slot free, getRequestBlocking() from the callback just returns it', async () => {
      const ledger = new Ledger();
      let got = 0;
      const q = await create(
        via,
        (r, error, queue) => {
          ledger.note(r, error);
          if (ledger.next > 20) return;
          const n = queue.getRequestBlocking(2_000);
          got++;
          ledger.fill(n);
          queue.submit(n);
        },
        { slotsPerThread: 2, autoRun: true },
      );
      const r = q.getRequest() as Request<Spec>;
      ledger.fill(r);
      q.submit(r);
      while (q.stats().outstanding > 0) q.waitAll();
      expect(got).toBe(19);
      ledger.verify();
      await q.destroy();
    });
  });

  it('destroy() from the callback: every request is reported once', async () => {
    const ledger = new Ledger();
    let destroying: Promise<void> | undefined;
    const q = await create(
      via,
      (r, error, queue) => {
        ledger.note(r, error);
        destroying ??= queue.destroy();
      },
      { threads: 2, slotsPerThread: 3, autoRun: false },
    );
    for (let i = 0; i < 6; i++) {
      const r = q.getRequest() as Request<Spec>;
      ledger.fill(r);
      q.submit(r);
    }
    q.runAll();
    q.waitAll();
    await withTimeout(destroying as Promise<void>, 10_000, 'destroy() from a callback');
    ledger.verify();
    expect(q.stats()).toMatchObject({ submitted: 6, completed: 6, outstanding: 0 });
  });
});

describe('the task layer (TaskQueue) over a queue whose codec re-enters and throws', () => {
  it('every run() / all() / map() task settles exactly once with its own result or error', async () => {
    const vLayout = defineLayout({ v: 'f64', out: 'f64' });
    type V = typeof vLayout.spec;
    const ref: { tasks?: TaskQueue<number, number, V> } = {};
    const reentered: { v: number; p: Promise<number> }[] = [];
    const codec: TaskCodec<number, number, V> = {
      write(r, input) {
        r.v = input;
      },
      skip(r) {
        r.v = Number.NaN;
      },
      read(r) {
        // User code inside the queue's done callback: re-enters the task queue, and throws now and then.
        const v = r.v;
        if (v % 5 === 0 && v < 1000) reentered.push({ v: v + 1000, p: (ref.tasks as TaskQueue<number, number, V>).run(v + 1000) });
        if (v % 7 === 0) throw new Error(`read ${v}`);
        return r.out;
      },
    };
    const tasks = new TaskQueue<number, number, V>(codec, 'reentrant');
    ref.tasks = tasks;
    const ops = defineOps({
      layout: vLayout,
      handle(r) {
        r.out = r.v * 2;
      },
    });
    const q = await InlineQueue.create(ops, { threads: 2, slotsPerThread: 4, onDone: tasks.onDone });
    tasks.attach(q);
    const check = (v: number, p: Promise<number>): Promise<string | undefined> =>
      p.then(
        (out) => (v % 7 === 0 ? `task ${v} resolved with ${out}, but its read threw` : out === v * 2 ? undefined : `task ${v} resolved with ${out}`),
        (e: unknown) => (v % 7 === 0 && (e as Error).message === `read ${v}` ? undefined : `task ${v} rejected with ${String(e)}`),
      );
    const checks: Promise<string | undefined>[] = [];
    // then-callbacks that run() again.
    for (let v = 1; v <= 200; v++) {
      checks.push(
        check(v, tasks.run(v)).then(async (wrong) => wrong ?? (v % 3 === 0 ? check(v + 2000, tasks.run(v + 2000)) : undefined)),
      );
    }
    const all = tasks.all(Array.from({ length: 50 }, (_, i) => 3001 + i * 7 + 1));
    const mapped: number[] = [];
    for await (const out of tasks.map(Array.from({ length: 60 }, (_, i) => 5001 + i * 7 + 1))) mapped.push(out);
    const wrong = (await withTimeout(Promise.all(checks), 10_000, 'the run() tasks')).filter((w) => w !== undefined);
    expect(wrong).toEqual([]);
    expect(await withTimeout(all, 10_000, 'all()')).toEqual(Array.from({ length: 50 }, (_, i) => 2 * (3001 + i * 7 + 1)));
    expect(mapped).toEqual(Array.from({ length: 60 }, (_, i) => 2 * (5001 + i * 7 + 1)));
    // The re-entrant runs settle too, each with its own result.
    expect(reentered.length).toBe(40);
    const again = await withTimeout(Promise.all(reentered.map(({ v, p }) => check(v, p))), 10_000, 'the re-entrant run() tasks');
    expect(again.filter((w) => w !== undefined)).toEqual([]);
    await withTimeout(tasks.destroy(), 10_000, 'destroy()');
    expect(tasks.pending).toBe(0);
    expect(q.stats().outstanding).toBe(0);
  });
});
