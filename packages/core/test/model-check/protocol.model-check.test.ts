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
import { budget, PREEMPTION_BOUND } from './budget.js';
import { Explorer, type Buffers } from './explorer.mjs';
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
  const g = computeGeometry(config.threads, config.slots, REQUEST_BYTES);
  const roles = ['submitter', ...Array.from({ length: config.threads }, () => 'worker')];
  return new Explorer({
    roles,
    scenario: {
      kind: 'queue',
      threads: config.threads,
      slots: config.slots,
      policy: config.policy,
      script: config.script,
      bug,
      // The fingerprint covers the header, control and worker blocks (the protocol's words), not the slots.
      stateWords: g.slotsBase >>> 2,
      // Checked after every step: each of these words holds one of the event's three states.
      eventWordIndices: eventWordIndices(g),
    },
    bufferBytes: g.totalBytes,
    auditBytes: 4 * 64,
    finalCheck: everyRequestOnce,
  });
}

/** Every submitted request handled exactly once and passed to done exactly once; no violation. */
function everyRequestOnce(buffers: Buffers): string | undefined {
  const a = new Int32Array(buffers.audit);
  if (a[1] !== 0) return `${a[1]} ownership violations`;
  const submitted = a[0];
  if (submitted === 0) return 'the submitter submitted nothing';
  for (let seq = 0; seq < submitted; seq++) {
    const handled = a[2 + 2 * seq];
    const done = a[3 + 2 * seq];
    if (handled !== 1 || done !== 1) return `request ${seq}: handled ${handled} times, done callback ${done} times`;
  }
  return undefined;
}

describe('workqueue protocol under every interleaving (bounded)', () => {
  const explorers: Explorer[] = [];
  afterAll(async () => {
    await Promise.all(explorers.map((e) => e.close()));
  });

  for (const config of configs) {
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

  it('finds a planted bug: the worker flips the done bit before the result is written', async () => {
    const explorer = explorerFor(configs[4], 'done-before-result');
    explorers.push(explorer);
    const result = await explorer.explore({ maxExecutions: 20_000, preemptionBound: PREEMPTION_BOUND });
    expect(result.failure).toMatch(/protocol violation|does not own|read result/);
    console.log(`[model-check] planted done-before-result found after ${result.executions} interleavings`);
  }, 600_000);
});
