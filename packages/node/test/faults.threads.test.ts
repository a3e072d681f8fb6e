// Every fault case, each its own test: a bad ops module, a worker that cannot
// start, a handler that throws, a worker that dies (process.exit, out of memory,
// an uncaught error outside the handler), with and without replacement. Every
// wait is bounded: a bug fails with a message, never hangs.
import { expectError, expectRejection } from '@twq/test-support/expect-error';
import { describe, expect, it } from 'vitest';
import {
  OpsLoadError,
  QueueDestroyedError,
  QueueFailedError,
  RemoteError,
  WorkerStartError,
  createQueue,
  type Ops,
  type WorkerExitEvent,
} from '../dist/index.js';
import { withTimeout } from '@twq/test-support/worker';
import {
  Checksum,
  MODE_EXIT,
  MODE_LATE_THROW,
  MODE_OK,
  MODE_OOM,
  MODE_SLEEP,
  MODE_THROW,
  deferred,
  eventually,
  fixture,
  mix,
  submit,
  trackQueues,
  type ChecksumQueue,
} from './helpers.js';

const WORKER_DIED = 'ERR_TWQ_WORKER_DIED';

const { track, create } = trackQueues();

/** onWorkerExit that resolves a promise on the first call and keeps every call. */
function exitWatch(): { events: WorkerExitEvent[]; first: Promise<WorkerExitEvent>; onWorkerExit: (e: WorkerExitEvent) => void } {
  const events: WorkerExitEvent[] = [];
  const d = deferred<WorkerExitEvent>();
  return {
    events,
    first: d.promise,
    onWorkerExit(e) {
      events.push(e);
      d.resolve(e);
    },
  };
}

/** Submits `count` plain requests from `from` on and waits; each must succeed. */
async function expectServes(q: ChecksumQueue, checksum: Checksum, from: number, count: number, how: 'waitAll' | 'drain'): Promise<void> {
  const failuresBefore = checksum.failures.length;
  for (let seq = from; seq < from + count; seq++) submit(q, q.getRequestBlocking(20_000), seq);
  if (how === 'waitAll') q.waitAll(20_000);
  else await q.drain({ timeoutMs: 20_000 });
  expect(checksum.failures.slice(failuresBefore).map((f) => `${f.seq}: ${f.error.message}`), 'requests after the replacement').toEqual([]);
  for (let seq = from; seq < from + count; seq++) expect(checksum.seen[seq], `seq ${seq} passed to done`).toBe(1);
}

/** Every failure is a worker death, with its RemoteError shape. */
function expectOnlyDeaths(checksum: Checksum, worker: number, exitText: string): void {
  for (const { seq, error } of checksum.failures) {
    expect(error, `seq ${seq}`).toBeInstanceOf(RemoteError);
    expect([error.name, error.code, error.worker]).toEqual(['WorkerDiedError', WORKER_DIED, worker]);
    expect(error.message).toContain(`worker ${worker} of queue`);
    expect(error.message).toContain(exitText);
  }
}

describe('the ops module', () => {
  it('a path that does not exist: OpsLoadError naming the module', async () => {
    const url = fixture('does-not-exist.mjs');
    const e = await expectRejection(createQueue(url), OpsLoadError, 'cannot use ops module', 'does-not-exist.mjs', 'import failed');
    expect(e.code).toBe('ERR_TWQ_OPS_LOAD');
    expect(e.module).toBe(url.href);
  });

  it('a module without the expected export: OpsLoadError naming the export and listing what it has', async () => {
    await expectRejection(
      createQueue(fixture('not-ops.mjs')),
      OpsLoadError,
      'not-ops.mjs',
      'it has no export named "ops"',
      'its exports: ',
      'other',
      'something',
    );
  });

  it('an export that is not valid ops: OpsLoadError saying what is wrong', async () => {
    await expectRejection(createQueue(fixture('bad-ops.mjs')), OpsLoadError, 'bad-ops.mjs', 'export "ops".layout must come from defineLayout()');
  });

  it('exportName picks another export; without it, or with a wrong one, OpsLoadError names the export', async () => {
    await expectRejection(createQueue(fixture('named-export.mjs')), OpsLoadError, 'no export named "ops"', 'myOps', 'version');
    await expectRejection(createQueue(fixture('named-export.mjs'), { exportName: 'nope' }), OpsLoadError, 'no export named "nope"');
    const results: number[] = [];
    const q = await createQueue<Ops<{ x: 'f64'; y: 'f64' }>>(fixture('named-export.mjs'), {
      exportName: 'myOps',
      threads: 1,
      slotsPerThread: 2,
      onDone(r, error) {
        if (error !== undefined) throw error;
        results.push(r.y);
      },
    });
    track(q);
    for (const x of [1.25, -3, 1e300]) {
      const r = q.getRequestBlocking(10_000);
      r.x = x;
      q.submit(r);
    }
    q.waitAll(20_000);
    expect(results.sort((a, b) => a - b)).toEqual([-6, 2.5, 2e300]);
  });

  it('an ops factory gets opsOptions on every thread, and set-up contexts reach the handler', async () => {
    const seen: [number, number, string][] = [];
    const q = await createQueue<Ops<{ x: 'i32'; y: 'i32'; ranOn: 'i32'; name: { bytes: 16 } }>>(fixture('factory.mjs'), {
      threads: 2,
      slotsPerThread: 3,
      policy: 'round-robin',
      name: 'factory-queue',
      opsOptions: { factor: 3 },
      onDone(r, error) {
        if (error !== undefined) throw error;
        seen.push([r.y, r.ranOn, new TextDecoder().decode(r.name).replace(/\0+$/, '')]);
      },
    });
    track(q);
    for (let x = 1; x <= 6; x++) {
      const r = q.getRequestBlocking(10_000);
      r.x = x;
      q.submit(r);
    }
    await q.drain({ timeoutMs: 20_000 });
    expect(seen.map(([y]) => y).sort((a, b) => a - b)).toEqual([9, 18, 27, 36, 45, 54]);
    expect(new Set(seen.map(([, w]) => w))).toEqual(new Set([0, 1]));
    expect(new Set(seen.map(([, , n]) => n))).toEqual(new Set(['factory-queue']));
  });
});

describe('workers that cannot start', () => {
  it('set-up throwing in a worker: WorkerStartError with the worker and the error; the queue is not created', async () => {
    const e = await expectRejection(
      createQueue(fixture('setup-throws.mjs'), { threads: 2, slotsPerThread: 4 }),
      WorkerStartError,
      'failed to start',
      'TypeError: cannot set up slot 2',
    );
    expect(e.code).toBe('ERR_TWQ_WORKER_START');
    expect([0, 1]).toContain(e.worker);
    // That nothing is left running is checked in a child process: lifecycle.test.ts.
  });

  it('an ops module that fails to load in a worker only: WorkerStartError naming the load error', async () => {
    await expectRejection(
      createQueue(fixture('worker-import-fails.mjs'), { threads: 1 }),
      WorkerStartError,
      'failed to start',
      'refuses to load in a worker',
    );
  });

  it('workers that exit as they start (code 7, no error): WorkerStartError naming the exit code', async () => {
    const e = await expectRejection(createQueue(fixture('worker-exits-at-start.mjs'), { threads: 2 }), WorkerStartError, 'failed to start', 'exited with code 7');
    expect([0, 1]).toContain(e.worker);
  });
});

describe('a handler that throws', () => {
  it('done sees the error name, message and stack; the worker goes on', async () => {
    const checksum = new Checksum(20);
    const q = await create({ threads: 2, slotsPerThread: 4, policy: 'round-robin', onDone: checksum.onDone });
    for (let seq = 0; seq < 20; seq++) submit(q, q.getRequestBlocking(10_000), seq, seq % 5 === 3 ? MODE_THROW : MODE_OK);
    q.waitAll(20_000);
    checksum.verify(20, { failuresAllowed: true });
    expect(checksum.failures.map((f) => f.seq).sort((a, b) => a - b)).toEqual([3, 8, 13, 18]);
    for (const { seq, error } of checksum.failures) {
      expect(error).toBeInstanceOf(RemoteError);
      expect([error.name, error.message, error.code]).toEqual(['RangeError', `bad seq ${seq}`, 'ERR_TWQ_HANDLER_FAILED']);
      expect(error.remoteStack).toContain(`RangeError: bad seq ${seq}`);
      expect(error.remoteStack).toContain('checksum.mjs');
    }
    await eventually(() => q.stats().workers.reduce((n, w) => n + w.failed, 0) === 4, 10_000, 'failed counters');
    expect(q.stats().workers.map((w) => w.generation)).toEqual([0, 0]);
  });
});

describe('a worker that dies', () => {
  it('process.exit in a handler while the submitter is blocked in waitAll(): the request fails, the worker is replaced', async () => {
    const checksum = new Checksum(200);
    const watch = exitWatch();
    const q = await create({ threads: 1, slotsPerThread: 4, onDone: checksum.onDone, onWorkerExit: watch.onWorkerExit });
    submit(q, q.getRequestBlocking(10_000), 0);
    submit(q, q.getRequestBlocking(10_000), 1, MODE_EXIT);
    submit(q, q.getRequestBlocking(10_000), 2);
    q.waitAll(20_000); // must return: the death is reported through shared memory
    expect(checksum.count).toBe(3);
    const failed = checksum.failures.map((f) => f.seq);
    // Claims: only the request the worker was running fails. Seq 0 was handled
    // before it (lowest slot first); seq 2, still queued, is run by the replacement.
    expect(failed).toEqual([1]);
    expect(checksum.seen[2]).toBe(1);
    expectOnlyDeaths(checksum, 0, 'exit code 7');
    const event = await withTimeout(watch.first, 10_000, 'onWorkerExit');
    expect(event).toMatchObject({ worker: 0, exitCode: 7, replaced: true });
    expect(event.error.message).toContain('code 7');
    await eventually(() => q.stats().workers[0].generation === 1, 10_000, 'generation 1');
    await expectServes(q, checksum, 3, 100, 'waitAll');
    const w = q.stats().workers[0];
    expect([w.status, w.generation, w.lostToDeath]).toEqual(['ready', 1, failed.length]);
    expect(watch.events).toHaveLength(1);
    checksum.verify(103, { failuresAllowed: true });
  });

  it('process.exit in a handler while the submitter awaits drain(): the request fails, the worker is replaced', async () => {
    const checksum = new Checksum(200);
    const watch = exitWatch();
    const q = await create({ threads: 2, slotsPerThread: 4, policy: 'round-robin', onDone: checksum.onDone, onWorkerExit: watch.onWorkerExit });
    // Round-robin: even seqs on worker 0, odd ones on worker 1; seq 3 kills the
    // thread that runs it (worker 1, or worker 0 if it stole it).
    for (let seq = 0; seq < 8; seq++) submit(q, q.getRequestBlocking(10_000), seq, seq === 3 ? MODE_EXIT : MODE_OK);
    await withTimeout(q.drain({ timeoutMs: 20_000 }), 25_000, 'drain() with a dying worker');
    expect(checksum.count).toBe(8);
    // Claims: only the request the dead worker was running fails; what it had queued runs elsewhere.
    expect(checksum.failures.map((f) => f.seq)).toEqual([3]);
    const event = await withTimeout(watch.first, 10_000, 'onWorkerExit');
    expect(event).toMatchObject({ exitCode: 7, replaced: true });
    const dead = event.worker;
    expectOnlyDeaths(checksum, dead, 'exit code 7');
    await eventually(() => q.stats().workers[dead].generation === 1, 10_000, 'generation 1');
    await expectServes(q, checksum, 8, 100, 'drain');
    // Idle thieves may serve the partition before its replacement is up: wait for it.
    await eventually(() => q.stats().workers.every((w) => w.status === 'ready'), 10_000, 'the replacement ready');
    expect(q.stats().workers.map((w) => [w.status, w.generation])).toEqual([
      ['ready', dead === 0 ? 1 : 0],
      ['ready', dead === 1 ? 1 : 0],
    ]);
    checksum.verify(108, { failuresAllowed: true });
  });

  it('process.exit while the submitter is blocked in getRequestBlocking() on a full queue: the slot comes back', async () => {
    const checksum = new Checksum(50);
    const q = await create({ threads: 1, slotsPerThread: 1, onDone: checksum.onDone });
    submit(q, q.getRequestBlocking(10_000), 0, MODE_EXIT);
    const r = q.getRequestBlocking(20_000); // reclaimed from the dead worker
    expect(checksum.failures.map((f) => [f.seq, f.error.code])).toEqual([[0, WORKER_DIED]]);
    submit(q, r, 1);
    q.waitAll(20_000);
    await expectServes(q, checksum, 2, 20, 'waitAll');
    checksum.verify(22, { failuresAllowed: true });
  });

  it('out of memory under resourceLimits: the request fails, the queue keeps working', async () => {
    const checksum = new Checksum(100);
    const watch = exitWatch();
    const q = await create({
      threads: 1,
      slotsPerThread: 2,
      resourceLimits: { maxOldGenerationSizeMb: 32 },
      onDone: checksum.onDone,
      onWorkerExit: watch.onWorkerExit,
    });
    submit(q, q.getRequestBlocking(10_000), 0, MODE_OOM);
    q.waitAll(30_000);
    expect(checksum.failures.map((f) => [f.seq, f.error.code])).toEqual([[0, WORKER_DIED]]);
    expect(checksum.failures[0].error.message).toMatch(/memory/i);
    const event = await withTimeout(watch.first, 10_000, 'onWorkerExit');
    expect(event).toMatchObject({ worker: 0, replaced: true });
    expect(event.error.message).toMatch(/memory/i);
    await expectServes(q, checksum, 1, 50, 'drain');
    await eventually(() => q.stats().workers[0].generation === 1, 10_000, 'generation 1');
    checksum.verify(51, { failuresAllowed: true });
  });

  it('an uncaught error outside the handler (a timer of an async handler): the worker dies, is reported and replaced', async () => {
    const checksum = new Checksum(100);
    const watch = exitWatch();
    const q = await create({ threads: 1, slotsPerThread: 4, onDone: checksum.onDone, onWorkerExit: watch.onWorkerExit });
    submit(q, q.getRequestBlocking(10_000), 0, MODE_LATE_THROW);
    q.waitAll(20_000);
    expect(checksum.failures).toEqual([]); // the request itself succeeded
    expect(checksum.seen[0]).toBe(1);
    const event = await withTimeout(watch.first, 10_000, 'onWorkerExit');
    expect(event).toMatchObject({ worker: 0, replaced: true });
    expect(event.error.message).toBe('late');
    // The death happened while the worker was idle. Requests submitted before the
    // submitter's next wait notices it may still land on the dead worker: those
    // are reported failed (never lost), the rest are served by the replacement.
    for (let seq = 1; seq < 5; seq++) submit(q, q.getRequestBlocking(20_000), seq);
    q.waitAll(20_000);
    expect(checksum.count).toBe(5);
    expectOnlyDeaths(checksum, 0, 'late');
    await eventually(() => q.stats().workers[0].generation === 1, 10_000, 'generation 1');
    await expectServes(q, checksum, 5, 50, 'waitAll');
    expect(watch.events).toHaveLength(1);
    checksum.verify(55, { failuresAllowed: true });
  });

  it('replaceDeadWorkers: false: the queue fails, and every later call throws QueueFailedError', async () => {
    const checksum = new Checksum(50);
    const watch = exitWatch();
    const q = await create({
      threads: 1,
      slotsPerThread: 2,
      replaceDeadWorkers: false,
      name: 'fragile',
      onDone: checksum.onDone,
      onWorkerExit: watch.onWorkerExit,
    });
    submit(q, q.getRequestBlocking(10_000), 0);
    q.waitAll(20_000);
    submit(q, q.getRequestBlocking(10_000), 1, MODE_EXIT);
    const event = await withTimeout(watch.first, 10_000, 'onWorkerExit');
    expect(event).toMatchObject({ worker: 0, exitCode: 7, replaced: false });
    // The failure is noticed on the submitter's next slow path (a wait, or a full queue).
    let failure: unknown;
    let seq = 2;
    for (let attempt = 0; attempt < 3 && failure === undefined; attempt++) {
      try {
        const r = q.getRequest();
        if (r !== null) submit(q, r, seq++);
        q.waitAll(20_000);
      } catch (e) {
        failure = e;
      }
    }
    expect(failure, 'no call noticed the failed queue').toBeInstanceOf(QueueFailedError);
    const msg = ['queue "fragile" has failed and serves no more requests', 'worker 0'];
    expect((failure as QueueFailedError).code).toBe('ERR_TWQ_FAILED');
    expectError(() => q.getRequest(), QueueFailedError, ...msg);
    expectError(() => q.getRequestBlocking(1_000), QueueFailedError, ...msg);
    expectError(() => {
      q.waitAll(1_000);
    }, QueueFailedError, ...msg);
    await expectRejection(q.getRequestAsync({ timeoutMs: 1_000 }), QueueFailedError, ...msg);
    await expectRejection(q.drain({ timeoutMs: 1_000 }), QueueFailedError, ...msg);
    expect(q.stats().workers[0].generation).toBe(0);
    // destroy() still works, and reports whatever was still outstanding: nothing is lost.
    await withTimeout(q.destroy(), 20_000, 'destroy() of a failed queue');
    expect(checksum.count).toBe(seq);
    expect(checksum.seen[0]).toBe(1);
    expect(checksum.failures.map((f) => f.seq)).toContain(1);
    expect(watch.events).toHaveLength(1);
    expectError(() => q.getRequest(), QueueDestroyedError, 'is destroyed');
  });
});

describe('destroy', () => {
  it('graceful: drains, stops every worker, and every later call throws QueueDestroyedError', async () => {
    const checksum = new Checksum(1000);
    const q = await create({ threads: 2, slotsPerThread: 8, name: 'bye', onDone: checksum.onDone });
    for (let seq = 0; seq < 1000; seq++) submit(q, q.getRequestBlocking(10_000), seq);
    await withTimeout(q.destroy(), 20_000, 'destroy()');
    checksum.verify(1000); // drained first: nothing lost, nothing failed
    expect(q.stats().workers.map((w) => w.status)).toEqual(['stopped', 'stopped']);
    expect(q.destroyed).toBe(true);
    const msg = 'queue "bye" is destroyed';
    expectError(() => q.getRequest(), QueueDestroyedError, msg, 'getRequest()');
    expectError(() => q.getRequestBlocking(10), QueueDestroyedError, msg, 'getRequestBlocking()');
    expectError(() => {
      q.waitAll(10);
    }, QueueDestroyedError, msg, 'waitAll()');
    await expectRejection(q.getRequestAsync(), QueueDestroyedError, msg, 'getRequestAsync()');
    await expectRejection(q.drain(), QueueDestroyedError, msg, 'drain()');
    await q.destroy(); // idempotent
    await q[Symbol.asyncDispose]();
  });

  it('force: a request still running is reported to done as ERR_TWQ_DESTROYED, once', async () => {
    const checksum = new Checksum(10);
    const q = await create({ threads: 1, slotsPerThread: 2, onDone: checksum.onDone });
    submit(q, q.getRequestBlocking(10_000), 0);
    q.waitAll(10_000);
    submit(q, q.getRequestBlocking(10_000), 1, MODE_SLEEP, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await withTimeout(q.destroy({ force: true }), 15_000, 'destroy({ force: true })');
    expect(checksum.count).toBe(2);
    expect(checksum.failures.map((f) => [f.seq, f.error.code, f.error.name])).toEqual([[1, 'ERR_TWQ_DESTROYED', 'QueueDestroyedError']]);
    expect(mix(0)).not.toBe(mix(1));
  });
});
