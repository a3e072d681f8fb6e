/**
 * The event's state machine (@twq/event's SharedEvent, the real code) under
 * every interleaving (bounded) of set / reset / wait by two and three threads.
 * A resetting waiter (an event has at most one) loops "reset; if the flag has
 * reached my round, go on; else wait"; a latch waiter "while the flag is short,
 * wait"; setters raise the flag, then set. Every execution must end (a lost
 * wake-up leaves a waiter parked with nobody left to wake it), and the event
 * word must hold one of its three states after every step.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { budget, PREEMPTION_BOUND } from './budget.js';
import { Explorer, type Buffers } from './explorer.mjs';
import { record } from './report.js';

interface Config {
  name: string;
  roles: string[];
  rounds: number;
  setsPerSetter: number;
  executions: number;
}

const configs: Config[] = [
  { name: '1 resetting waiter, 1 setter, 2 rounds', roles: ['event-waiter', 'event-setter'], rounds: 2, setsPerSetter: 2, executions: 5_000 },
  { name: '1 resetting waiter, 2 setters, 2 rounds', roles: ['event-waiter', 'event-setter', 'event-setter'], rounds: 2, setsPerSetter: 1, executions: 10_000 },
  // A latch is one-shot (nobody resets it): waiters spin on a set event until the flag is up.
  { name: '2 latch waiters, 1 setter (one-shot)', roles: ['event-latch-waiter', 'event-latch-waiter', 'event-setter'], rounds: 1, setsPerSetter: 1, executions: 10_000 },
  { name: '2 latch waiters, 2 setters (one-shot)', roles: ['event-latch-waiter', 'event-latch-waiter', 'event-setter', 'event-setter'], rounds: 1, setsPerSetter: 1, executions: 10_000 },
];


function explorerFor(config: Config, bug = 'none'): Explorer {
  const setters = config.roles.filter((r) => r === 'event-setter').length;
  return new Explorer({
    roles: config.roles,
    // The event word (checked after every step to hold one of its three states) and the flag.
    scenario: { kind: 'event', rounds: config.rounds, setsPerSetter: config.setsPerSetter, bug, stateWords: 2 },
    bufferBytes: 128,
    finalCheck: (b: Buffers) => {
      const flag = Atomics.load(new Int32Array(b.buffer), 1);
      return flag === setters * config.setsPerSetter ? undefined : `flag is ${flag}, expected ${setters * config.setsPerSetter}`;
    },
  });
}

describe('SharedEvent under every interleaving (bounded)', () => {
  const explorers: Explorer[] = [];
  afterAll(async () => {
    await Promise.all(explorers.map((e) => e.close()));
  });

  for (const config of configs) {
    it(config.name, async () => {
      const explorer = explorerFor(config);
      explorers.push(explorer);
      const t0 = performance.now();
      const result = await explorer.explore({ maxExecutions: budget(config.executions), preemptionBound: PREEMPTION_BOUND });
      record({
        name: `event: ${config.name}`,
        executions: result.executions,
        steps: result.steps,
        distinctStates: result.states,
        maxDepth: result.maxDepth,
        exhausted: result.exhausted === true,
        preemptionBound: PREEMPTION_BOUND,
        seconds: (performance.now() - t0) / 1000,
        harnessRestarts: result.harnessRestarts,
      });
      expect(result.failure, `${result.failure ?? ''}\ntrace: ${(result.trace ?? []).join(' ')}`).toBeUndefined();
    }, 1_800_000);
  }

  it('finds a planted bug: set() that never notifies a parked waiter', async () => {
    const explorer = explorerFor(configs[0], 'set-without-notify');
    explorers.push(explorer);
    const result = await explorer.explore({ maxExecutions: 5_000, preemptionBound: PREEMPTION_BOUND });
    expect(result.failure).toMatch(/every thread is parked/);
  }, 600_000);

  // The contract (see SharedEvent's doc comment): a reset is only safe from an
  // event's only waiter. The checker finds the lost wake-up of both misuses.
  for (const roles of [
    ['event-waiter', 'event-waiter', 'event-setter'],
    ['event-waiter', 'event-latch-waiter', 'event-setter'],
  ]) {
    it(`shows why a resetter must be the only waiter: ${roles.join(' + ')} can lose a wake-up`, async () => {
      const explorer = explorerFor({ name: 'misuse', roles, rounds: 2, setsPerSetter: 2, executions: 0 });
      explorers.push(explorer);
      const result = await explorer.explore({ maxExecutions: 20_000, preemptionBound: PREEMPTION_BOUND });
      expect(result.failure).toMatch(/every thread is parked/);
    }, 600_000);
  }
});
