// Process lifetime, bounded (issue 11, part B), in child processes: a stack
// too small for a thread is refused instead of killing the process; and
// destroy() is bounded, the process then exiting by itself: in a child process, a queue whose handler never returns is destroyed;
// destroy() must resolve within stopTimeoutMs + 1 s, the request be reported
// once as ERR_TWQ_DESTROYED, and the child exit on its own (it is killed after
// KILL_MS, which fails the test).
import { describe, expect, it } from 'vitest';
import { runChild, type ChildResult } from './helpers.js';

const KILL_MS = 20_000;
/** What destroy() may take past its timeout: terminating the worker and the supervisor. */
const GRACE_MS = 1_000;

function expectBoundedExit(result: ChildResult): Record<string, unknown> {
  const context = `stdout: ${result.stdout}\nstderr: ${result.stderr}`;
  expect(result.killed, `the child did not exit by itself within ${KILL_MS} ms (destroy() hung, or something kept the process alive)\n${context}`).toBe(false);
  expect(result.code, context).toBe(0);
  const report = result.report ?? {};
  expect(report.destroyMs, context).toBeLessThan((report.stopTimeoutMs as number) + GRACE_MS);
  return report;
}

const notFinished = (seq: number): unknown[] => [seq, 'ERR_TWQ_DESTROYED', 'queue "twq" was destroyed: the request in slot 0 was not finished within 1000 ms'];

describe('destroy() of a queue whose handler never returns', () => {
  const cases: [title: string, scenario: string, results: unknown[][]][] = [
    ['a sync handler that loops for ever: destroy() resolves within stopTimeoutMs + 1 s and the process exits by itself', 'loop', [notFinished(1)]],
    ['an async handler whose promise never settles: the same', 'never', [notFinished(1)]],
    ['await using: the scope ends within stopTimeoutMs + 1 s and the process exits by itself', 'await-using', [notFinished(2)]],
    [
      'destroy({ force: true }) during a graceful destroy with a long timeout: both settle within 1 s, the process exits',
      'hurry',
      [[3, 'ERR_TWQ_DESTROYED', 'queue "twq" was destroyed with force before the request in slot 0 was handled']],
    ],
  ];
  for (const [title, scenario, results] of cases) {
    it(title, async () => {
      expect(expectBoundedExit(await runChild(scenario, KILL_MS, 'child-life.mjs')).results).toEqual(results);
    });
  }
});

describe('resourceLimits.stackSizeMb too small for a thread', () => {
  it('0.2 MB (which killed the whole process, exit code 6): a RangeError naming the value and the range; the process lives on and exits', async () => {
    const result = await runChild('tiny-stack', KILL_MS, 'child-life.mjs');
    const context = `stdout: ${result.stdout}\nstderr: ${result.stderr}`;
    expect([result.killed, result.code], context).toEqual([false, 0]);
    expect(result.report, context).toMatchObject({
      created: false,
      error: { name: 'RangeError', message: 'resourceLimits.stackSizeMb must be a finite number of MB >= 1, got 0.2' },
    });
  });
});
