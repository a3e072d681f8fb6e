// Property-based tests of the submitter/worker protocol against a plain model.
// An InlineQueue with autoRun: false runs the real protocol code over real
// shared memory on this thread, one step at a time: random sequences of
// getRequest / getRequestBlocking(0) / submit / step(worker) / runAll / waitAll
// / drain must do exactly what the model says, call by call.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InlineQueue, RequestStateError, WaitTimeoutError, defineLayout, defineOps, type PlacementPolicy, type RemoteError, type Request } from '../src/index.js';
import { mix } from './helpers.js';

const layout = defineLayout({ seq: 'u32', out: 'u32' });
type Spec = typeof layout.spec;

type Op =
  | { readonly kind: 'get' }
  | { readonly kind: 'getBlocking' }
  | { readonly kind: 'submit'; readonly pick: number }
  | { readonly kind: 'resubmit'; readonly pick: number }
  | { readonly kind: 'step'; readonly worker: number }
  | { readonly kind: 'runAll' }
  | { readonly kind: 'waitAll' }
  | { readonly kind: 'drain' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 30, arbitrary: fc.constant({ kind: 'get' as const }) },
  { weight: 4, arbitrary: fc.constant({ kind: 'getBlocking' as const }) },
  { weight: 30, arbitrary: fc.nat().map((pick) => ({ kind: 'submit' as const, pick })) },
  { weight: 3, arbitrary: fc.nat().map((pick) => ({ kind: 'resubmit' as const, pick })) },
  { weight: 15, arbitrary: fc.nat(2).map((worker) => ({ kind: 'step' as const, worker })) },
  { weight: 3, arbitrary: fc.constant({ kind: 'runAll' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'waitAll' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'drain' as const }) },
);

/** Slot states as the submitter sees them; 'handled' = back from the worker, done callback not yet run. */
type SlotState = 'free' | 'claimed' | 'submitted' | 'handled';

class Model {
  readonly state: SlotState[];
  readonly seqOf: number[];
  cursor = 0;
  /** Per worker: where its next scan for a submitted slot starts. */
  readonly scanFrom: number[] = [];
  submitted = 0;
  completed = 0;
  constructor(
    readonly threads: number,
    readonly slots: number,
    readonly policy: PlacementPolicy,
  ) {
    this.state = new Array<SlotState>(threads * slots).fill('free');
    this.seqOf = new Array<number>(threads * slots).fill(-1);
  }

  /** Where getRequest() must land, and which slot's done callback it must run first. */
  get(): { slot: number; reaped: number | undefined } | null {
    for (let k = 0; k < this.threads; k++) {
      const t = (this.cursor + k) % this.threads;
      for (let s = 0; s < this.slots; s++) {
        const g = t * this.slots + s;
        const st = this.state[g];
        if (st === 'free' || st === 'handled') {
          // batch stays on the worker while it has free slots; round-robin moves on after each get.
          this.cursor = this.policy === 'batch' ? t : (t + 1) % this.threads;
          this.state[g] = 'claimed';
          if (st === 'handled') this.completed++;
          return { slot: g, reaped: st === 'handled' ? g : undefined };
        }
      }
    }
    return null;
  }

  /**
   * The slot step(worker) handles: the first submitted one of that worker from
   * the slot after the last one it handled, wrapping around (round-robin, so
   * that no slot starves).
   */
  step(worker: number): number | undefined {
    const from = this.scanFrom[worker] ?? 0;
    for (let k = 0; k < this.slots; k++) {
      const s = (from + k) % this.slots;
      const g = worker * this.slots + s;
      if (this.state[g] === 'submitted') {
        this.state[g] = 'handled';
        this.scanFrom[worker] = (s + 1) % this.slots;
        return g;
      }
    }
    return undefined;
  }

  runAll(): number[] {
    const out: number[] = [];
    for (let t = 0; t < this.threads; t++) {
      for (let g = this.step(t); g !== undefined; g = this.step(t)) out.push(g);
    }
    return out;
  }

  /** Slots whose done callback a full reap runs, in slot order. */
  reapAll(): number[] {
    const out: number[] = [];
    for (let g = 0; g < this.state.length; g++) {
      if (this.state[g] === 'handled') {
        this.state[g] = 'free';
        this.completed++;
        out.push(g);
      }
    }
    return out;
  }

  claimed(): number[] {
    return this.state.flatMap((st, g) => (st === 'claimed' ? [g] : []));
  }

  hasFree(): boolean {
    return this.state.some((st) => st === 'free' || st === 'handled');
  }
}

interface Log {
  handled: [number, number][]; // [slot, seq]
  done: [number, number, number, string | undefined][]; // [slot, seq, out, error]
}

async function runScenario(threads: number, slots: number, policy: PlacementPolicy, ops: readonly Op[]): Promise<void> {
  const log: Log = { handled: [], done: [] };
  const handledCount = new Map<number, number>();
  const doneCount = new Map<number, number>();
  const queueOps = defineOps({
    layout,
    handle(r) {
      log.handled.push([r.slot, r.seq]);
      handledCount.set(r.seq, (handledCount.get(r.seq) ?? 0) + 1);
      r.out = mix(r.seq);
    },
    done(r, error: RemoteError | undefined) {
      log.done.push([r.slot, r.seq, r.out, error?.message]);
      doneCount.set(r.seq, (doneCount.get(r.seq) ?? 0) + 1);
    },
  });
  const q = await InlineQueue.create(queueOps, { threads, slotsPerThread: slots, policy, autoRun: false });
  const m = new Model(threads, slots, policy);
  /** Request objects seen so far, by slot (one object per slot, for the life of the queue). */
  const objects = new Map<number, Request<Spec>>();
  let nextSeq = 1;
  const expected: Log = { handled: [], done: [] };
  const expectHandled = (slots_: number[]): void => {
    for (const g of slots_) expected.handled.push([g, m.seqOf[g]]);
  };
  const expectDone = (slots_: number[]): void => {
    for (const g of slots_) expected.done.push([g, m.seqOf[g], mix(m.seqOf[g]), undefined]);
  };
  const checkGet = (r: Request<Spec> | null, want: ReturnType<Model['get']>, call: string): void => {
    expect(r?.slot ?? null, `${call} slot`).toBe(want?.slot ?? null);
    if (r === null || want === null) return;
    expect(r.worker).toBe(Math.floor(want.slot / slots));
    if (objects.has(r.slot)) expect(r, 'one request object per slot').toBe(objects.get(r.slot));
    objects.set(r.slot, r);
  };

  try {
    for (const [i, op] of ops.entries()) {
      const where = `op ${i} ${JSON.stringify(op)}`;
      switch (op.kind) {
        case 'get': {
          const want = m.get();
          if (want?.reaped !== undefined) expectDone([want.reaped]);
          checkGet(q.getRequest(), want, where);
          break;
        }
        case 'getBlocking': {
          // Inline, a blocking get that finds nothing free first runs what is pending.
          if (!m.hasFree()) expectHandled(m.runAll());
          if (!m.hasFree()) {
            expect(() => q.getRequestBlocking(0), where).toThrow(WaitTimeoutError);
            break;
          }
          const want = m.get();
          if (want?.reaped !== undefined) expectDone([want.reaped]);
          checkGet(q.getRequestBlocking(0), want, where);
          break;
        }
        case 'submit': {
          const claimed = m.claimed();
          if (claimed.length === 0) break;
          const g = claimed[op.pick % claimed.length];
          const r = objects.get(g);
          if (r === undefined) throw new Error(`${where}: no object for claimed slot ${g}`);
          const seq = nextSeq++;
          r.seq = seq;
          r.out = 0;
          q.submit(r);
          m.state[g] = 'submitted';
          m.seqOf[g] = seq;
          m.submitted++;
          break;
        }
        case 'resubmit': {
          const stale = [...objects.keys()].filter((g) => m.state[g] !== 'claimed');
          if (stale.length === 0) break;
          const r = objects.get(stale[op.pick % stale.length]);
          if (r === undefined) break;
          expect(() => {
            q.submit(r);
          }, where).toThrow(RequestStateError);
          break;
        }
        case 'step': {
          const w = op.worker % threads;
          const g = m.step(w);
          expect(q.step(w), where).toBe(g === undefined ? 0 : 1);
          if (g !== undefined) expectHandled([g]);
          break;
        }
        case 'runAll': {
          const handled = m.runAll();
          expect(q.runAll(), where).toBe(handled.length);
          expectHandled(handled);
          break;
        }
        case 'waitAll':
        case 'drain': {
          expectHandled(m.runAll());
          expectDone(m.reapAll());
          if (op.kind === 'waitAll') q.waitAll(5_000);
          else await q.drain({ timeoutMs: 5_000 });
          break;
        }
      }
      expect(log.handled, `handler calls after ${where}`).toEqual(expected.handled);
      expect(log.done, `done calls after ${where}`).toEqual(expected.done);
      expect(q.stats(), `stats after ${where}`).toMatchObject({
        submitted: m.submitted,
        completed: m.completed,
        outstanding: m.submitted - m.completed,
      });
    }
    // Everything submitted comes back: handled once, done once.
    expectHandled(m.runAll());
    expectDone(m.reapAll());
    q.waitAll(5_000);
    expect(log.handled).toEqual(expected.handled);
    expect(log.done).toEqual(expected.done);
    for (let seq = 1; seq < nextSeq; seq++) {
      expect(handledCount.get(seq), `handler calls for seq ${seq}`).toBe(1);
      expect(doneCount.get(seq), `done calls for seq ${seq}`).toBe(1);
    }
    expect(q.stats()).toMatchObject({ submitted: nextSeq - 1, completed: nextSeq - 1, outstanding: 0 });
  } finally {
    await q.destroy({ force: true });
  }
}

const policyArb = fc.constantFrom<PlacementPolicy>('batch', 'round-robin');
const opsArb = fc.array(opArb, { minLength: 1, maxLength: 300 });

describe('protocol against the model (InlineQueue, autoRun: false)', () => {
  it('random sequences, 1-3 workers x 1-40 slots, both policies', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.oneof(fc.constantFrom(1, 2, 31, 32, 33), fc.integer({ min: 1, max: 40 })),
        policyArb,
        opsArb,
        async (threads, slots, policy, ops) => {
          await runScenario(threads, slots, policy, ops);
        },
      ),
      { numRuns: 150 },
    );
  });

  it.each([31, 32, 33])('word-boundary size: %i slots per worker, filled to the last slot', async (slots) => {
    // Long sequences dominated by gets and submits, so every slot, the last word's top bit included, is used.
    const fillingOp = fc.oneof(
      { weight: 10, arbitrary: fc.constant<Op>({ kind: 'get' }) },
      { weight: 10, arbitrary: fc.nat().map<Op>((pick) => ({ kind: 'submit', pick })) },
      { weight: 3, arbitrary: fc.nat(2).map<Op>((worker) => ({ kind: 'step', worker })) },
      { weight: 1, arbitrary: opArb },
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3 }), policyArb, fc.array(fillingOp, { minLength: 100, maxLength: 400 }), async (threads, policy, ops) => {
        await runScenario(threads, slots, policy, ops);
      }),
      { numRuns: 40 },
    );
  });
});

describe('placement, spelled out', () => {
  const ops = defineOps({
    layout,
    handle() {
      /* nothing */
    },
  });

  it('batch fills the current worker before moving on, and comes back to a worker that has room', async () => {
    const q = await InlineQueue.create(ops, { threads: 3, slotsPerThread: 2, policy: 'batch', autoRun: false });
    const got = [];
    for (let i = 0; i < 6; i++) got.push(q.getRequest());
    expect(got.map((r) => r?.worker)).toEqual([0, 0, 1, 1, 2, 2]);
    expect(q.getRequest()).toBeNull();
    // Free one slot on worker 0: batch (now on worker 2, full) wraps to it.
    const r0 = got[0];
    if (r0 === null) throw new Error('full');
    q.submit(r0);
    q.step(0);
    expect(q.getRequest()?.slot).toBe(0);
    await q.destroy({ force: true });
  });

  it('round-robin moves to the next worker after each get, skipping full ones', async () => {
    const q = await InlineQueue.create(ops, { threads: 3, slotsPerThread: 2, policy: 'round-robin', autoRun: false });
    const got = [];
    for (let i = 0; i < 6; i++) got.push(q.getRequest());
    expect(got.map((r) => r?.worker)).toEqual([0, 1, 2, 0, 1, 2]);
    expect(got.map((r) => r?.slot)).toEqual([0, 2, 4, 1, 3, 5]);
    expect(q.getRequest()).toBeNull();
    const r3 = got[3]; // worker 0, slot 1
    if (r3 === null) throw new Error('full');
    q.submit(r3);
    q.step(0);
    expect(q.getRequest()?.slot).toBe(1);
    await q.destroy({ force: true });
  });

  it.each([31, 32, 33, 64, 65])('%i slots per worker: every slot is handed out once, then null', async (slots) => {
    const q = await InlineQueue.create(ops, { threads: 2, slotsPerThread: slots, autoRun: false });
    const seen = new Set<number>();
    for (let i = 0; i < 2 * slots; i++) {
      const r = q.getRequest();
      expect(r, `get ${i}`).not.toBeNull();
      if (r !== null) seen.add(r.slot);
    }
    expect(seen.size).toBe(2 * slots);
    expect(q.getRequest()).toBeNull();
    await q.destroy({ force: true });
  });
});
