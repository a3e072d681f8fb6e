/**
 * Exhaustive (bounded) interleaving check of the workqueue protocol, on the real
 * submitter and worker code of @twq/core: every Atomics operation on the queue's
 * memory is one step, and the explorer runs every order of those steps that has
 * at most PREEMPTION_BOUND preemptions (up to a budget per configuration).
 * Checked in every execution: a slot is touched only by its owner; every request
 * is handled once and passed to the done callback once, with its own result; no
 * thread stays parked while work it must do is pending; destroy ends every thread;
 * every wake and completion event word, and the doorbell, holds one of its three states.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DOORBELL_OFFSET, computeGeometry, type Geometry } from '../../src/host-entry.js';
import { BLOCKS_OFFSET, W_HANDLED } from '../../src/memory-layout.js';
import { budget, PREEMPTION_BOUND } from './budget.js';
import { Explorer, type Buffers } from './explorer.mjs';
import { AUDIT_BYTES, AUDIT_CANCELLED, AUDIT_CANCEL_WON, AUDIT_DESTROYED, AUDIT_DIED, AUDIT_SURFACED, AUDIT_THROWN, AUDIT_WORKER_OK } from './scenario.mjs';
import { record } from './report.js';

const REQUEST_BYTES = 8; // layout { seq: 'i32', result: 'i32' }

interface Config {
  name: string;
  threads: number;
  slots: number;
  policy: 'batch' | 'round-robin';
  script: string[];
  executions: number;
  /** Overrides PREEMPTION_BOUND for this configuration. */
  preemptionBound?: number;
  /** The thread that runs this request dies in its handler (and comes back as its replacement). */
  dieOnSeq?: number;
  /** The submitter's help mode (default 'never'). */
  help?: 'auto' | 'never';
  /**
   * Calls the done callback of request `seq` makes back into the queue, in
   * order: 'get' (getRequest(), the request held), 'getBlocking' (the same, or
   * ReentrantCallError when no slot is free), 'submit' (the last held request,
   * filled as the next sequence number), 'waitAll', 'drain', 'throw' (the
   * callback throws: every throw must come back to exactly one of the
   * submitter's calls, alone or in a DoneCallbackError).
   */
  reenter?: Record<number, string[]>;
  /** Handlers return a promise (settled a microtask later): the worker loop runs async. */
  asyncHandler?: boolean;
  /** Elastic threads: the workers that start with the queue (`threads` is maxThreads); see serveElastic in code-thread.mjs. */
  minThreads?: number;
  /** Whether idle workers steal (default true). */
  steal?: boolean;
  /** Steps after which an execution is scheduled round-robin (the explorer's default: 200). */
  fairAfter?: number;
}

const configs: Config[] = [
  { name: '1 worker x 1 slot, 3 blocking gets, waitAll', threads: 1, slots: 1, policy: 'batch', script: ['getBlocking', 'getBlocking', 'getBlocking', 'waitAll'], executions: 15_000 },
  { name: '1 worker x 2 slots, get x3 (may be null), waitAll', threads: 1, slots: 2, policy: 'batch', script: ['get', 'get', 'get', 'waitAll'], executions: 10_000 },
  { name: '1 worker x 3 slots, 5 blocking gets, drain', threads: 1, slots: 3, policy: 'batch', script: ['getBlocking', 'getBlocking', 'getBlocking', 'getBlocking', 'getBlocking', 'drain'], executions: 15_000 },
  { name: '1 worker x 1 slot, 2 async gets, drain', threads: 1, slots: 1, policy: 'batch', script: ['getAsync', 'getAsync', 'drain'], executions: 10_000 },
  { name: '2 workers x 1 slot, batch, 3 blocking gets, waitAll', threads: 2, slots: 1, policy: 'batch', script: ['getBlocking', 'getBlocking', 'getBlocking', 'waitAll'], executions: 20_000 },
  { name: '2 workers x 1 slot, round-robin, 4 blocking gets, drain', threads: 2, slots: 1, policy: 'round-robin', script: ['getBlocking', 'getBlocking', 'getBlocking', 'getBlocking', 'drain'], executions: 15_000 },
  { name: '2 workers x 2 slots, batch, get x3, async get, waitAll', threads: 2, slots: 2, policy: 'batch', script: ['get', 'get', 'get', 'getAsync', 'waitAll'], executions: 15_000 },
  { name: '2 workers x 2 slots, round-robin, 5 blocking gets, drain', threads: 2, slots: 2, policy: 'round-robin', script: ['getBlocking', 'getBlocking', 'getBlocking', 'getBlocking', 'getBlocking', 'drain'], executions: 15_000 },
  { name: '2 workers x 3 slots, batch, get x5, drain', threads: 2, slots: 3, policy: 'batch', script: ['get', 'get', 'get', 'get', 'get', 'drain'], executions: 10_000 },
  { name: '1 worker x 2 slots, get, waitAll, get x2, drain', threads: 1, slots: 2, policy: 'batch', script: ['get', 'waitAll', 'get', 'get', 'drain'], executions: 10_000 },
  { name: '1 worker x 1 slot, 2 blocking gets, waitAll, 3 preemptions', threads: 1, slots: 1, policy: 'batch', script: ['getBlocking', 'getBlocking', 'waitAll'], executions: 20_000, preemptionBound: 3 },
];

/**
 * Claims (issue 13): with two workers and batch placement both requests go to
 * worker 0's partition, so worker 1 may steal either; the submitter's cancel
 * races both of them for one slot.
 */
const claimConfigs: Config[] = [
  { name: 'claims: owner vs thief vs cancel for one slot (2 workers x 2 slots)', threads: 2, slots: 2, policy: 'batch', script: ['get', 'get', 'cancel:1', 'waitAll'], executions: 20_000 },
  { name: 'claims: a steal racing the owner\'s completion, slots reused (2 workers x 2 slots)', threads: 2, slots: 2, policy: 'batch', script: ['getBlocking', 'getBlocking', 'getBlocking', 'drain'], executions: 20_000 },
  { name: 'claims: owner vs thief vs helping submitter vs cancel for one slot (2 workers x 2 slots, help auto)', threads: 2, slots: 2, policy: 'batch', script: ['get', 'get', 'cancel:1', 'waitAll'], executions: 20_000, help: 'auto' },
  { name: 'claims: the submitter helps in blocking gets while the worker runs (1 worker x 2 slots, help auto)', threads: 1, slots: 2, policy: 'batch', script: ['getBlocking', 'getBlocking', 'getBlocking', 'getBlocking', 'waitAll'], executions: 15_000, help: 'auto' },
  { name: 'claims: cancel racing a worker death; the replacement runs what was queued (1 worker x 2 slots)', threads: 1, slots: 2, policy: 'batch', script: ['get', 'get', 'cancel:0', 'waitAll'], executions: 15_000, dieOnSeq: 0 },
  { name: 'claims: the thread running a request dies (owner or thief) while the submitter cancels another (2 workers x 2 slots)', threads: 2, slots: 2, policy: 'batch', script: ['get', 'get', 'cancel:1', 'waitAll'], executions: 15_000, dieOnSeq: 0 },
];

/**
 * Issue 11: done callbacks that re-enter the queue (getRequest, submit,
 * waitAll, drain, getRequestBlocking from inside done) and that throw. Bound:
 * the scripts below (at most 7 requests), PREEMPTION_BOUND preemptions per
 * execution, and each configuration's budget of executions. In every
 * execution: each request handled once and passed to done once with its own
 * result, the request unchanged while its callback calls the queue, and every
 * planted throw reported back once.
 */
const callbackConfigs: Config[] = [
  {
    name: 'callbacks: getRequest, submit and waitAll from inside done (1 worker x 2 slots)',
    threads: 1,
    slots: 2,
    policy: 'batch',
    script: ['get', 'get', 'waitAll', 'get', 'drain'],
    reenter: { 0: ['get', 'waitAll', 'submit'], 1: ['get', 'submit'], 2: ['waitAll', 'get', 'submit'] },
    executions: 15_000,
  },
  {
    name: 'callbacks: getRequestBlocking, drain and throws from inside done (2 workers x 1 slot)',
    threads: 2,
    slots: 1,
    policy: 'batch',
    script: ['getBlocking', 'getBlocking', 'getBlocking', 'waitAll'],
    reenter: { 0: ['getBlocking', 'submit', 'throw'], 1: ['drain', 'get', 'submit'], 2: ['waitAll', 'throw'] },
    executions: 15_000,
  },
];

/**
 * Results and lifecycle (issue 11): a worker death and its replacement
 * mid-request (the partition's counters must carry over), a forced destroy
 * racing the workers' completions (a request is reported once: completed, or
 * ERR_TWQ_DESTROYED), async handlers (the slot completes only once the promise
 * settles), and two async waiters of the submitter at once. Each states its
 * bound: the preemption bound below, and its budget of interleavings.
 */
const lifeConfigs: Config[] = [
  { name: 'life: a worker dies mid-request, its replacement serves the rest; counters carry over (1 worker x 2 slots)', threads: 1, slots: 2, policy: 'batch', script: ['getBlocking', 'getBlocking', 'getBlocking', 'waitAll'], executions: 10_000, dieOnSeq: 1 },
  { name: 'life: a forced destroy racing the workers\' completions (2 workers x 1 slot, round-robin)', threads: 2, slots: 1, policy: 'round-robin', script: ['get', 'get', 'destroyForce'], executions: 10_000 },
  { name: 'life: a forced destroy racing completions and a queued request (1 worker x 2 slots)', threads: 1, slots: 2, policy: 'batch', script: ['get', 'get', 'destroyForce'], executions: 10_000 },
  { name: 'life: async handlers, slots reused (1 worker x 2 slots, 3 blocking gets, drain)', threads: 1, slots: 2, policy: 'batch', script: ['getBlocking', 'getBlocking', 'getBlocking', 'drain'], executions: 10_000, asyncHandler: true },
  { name: 'life: two async waiters at once: two getRequestAsync on a full queue (1 worker x 1 slot)', threads: 1, slots: 1, policy: 'batch', script: ['get', 'getAsyncPair', 'drain'], executions: 10_000 },
  { name: 'life: two async waiters at once: getRequestAsync and drain (1 worker x 1 slot, async handler)', threads: 1, slots: 1, policy: 'batch', script: ['get', 'getAsyncAndDrain', 'drain'], executions: 10_000, asyncHandler: true },
];

/**
 * Elastic threads (issue 13): 1 to 2 workers x 1 slot. A full queue grows
 * (worker 1 starts); worker 1 asks to retire at its first park; the
 * submitter answers (GO) when its host delivers the ask ('idle': the
 * worker's message reaching the submitter's event loop) or in its waits; a second burst races worker 1's leaving
 * (CAS GO -> LEFT) with growth taking it back (CAS GO -> SERVING), or starts
 * it anew once it has left (RETIRED). Without stealing, a request placed in a
 * partition whose worker left would never run: the checker reports every
 * thread parked with the work not done. The race comes some 250 steps into
 * an execution: branching goes on up to 500 steps (the default stops at 200).
 */
const elasticConfigs: Config[] = [
  { name: 'elastic: grow, retire, grow again racing the leave (1..2 workers x 1 slot, no stealing)', threads: 2, minThreads: 1, slots: 1, policy: 'batch', script: ['get', 'get', 'waitAll', 'get', 'idle', 'waitAll', 'get', 'get', 'waitAll'], executions: 15_000, steal: false, fairAfter: 500 },
  { name: 'elastic: asks answered in the submitter\'s waits, a second burst by blocking gets (1..2 workers x 1 slot, no stealing)', threads: 2, minThreads: 1, slots: 1, policy: 'batch', script: ['get', 'get', 'waitAll', 'get', 'getBlocking', 'getBlocking', 'waitAll'], executions: 15_000, steal: false, fairAfter: 500 },
  { name: 'elastic: grow, retire, grow again with stealing (a thief may run the started partition\'s request first)', threads: 2, minThreads: 1, slots: 1, policy: 'batch', script: ['get', 'get', 'waitAll', 'idle', 'get', 'getBlocking', 'drain'], executions: 15_000, fairAfter: 500 },
];

/** Int32 indices of every wake and completion event word. */
function eventWordIndices(g: Geometry): number[] {
  const blocksBase = g.slotsBase - g.threads * g.blockStride;
  const out: number[] = [DOORBELL_OFFSET >>> 2];
  for (let t = 0; t < g.threads; t++) {
    const block = blocksBase + t * g.blockStride;
    out.push((block + g.wakeOffset) >>> 2, (block + g.completionOffset) >>> 2);
  }
  return out;
}

function explorerFor(config: Config, bug = 'none'): Explorer {
  return new Explorer(explorerOptions(config, bug));
}

function explorerOptions(config: Config, bug: string): ConstructorParameters<typeof Explorer>[0] {
  const g = computeGeometry(config.threads, config.slots, REQUEST_BYTES);
  const roles = ['submitter', ...Array.from({ length: config.threads }, () => 'worker')];
  return {
    roles,
    scenario: {
      kind: 'queue',
      threads: config.threads,
      slots: config.slots,
      policy: config.policy,
      script: config.script,
      dieOnSeq: config.dieOnSeq ?? -1,
      help: config.help ?? 'never',
      reenter: config.reenter ?? {},
      asyncHandler: config.asyncHandler === true,
      minThreads: config.minThreads,
      steal: config.steal,
      bug,
      // The fingerprint covers the header, control and worker blocks (the protocol's words), not the slots.
      stateWords: g.slotsBase >>> 2,
      // Checked after every step: each of these words holds one of the event's three states.
      eventWordIndices: eventWordIndices(g),
    },
    bufferBytes: g.totalBytes,
    auditBytes: AUDIT_BYTES,
    ...(config.fairAfter === undefined ? {} : { fairAfter: config.fairAfter }),
    finalCheck: (buffers) => everyRequestOnce(buffers, config.script.includes('destroyForce')) ?? countersAddUp(buffers, g, config),
  };
}

/**
 * Every submitted request passed to done exactly once, and handled exactly
 * once, except: a request cancelled before it started (cancel() returned
 * true) is never handled and its done gets ERR_TWQ_CANCELLED; the request
 * whose thread died was entered once and its done gets ERR_TWQ_WORKER_DIED;
 * with a forced destroy, a request its worker had not completed is handled at
 * most once and its done gets ERR_TWQ_DESTROYED (never otherwise).
 */
function everyRequestOnce(buffers: Buffers, forced: boolean): string | undefined {
  const a = new Int32Array(buffers.audit);
  const submitted = a[0];
  if (submitted === 0) return 'the submitter submitted nothing';
  // Counts first: a request run twice also trips the ownership checks, and is the better report.
  for (let seq = 0; seq < submitted; seq++) {
    const handled = a[2 + 2 * seq];
    const done = a[3 + 2 * seq];
    const cancelled = a[AUDIT_CANCELLED + seq];
    const won = a[AUDIT_CANCEL_WON + seq];
    const died = a[AUDIT_DIED + seq];
    const destroyed = a[AUDIT_DESTROYED + seq];
    const what = `request ${seq}: handled ${handled} times, done callback ${done} times (cancelled ${cancelled}, cancel() true ${won}, died ${died}, destroyed ${destroyed})`;
    if (done !== 1) return what;
    if (cancelled !== won) return what;
    if (destroyed === 1) {
      if (!forced || handled > 1) return what;
      continue;
    }
    if (cancelled === 1 ? handled !== 0 : handled !== 1) return what;
  }
  if (a[1] !== 0) return `${a[1]} ownership violations`;
  if (a[AUDIT_THROWN] !== a[AUDIT_SURFACED]) return `done callbacks threw ${a[AUDIT_THROWN]} times, the submitter's calls reported ${a[AUDIT_SURFACED]} of those`;
  return undefined;
}

/**
 * The workers' handled counters (stats()' per-partition totals, over every
 * generation) add up to the handlers that succeeded on a worker. Not after a
 * forced destroy: a terminated worker may have run a handler it never completed.
 */
function countersAddUp(buffers: Buffers, g: Geometry, config: Config): string | undefined {
  if (config.script.includes('destroyForce')) return undefined;
  let counted = 0;
  const perWorker: number[] = [];
  for (let t = 0; t < g.threads; t++) {
    const handled = new Float64Array(buffers.buffer, BLOCKS_OFFSET + t * g.blockStride + g.stateOffset, 8)[W_HANDLED];
    perWorker.push(handled);
    counted += handled;
  }
  const ran = new Int32Array(buffers.audit)[AUDIT_WORKER_OK];
  return counted === ran ? undefined : `the workers' handled counters (${perWorker.join(' + ')}) do not add up to the ${ran} requests their handlers completed`;
}

describe('workqueue protocol under every interleaving (bounded)', () => {
  const explorers: Explorer[] = [];
  afterAll(async () => {
    await Promise.all(explorers.map((e) => e.close()));
  });

  for (const config of [...configs, ...claimConfigs, ...callbackConfigs, ...lifeConfigs, ...elasticConfigs]) {
    it(config.name, async () => {
      const explorer = explorerFor(config);
      explorers.push(explorer);
      const t0 = performance.now();
      const bound = config.preemptionBound ?? PREEMPTION_BOUND;
      const result = await explorer.explore({ maxExecutions: budget(config.executions), preemptionBound: bound });
      record({
        name: `queue: ${config.name}`,
        executions: result.executions,
        steps: result.steps,
        distinctStates: result.states,
        maxDepth: result.maxDepth,
        exhausted: result.exhausted === true,
        preemptionBound: bound,
        seconds: (performance.now() - t0) / 1000,
        harnessRestarts: result.harnessRestarts,
      });
      expect(result.steps, 'the harness ran no step: it failed to start').toBeGreaterThan(0);
      expect(result.failure, `${result.failure ?? ''}\ntrace (last 40 steps): ${(result.trace ?? []).slice(-40).join(' ')}`).toBeUndefined();
    }, 1_800_000);
  }

  it('finds a planted bug: the worker parks without re-checking for work after its reset', async () => {
    const explorer = explorerFor(configs[0], 'no-recheck');
    explorers.push(explorer);
    const result = await explorer.explore({ maxExecutions: 20_000, preemptionBound: PREEMPTION_BOUND });
    expect(result.failure).toMatch(/every thread is parked and the work is not done/);
    console.log(`[model-check] planted no-recheck found after ${result.executions} interleavings`);
  }, 600_000);

  it('finds a planted bug: a claim by plain store instead of compare-and-swap runs a request twice', async () => {
    const explorer = explorerFor(
      { name: 'planted claim-store', threads: 2, slots: 2, policy: 'batch', script: ['get', 'get', 'waitAll'], executions: 20_000 },
      'claim-store',
    );
    explorers.push(explorer);
    const result = await explorer.explore({ maxExecutions: 40_000, preemptionBound: PREEMPTION_BOUND });
    expect(result.failure).toMatch(/handled 2 times/);
    console.log(`[model-check] planted claim-store found after ${result.executions} interleavings: ${result.failure ?? ''}`);
  }, 600_000);

  it('finds a planted bug: the submitter marks a slot reported after its done callback instead of before (a callback re-enters)', async () => {
    const explorer = explorerFor(callbackConfigs[0], 'reported-after-callback');
    explorers.push(explorer);
    const result = await explorer.explore({ maxExecutions: 20_000, preemptionBound: PREEMPTION_BOUND });
    expect(result.failure).toMatch(/passed to done 2 times|done callback 2 times/);
    console.log(`[model-check] planted reported-after-callback found after ${result.executions} interleavings: ${result.failure ?? ''}`);
  }, 600_000);

  // One planted bug per area of issue 11's configurations, each to be found within its budget.
  const lifeBugs: { area: string; bug: string; config: Config; budget: number; found: RegExp }[] = [
    { area: "death and replacement: a replacement starts its counters from 0, losing the partition's totals", bug: 'counter-reset', config: lifeConfigs[0], budget: 5_000, found: /handled counters .* do not add up/ },
    { area: 'forced destroy: the slots in flight reported failed before the workers are stopped (while a worker owns them; its completion then reported too)', bug: 'destroy-fail-early', config: lifeConfigs[1], budget: 10_000, found: /done callback 2 times|does not own|protocol violation/ },
    { area: "async handler: the slot completes before the handler's promise settles", bug: 'async-early-done', config: lifeConfigs[3], budget: 5_000, found: /read result -1|does not own|protocol violation/ },
    { area: 'two async waiters: an event set that wakes one waiter of two', bug: 'notify-one', config: lifeConfigs[4], budget: 5_000, found: /every thread is parked and the work is not done/ },
  ];
  for (const planted of lifeBugs) {
    it(`finds a planted bug (${planted.area})`, async () => {
      const explorer = explorerFor(planted.config, planted.bug);
      explorers.push(explorer);
      const { failure, executions } = await explorer.explore({ maxExecutions: planted.budget, preemptionBound: PREEMPTION_BOUND });
      expect(failure, `planted ${planted.bug} not found in ${executions} interleavings`).toMatch(planted.found);
      console.log(`[model-check] planted ${planted.bug} found after ${executions} interleavings: ${(failure ?? '').split('\n')[0]}`);
    }, 600_000);
  }

  it('finds a planted bug: a worker leaves its partition by plain store (not CAS GO -> LEFT) while growth takes it back', async () => {
    const explorer = explorerFor(elasticConfigs[0], 'leave-store');
    explorers.push(explorer);
    const result = await explorer.explore({ maxExecutions: 20_000, preemptionBound: PREEMPTION_BOUND });
    expect(result.failure, `planted leave-store not found in ${result.executions} interleavings`).toMatch(/every thread is parked and the work is not done|handled 0 times|done callback 0 times/);
    console.log(`[model-check] planted leave-store found after ${result.executions} interleavings: ${(result.failure ?? '').split('\n')[0]}`);
  }, 600_000);

  it('finds a planted bug: the worker flips the done bit before the result is written', async () => {
    const explorer = explorerFor(configs[4], 'done-before-result');
    explorers.push(explorer);
    const result = await explorer.explore({ maxExecutions: 20_000, preemptionBound: PREEMPTION_BOUND });
    expect(result.failure).toMatch(/protocol violation|does not own|read result/);
    console.log(`[model-check] planted done-before-result found after ${result.executions} interleavings`);
  }, 600_000);
});
