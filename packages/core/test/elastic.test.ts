import { describe, expect, it } from 'vitest';
import {
  QueueMemory,
  Supervisor,
  WORKER_MESSAGE_TAG,
  computeGeometry,
  memoryOf,
  resolveOptions,
  type WorkerMessage,
} from '../src/host-entry.js';
import { reportWorkerGone } from '../src/death-report.js';
import { InlineQueue, MAX_THREADS, Workqueue, defineLayout, defineOps, type RemoteError, type Request } from '../src/index.js';
import { RUN_ASKED, RUN_GO, RUN_LEFT, RUN_SERVING, U_RUN, W_STATUS, WORKER_READY, WORKER_RETIRED } from '../src/memory-layout.js';
import { mix } from './helpers.js';

const layout = defineLayout({ seq: 'u32', out: 'u32' });
type Spec = typeof layout.spec;

function makeOps() {
  const done: { seq: number; out: number; error: RemoteError | undefined }[] = [];
  const ops = defineOps<Spec>({
    layout,
    handle(r) {
      r.out = mix(r.seq);
    },
    done(r, error) {
      done.push({ seq: r.seq, out: r.out, error });
    },
  });
  return { ops, done };
}

/** An inline queue of 1 to 3 workers x 2 slots, stepped by hand. */
async function elasticQueue() {
  const { ops, done } = makeOps();
  const q = await InlineQueue.create(ops, { minThreads: 1, maxThreads: 3, slotsPerThread: 2, autoRun: false, idleTimeoutMs: 50 });
  let seq = 0;
  const submitOne = (): Request<Spec> | null => {
    const r = q.getRequest();
    if (r === null) return null;
    r.seq = seq++;
    q.submit(r);
    return r;
  };
  const run = (t: number) => memoryOf(q).blocks[t].run();
  const statusOf = (t: number) => q.stats().workers[t].status;
  /** Worker `t` goes idle (resets its wake event, as before a park) and asks to retire. */
  const ask = (t: number) => {
    expect(q.runtimes[t].prepareToPark()).toBe(true);
    return q.runtimes[t].askToRetire();
  };
  return { q, done, submitOne, run, statusOf, ask, submitted: () => seq };
}

describe('elastic threads: options', () => {
  it('threads stays a fixed count; the defaults change nothing', () => {
    const o = resolveOptions({ threads: 3 }, 8);
    expect([o.minThreads, o.maxThreads, o.threads]).toEqual([3, 3, 3]);
    const d = resolveOptions({}, 4);
    expect([d.minThreads, d.maxThreads, d.idleTimeoutMs]).toEqual([3, 3, 10_000]);
    expect(resolveOptions({ maxThreads: 8 }, 4)).toMatchObject({ minThreads: 3, maxThreads: 8, threads: 8 });
    expect(resolveOptions({ maxThreads: 2 }, 8)).toMatchObject({ minThreads: 2, maxThreads: 2 });
    expect(resolveOptions({ minThreads: 6 }, 4)).toMatchObject({ minThreads: 6, maxThreads: 6 });
  });

  it('each bad value is named with its range', () => {
    expect(() => resolveOptions({ minThreads: 4, maxThreads: 2 }, 4)).toThrow(/^minThreads must be an integer in \[1, maxThreads = 2\], got 4$/);
    expect(() => resolveOptions({ minThreads: 0 }, 4)).toThrow(RangeError);
    expect(() => resolveOptions({ maxThreads: MAX_THREADS + 1 }, 4)).toThrow(`maxThreads must be an integer in [1, ${MAX_THREADS}], got ${MAX_THREADS + 1}`);
    expect(() => resolveOptions({ maxThreads: 1.5 }, 4)).toThrow(/maxThreads must be an integer/);
    expect(() => resolveOptions({ threads: 2, maxThreads: 4 }, 4)).toThrow(TypeError);
    expect(() => resolveOptions({ minThreads: 1, maxThreads: 2, idleTimeoutMs: 0 }, 4)).toThrow(/idleTimeoutMs must be an integer number of milliseconds in \[1, 2147483647\], got 0/);
    expect(() => resolveOptions({ idleTimeoutMs: Infinity }, 4)).toThrow(RangeError);
  });

  it('a host that cannot start workers later refuses minThreads < maxThreads, before anything is made', () => {
    const { ops } = makeOps();
    const host = { start: () => Promise.resolve(), stop: () => Promise.resolve() };
    expect(() => new Workqueue(ops, { minThreads: 1, maxThreads: 2 }, host, 1)).toThrow(
      /^minThreads \(1\) < maxThreads \(2\) needs a host that starts workers later \(a WorkerHost with startWorker\(\)\), got/,
    );
    expect(() => new Workqueue(ops, { minThreads: 2, maxThreads: 2 }, host, 1)).not.toThrow();
  });
});

describe('elastic threads: the protocol, stepped inline', () => {
  it('grows on a full queue, one start at a time, up to maxThreads; partitions beyond start retired', async () => {
    const { q, submitOne, statusOf, run } = await elasticQueue();
    expect(q.stats()).toMatchObject({ minThreads: 1, maxThreads: 3, liveThreads: 1, peakThreads: 1, threadsStarted: 0 });
    expect([statusOf(0), statusOf(1), statusOf(2)]).toEqual(['ready', 'retired', 'retired']);
    expect([run(1), run(2)]).toEqual([RUN_LEFT, RUN_LEFT]);
    for (let i = 0; i < 6; i++) expect(submitOne()).not.toBeNull();
    expect(submitOne()).toBeNull();
    expect(q.stats()).toMatchObject({ liveThreads: 3, peakThreads: 3, threadsStarted: 2 });
    expect([statusOf(1), statusOf(2), run(1), run(2)]).toEqual(['ready', 'ready', RUN_SERVING, RUN_SERVING]);
    q.runAll();
    await q.destroy();
  });

  it('retires an idle worker beyond minThreads, never below; a retired partition takes no placement', async () => {
    const { q, done, submitOne, statusOf, run, ask, submitted } = await elasticQueue();
    for (let i = 0; i < 6; i++) submitOne();
    q.runAll();
    q.collect();
    expect(ask(2)).toBe(true);
    expect(run(2)).toBe(RUN_GO);
    expect(q.runtimes[2].leaveIfRetired()).toBe(true);
    q.runtimes[2].markRetired();
    expect([run(2), statusOf(2)]).toEqual([RUN_LEFT, 'retired']);
    expect(ask(1)).toBe(true);
    expect(q.runtimes[1].leaveIfRetired()).toBe(true);
    q.runtimes[1].markRetired();
    // Worker 0 is the last: denied, it stays.
    expect(ask(0)).toBe(true);
    expect(run(0)).toBe(RUN_SERVING);
    expect(q.stats()).toMatchObject({ liveThreads: 1, threadsRetired: 2 });
    // Placement goes to worker 0 only, until it is full: then growth again.
    const a = submitOne();
    const b = submitOne();
    expect([a?.worker, b?.worker]).toEqual([0, 0]);
    expect(submitOne()?.worker).toBe(1);
    q.runAll();
    q.waitAll();
    expect(done.map((d) => d.seq).sort((x, y) => x - y)).toEqual([...Array(submitted()).keys()]);
    expect(done.every((d) => d.error === undefined && d.out === mix(d.seq))).toBe(true);
    await q.destroy();
  });

  it('denies a worker with a request in flight, a slot handed out, or a wake-up since it parked', async () => {
    const { q, submitOne, run, ask } = await elasticQueue();
    for (let i = 0; i < 4; i++) submitOne();
    // Worker 1 has requests in flight (its wake event reset by hand: only the requests keep it).
    memoryOf(q).blocks[1].wake.reset();
    expect(q.runtimes[1].askToRetire()).toBe(true);
    expect(run(1)).toBe(RUN_SERVING);
    q.runAll();
    q.collect();
    // A slot of worker 1 handed out and not yet submitted (the cursor is at worker 1, batching).
    const held = q.getRequest() as Request<Spec>;
    expect(held.worker).toBe(1);
    expect(ask(1)).toBe(true);
    expect(run(1)).toBe(RUN_SERVING);
    held.seq = 100;
    q.submit(held);
    q.runAll();
    q.collect();
    // Woken (a submit set its event) after it went to park: denied.
    expect(q.runtimes[1].prepareToPark()).toBe(true);
    q.submit(Object.assign(q.getRequest() as Request<Spec>, { seq: 101 }));
    expect(q.runtimes[1].askToRetire()).toBe(true);
    expect(run(1)).toBe(RUN_SERVING);
    q.runAll();
    await q.destroy();
  });

  it('a worker told GO that has not left yet is taken back by growth (GO -> SERVING wins): no new thread', async () => {
    const { q, submitOne, run, ask } = await elasticQueue();
    for (let i = 0; i < 4; i++) submitOne();
    q.runAll();
    q.collect();
    expect(ask(1)).toBe(true);
    expect(run(1)).toBe(RUN_GO);
    expect(q.stats().liveThreads).toBe(1);
    // A burst before worker 1 looked: growth takes partition 1 back by CAS.
    for (let i = 0; i < 3; i++) submitOne();
    expect(run(1)).toBe(RUN_SERVING);
    expect(q.runtimes[1].leaveIfRetired()).toBe(false);
    expect(q.stats()).toMatchObject({ liveThreads: 2, threadsStarted: 1, threadsRetired: 1 });
    q.runAll();
    await q.destroy();
  });
});

describe('elastic threads: the host side', () => {
  it('a worker that ends after it left its partition is a retirement, not a death', () => {
    const g = computeGeometry(2, 1, 8);
    const memory = new QueueMemory(new SharedArrayBuffer(g.totalBytes), g);
    const block = memory.blocks[1];
    Atomics.store(block.state32, W_STATUS, WORKER_READY);
    Atomics.store(block.submitter32, U_RUN, RUN_LEFT);
    expect(reportWorkerGone(memory, 1, 1, { name: 'Error', message: 'gone' }, true)).toEqual({ stopped: true });
    expect(block.status()).toBe(WORKER_RETIRED);
    expect(block.state32[1]).toBe(0); // no replacement generation
    // ASKED (or GO, not yet left) is still a death: it may have been running a stolen request.
    Atomics.store(block.state32, W_STATUS, WORKER_READY);
    Atomics.store(block.submitter32, U_RUN, RUN_ASKED);
    expect(reportWorkerGone(memory, 1, 1, { name: 'Error', message: 'gone' }, true)).toMatchObject({ stopped: false, replaced: true });
  });

  it('the supervisor starts minThreads, starts more on demand, and spawns after a retiring thread said so', () => {
    const g = computeGeometry(3, 1, 8);
    const memory = new QueueMemory(new SharedArrayBuffer(g.totalBytes), g);
    memory.i32[6] = 1; // H_MIN_THREADS
    const spawned: { t: number }[] = [];
    const terminated: number[] = [];
    const idle: number[] = [];
    let started = 0;
    const supervisor = new Supervisor<{ t: number }>(
      {
        spawn: (t) => {
          const h = { t };
          spawned.push(h);
          return h;
        },
        terminate: (h) => terminated.push(h.t),
      },
      memory,
      true,
      { workerExit: () => undefined, started: () => started++, workerIdle: (t) => idle.push(t) },
    );
    const msg = (type: string) => ({ twq: WORKER_MESSAGE_TAG, type, lock: false }) as WorkerMessage;
    supervisor.start();
    expect(spawned.map((h) => h.t)).toEqual([0]);
    supervisor.message(0, spawned[0], msg('ready'));
    expect(started).toBe(1);
    supervisor.startWorker(2);
    expect(spawned.map((h) => h.t)).toEqual([0, 2]);
    supervisor.message(2, spawned[1], msg('ready'));
    supervisor.message(2, spawned[1], msg('idle'));
    expect(idle).toEqual([2]);
    // A start asked for before partition 2's retiring thread said it is done waits for it.
    supervisor.startWorker(2);
    expect(spawned).toHaveLength(2);
    supervisor.message(2, spawned[1], msg('retired'));
    expect(terminated).toEqual([2]);
    expect(spawned.map((h) => h.t)).toEqual([0, 2, 2]);
    // Its exit, heard later, is nobody's death.
    supervisor.exited(2, spawned[1], 0);
    expect(spawned).toHaveLength(3);
  });
});
