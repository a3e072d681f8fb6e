// Process lifetime, checked in child processes (fixtures/child.mjs): each must
// exit by itself; the parent kills it after KILL_MS and fails the test if it had
// to (a leaked worker, or a handle that keeps the process alive).
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { fixture, mix, runChild, type ChildResult } from './helpers.js';

const KILL_MS = 20_000;

function expectCleanExit(result: ChildResult): Record<string, unknown> {
  const context = `stdout: ${result.stdout}\nstderr: ${result.stderr}`;
  expect(result.killed, `the child did not exit by itself within ${KILL_MS} ms\n${context}`).toBe(false);
  expect(result.code, context).toBe(0);
  expect(result.report, context).toBeDefined();
  return result.report ?? {};
}

describe('an idle queue does not keep the process alive', () => {
  it('created, used, never destroyed: the process still exits on its own', async () => {
    expect(expectCleanExit(await runChild('idle', KILL_MS))).toMatchObject({ ok: 1000 });
  });

  it('same with workers parked the async way (async handlers)', async () => {
    expect(expectCleanExit(await runChild('idle-async', KILL_MS))).toMatchObject({ ok: 50 });
  });

  it('same after a worker died and was replaced', async () => {
    expect(expectCleanExit(await runChild('idle-after-death', KILL_MS))).toMatchObject({ ok: 100, exits: 1, generation: 1 });
  });

  it('but it does while the submitter awaits drain()', async () => {
    const report = expectCleanExit(await runChild('drain-holds', KILL_MS));
    // The drain resolved (the process did not exit under it) and the request came back.
    expect(report.results).toEqual([[5, mix(5), null]]);
  });

  it('and with unref: false it stays up until destroy()', async () => {
    expect(expectCleanExit(await runChild('unref-false', KILL_MS))).toMatchObject({ ok: 100, destroyedByTimer: true });
  });
});

describe('destroy terminates the workers', () => {
  it('graceful destroy: the workers stop and the process exits', async () => {
    expect(expectCleanExit(await runChild('destroy', KILL_MS))).toMatchObject({ ok: 1000, statuses: ['stopped', 'stopped'] });
  });

  it('forced destroy with a request still running: it is reported failed and the process exits', async () => {
    const report = expectCleanExit(await runChild('destroy-force', KILL_MS));
    expect(report.results).toEqual([[1, 0, 'queue "twq" was destroyed with force before the request in slot 0 was handled']]);
  });
});

describe('a failed creation leaves nothing running', () => {
  it('set-up throwing in a worker: WorkerStartError, and the process exits by itself', async () => {
    const report = expectCleanExit(await runChild('setup-throws', KILL_MS));
    expect(report).toMatchObject({ created: false, error: { name: 'WorkerStartError', code: 'ERR_TWQ_WORKER_START' } });
    expect(JSON.stringify(report.error)).toContain('cannot set up slot 2');
  });

  it('an ops module that fails in the workers: WorkerStartError, and the process exits by itself', async () => {
    const report = expectCleanExit(await runChild('worker-import-fails', KILL_MS));
    expect(report).toMatchObject({ created: false, error: { name: 'WorkerStartError' } });
  });

  it('a bad ops module path: OpsLoadError, and the process exits by itself', async () => {
    const report = expectCleanExit(await runChild('bad-path', KILL_MS));
    expect(report).toMatchObject({ created: false, error: { name: 'OpsLoadError', code: 'ERR_TWQ_OPS_LOAD' } });
  });

  it('refused options: RangeError, and the process exits by itself', async () => {
    const report = expectCleanExit(await runChild('bad-threads', KILL_MS));
    expect(report).toMatchObject({ created: false, error: { name: 'RangeError' } });
    expect(JSON.stringify(report.error)).toContain('threads must be an integer in [1, 256], got 0');
  });
});

// The supervisor thread spawns its first workers before it has loaded core
// (supervisor-entry.ts): what they say meanwhile is held for the Supervisor.
// Here core loads 500 ms late (module hooks), so every READY and exit of the
// first workers comes before the Supervisor exists.
describe('workers heard before the supervisor has loaded core', () => {
  it('an exit is reported as ever (WorkerStartError naming the exit code), READY starts the queue, and the process exits', async () => {
    const result = await runChild('', KILL_MS, 'slow-core-child.mjs', ['--import', fileURLToPath(fixture('slow-core.mjs'))]);
    const report = expectCleanExit(result);
    // The hooks did delay core (else this test would prove nothing).
    expect(result.stderr).toContain('slow-core: delaying');
    expect(report.exits).toMatchObject({ created: false, name: 'WorkerStartError', code: 'ERR_TWQ_WORKER_START' });
    expect((report.exits as { message: string }).message).toMatch(/^worker [01] failed to start: WorkerExit: the worker thread exited with code 7$/);
    expect(report.ok).toBe(100);
  });
});
