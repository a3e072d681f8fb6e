// Issue 11: hostile done callbacks on real threads. fast-check (seeded, a
// fixed number of runs, no shrinking: bounded in time) generates each run's
// queue (threads, slots, policy, the callback given as onDone or as the ops'
// done) and the script of what the callbacks do: call getRequest, submit,
// waitAll, drain, stats or getRequestBlocking from inside the callback, or
// throw. Each request carries its sequence number; the handler echoes it as
// out = mix(seq) and writes the worker it ran on. Over all runs, more than
// 100,000 requests: 0 lost, 0 reported twice, 0 fake successes (a success
// whose echo does not match, or whose handler never ran), and every throw of
// a callback comes back exactly once to the queue call that ran it (alone on
// the getRequest* path, inside a DoneCallbackError on the others).
// The size is fixed (not scaled by CI or TWQ_TEST_SCALE).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withTimeout } from '@twq/test-support/worker';
import type { PlacementPolicy } from '@twq/core';
import { DoneCallbackError, ReentrantCallError, RemoteError } from '../dist/index.js';
import {
  MODE_OK,
  MODE_THROW,
  NOT_RUN,
  createWithCallback,
  mix,
  submit,
  type CallbackVia,
  type ChecksumQueue,
  type ChecksumRequest,
} from './helpers.js';

const SEED = 0x11a_0c4b;
const RUNS = 6;
const REQUESTS_PER_RUN = 20_000;
/** Nested queue calls from callbacks that report (waitAll, getRequestBlocking) stop at this depth: the recursion is the callback's own. */
const MAX_DEPTH = 3;
/** Every wait of the harness. */
const WAIT_MS = 20_000;

type Action = 'none' | 'get' | 'submit' | 'waitAll' | 'drain' | 'stats' | 'getBlocking' | 'throw';

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 20, arbitrary: fc.constant('none' as const) },
  { weight: 20, arbitrary: fc.constant('get' as const) },
  { weight: 20, arbitrary: fc.constant('submit' as const) },
  { weight: 4, arbitrary: fc.constant('waitAll' as const) },
  { weight: 2, arbitrary: fc.constant('drain' as const) },
  { weight: 6, arbitrary: fc.constant('stats' as const) },
  { weight: 6, arbitrary: fc.constant('getBlocking' as const) },
  { weight: 3, arbitrary: fc.constant('throw' as const) },
);

interface Plan {
  threads: number;
  slotsPerThread: number;
  policy: PlacementPolicy;
  via: CallbackVia;
  /** What the k-th callback does: script[k % length], up to three actions each. */
  script: Action[][];
  /** Every `failEvery`-th request's handler throws (0: none). */
  failEvery: number;
}

const planArb: fc.Arbitrary<Plan> = fc.record({
  threads: fc.integer({ min: 1, max: 2 }),
  slotsPerThread: fc.constantFrom(1, 2, 5, 33),
  policy: fc.constantFrom<PlacementPolicy>('batch', 'round-robin'),
  via: fc.constantFrom<CallbackVia>('onDone', 'ops.done'),
  script: fc.array(fc.array(actionArb, { minLength: 1, maxLength: 3 }), { minLength: 4, maxLength: 48 }),
  failEvery: fc.constantFrom(0, 13, 97),
});

/** A throw of a callback, with its number: it must come back once. */
class PlantedThrow extends Error {
  constructor(readonly n: number) {
    super(`planted throw ${n}`);
  }
}

/** One run's books. */
class Run {
  readonly times = new Uint8Array(REQUESTS_PER_RUN);
  readonly wrong: string[] = [];
  readonly surfaced = new Uint8Array(1 << 16);
  next = 0;
  thrown = 0;
  refused = 0;
  reports = 0;
  maxDepth = 0;
  /** Requests claimed from inside callbacks, submitted by a later 'submit' (or by the main loop). */
  readonly held: ChecksumRequest[] = [];
  readonly drains: Promise<unknown>[] = [];
  depth = 0;
  k = 0;
  /** Actions taken, by kind. */
  readonly acted: Record<string, number> = {};

  constructor(readonly plan: Plan) {}

  fill(q: ChecksumQueue, r: ChecksumRequest): void {
    const seq = this.next++;
    submit(q, r, seq, this.fails(seq) ? MODE_THROW : MODE_OK);
  }

  fails(seq: number): boolean {
    return this.plan.failEvery !== 0 && seq % this.plan.failEvery === 0;
  }

  /** Counts the planted throws `e` carries; anything else is a failure of the queue (or of the harness). */
  surface(e: unknown): void {
    if (e instanceof PlantedThrow) {
      if (this.surfaced[e.n]++ !== 0) this.wrong.push(`planted throw ${e.n} came back twice`);
      return;
    }
    if (e instanceof DoneCallbackError) {
      for (const inner of e.errors) this.surface(inner);
      return;
    }
    throw e;
  }

  /** Runs a queue call, counting the planted throws it reports back. */
  call<T>(f: () => T): T | undefined {
    try {
      return f();
    } catch (e) {
      this.surface(e);
      return undefined;
    }
  }

  readonly onDone = (r: ChecksumRequest, error: RemoteError | undefined, q: ChecksumQueue): void => {
    this.reports++;
    const seq = r.seq;
    const out = r.out;
    if (seq >= this.next || seq >= REQUESTS_PER_RUN) this.wrong.push(`report of seq ${seq}, never submitted (next ${this.next})`);
    else if (this.times[seq]++ !== 0) this.wrong.push(`seq ${seq} reported twice`);
    if (this.fails(seq)) {
      if (!(error instanceof RemoteError) || !error.message.includes(`bad seq ${seq}`)) this.wrong.push(`seq ${seq} should have failed, got ${String(error)}`);
    } else if (error !== undefined) {
      this.wrong.push(`seq ${seq} failed: ${error.message}`);
    } else if (out !== mix(seq) || r.ranOn === NOT_RUN) {
      this.wrong.push(`fake success: seq ${seq} reported with out ${out}, ranOn ${r.ranOn}`);
    }
    const actions = this.plan.script[this.k++ % this.plan.script.length];
    this.depth++;
    this.maxDepth = Math.max(this.maxDepth, this.depth);
    try {
      for (const action of actions) this.act(action, q);
    } finally {
      this.depth--;
    }
    // The request stays the callback's while it calls the queue.
    if (r.seq !== seq || r.out !== out) this.wrong.push(`the callback of seq ${seq} found its request changed to seq ${r.seq}, out ${r.out}`);
  };

  private act(action: Action, q: ChecksumQueue): void {
    this.acted[action] = (this.acted[action] ?? 0) + 1;
    switch (action) {
      case 'none':
        return;
      case 'get': {
        if (this.held.length >= 4) return;
        const r = this.call(() => q.getRequest());
        if (r != null) this.held.push(r);
        return;
      }
      case 'submit': {
        if (this.next >= REQUESTS_PER_RUN) return;
        const r = this.held.pop();
        if (r !== undefined) this.fill(q, r);
        return;
      }
      case 'getBlocking': {
        if (this.held.length >= 4 || this.depth > MAX_DEPTH) return;
        try {
          // From a callback: a free slot at once, or ReentrantCallError; never a wait.
          const r = this.call(() => q.getRequestBlocking(WAIT_MS));
          if (r !== undefined) this.held.push(r);
        } catch (e) {
          if (!(e instanceof ReentrantCallError)) throw e;
          this.refused++;
        }
        return;
      }
      case 'waitAll':
        if (this.depth <= MAX_DEPTH) this.call(() => { q.waitAll(WAIT_MS); });
        return;
      case 'drain':
        if (this.drains.length < 64) this.drains.push(q.drain({ timeoutMs: WAIT_MS }).catch((e: unknown) => { this.surface(e); }));
        return;
      case 'stats': {
        const s = q.stats();
        if (s.outstanding < 0 || s.completed > s.submitted) this.wrong.push(`stats(): submitted ${s.submitted}, completed ${s.completed}, outstanding ${s.outstanding}`);
        return;
      }
      case 'throw':
        throw new PlantedThrow(this.thrown++);
    }
  }
}

async function runPlan(plan: Plan): Promise<Run> {
  const run = new Run(plan);
  const ref: { q?: ChecksumQueue } = {};
  const q = await createWithCallback(
    plan.via,
    (r, error) => {
      run.onDone(r, error, ref.q as ChecksumQueue);
    },
    { threads: plan.threads, slotsPerThread: plan.slotsPerThread, policy: plan.policy },
  );
  ref.q = q;
  try {
    let i = 0;
    while (run.next < REQUESTS_PER_RUN) {
      // Requests the callbacks claimed go first: else, with one slot, the main loop would wait for itself.
      const r = run.held.pop() ?? run.call(() => q.getRequestBlocking(WAIT_MS));
      // Callbacks that getRequestBlocking() ran may have submitted the last ones meanwhile.
      if (r !== undefined) {
        if (run.next < REQUESTS_PER_RUN) run.fill(q, r);
        else run.held.push(r);
      }
      if (++i % 97 === 0) run.call(() => { q.waitAll(WAIT_MS); });
      else if (i % 251 === 0) {
        await q.drain({ timeoutMs: WAIT_MS }).catch((e: unknown) => { run.surface(e); });
        // Drains started by callbacks: awaited now and then, so that their number stays bounded.
        await Promise.all(run.drains.splice(0));
      }
    }
    await Promise.all(run.drains.splice(0));
    run.call(() => { q.waitAll(WAIT_MS); });
    // Callbacks run by that waitAll() may have submitted more (never past REQUESTS_PER_RUN).
    while (q.stats().outstanding > 0) run.call(() => { q.waitAll(WAIT_MS); });
    await Promise.all(run.drains.splice(0));
  } finally {
    await withTimeout(q.destroy().catch((e: unknown) => { run.surface(e); }), WAIT_MS, 'destroy()');
  }
  const s = q.stats();
  if (s.submitted !== run.next || s.completed !== run.next) run.wrong.push(`stats(): submitted ${s.submitted}, completed ${s.completed}, want ${run.next} each`);
  return run;
}

describe('hostile done callbacks on real threads (fast-check, seeded)', () => {
  it(`${RUNS} runs x ${REQUESTS_PER_RUN} requests: 0 lost, 0 duplicated, 0 fake successes, every callback throw reported once`, async () => {
    const totals = { requests: 0, reports: 0, thrown: 0, refused: 0, maxDepth: 0, acted: {} as Record<string, number> };
    const t0 = performance.now();
    await fc.assert(
      fc.asyncProperty(planArb, async (plan) => {
        const run = await runPlan(plan);
        const where = `plan ${JSON.stringify({ ...plan, script: plan.script.length })}`;
        expect(run.wrong.slice(0, 5), where).toEqual([]);
        let lost = 0;
        for (let seq = 0; seq < run.next; seq++) if (run.times[seq] === 0) lost++;
        expect(lost, `${where}: lost`).toBe(0);
        let unreported = 0;
        for (let n = 0; n < run.thrown; n++) if (run.surfaced[n] !== 1) unreported++;
        expect(unreported, `${where}: callback throws not reported back exactly once`).toBe(0);
        totals.requests += run.next;
        totals.reports += run.reports;
        totals.thrown += run.thrown;
        totals.refused += run.refused;
        totals.maxDepth = Math.max(totals.maxDepth, run.maxDepth);
        for (const [action, n] of Object.entries(run.acted)) totals.acted[action] = (totals.acted[action] ?? 0) + n;
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    console.log(`[hostile-callbacks] ${JSON.stringify(totals)} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    expect(totals.requests).toBeGreaterThanOrEqual(100_000);
    expect(totals.reports).toBe(totals.requests);
    expect(totals.thrown).toBeGreaterThan(0);
  }, 180_000);
});
