// Request deadlines on real threads (issue 13): requestTimeoutMs and submit(request, { timeoutMs }).
// A deadline that passes before the request starts fails it with ERR_TWQ_TIMEOUT and no thread
// ever runs it; one that passes while it runs raises the cooperative flag. Every wait is bounded.
import { describe, expect, it } from 'vitest';
import { withTimeout } from '@twq/test-support/worker';
import { ERR_TWQ_TIMEOUT, type RemoteError } from '../dist/index.js';
import { MODE_OK, MODE_SLEEP, MODE_UNTIL_CANCELLED, NOT_RUN, trackQueues, type ChecksumRequest } from './helpers.js';

const { create } = trackQueues();

/** A queue of one worker whose done callback records each request's outcome by sequence number. */
async function recordingQueue(options: { requestTimeoutMs?: number } = {}) {
  const outcomes = new Map<number, { error: RemoteError | undefined; ranOn: number; out: number }>();
  const q = await create({
    threads: 1,
    slotsPerThread: 8,
    ...options,
    onDone(r, error) {
      expect(outcomes.has(r.seq), `request ${r.seq} reported twice`).toBe(false);
      outcomes.set(r.seq, { error, ranOn: r.ranOn, out: r.out });
    },
  });
  const send = (seq: number, mode: number, arg: number, timeoutMs?: number): ChecksumRequest => {
    const r = q.getRequestBlocking(10_000);
    r.seq = seq;
    r.mode = mode;
    r.arg = arg;
    r.out = 0;
    r.ranOn = NOT_RUN;
    q.submit(r, timeoutMs === undefined ? undefined : { timeoutMs });
    return r;
  };
  return { q, outcomes, send };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('request deadlines', () => {
  it.each([
    ['waitAll (the submitter blocked: no timer can run)', 'sync'],
    ['drain (the timer on the event loop)', 'async'],
  ])('not started in time: never run, done gets ERR_TWQ_TIMEOUT; %s', async (_label, how) => {
    const { q, outcomes, send } = await recordingQueue();
    send(0, MODE_SLEEP, 400); // holds the only worker
    send(1, MODE_OK, 0, 50); // queued behind it, its deadline passes first
    send(2, MODE_OK, 0, 5_000); // queued too, its deadline does not pass
    const t0 = performance.now();
    if (how === 'sync') q.waitAll(20_000);
    else await withTimeout(q.drain(), 20_000, 'drain');
    expect(performance.now() - t0).toBeLessThan(10_000);
    const timedOut = outcomes.get(1);
    expect(timedOut?.error?.code).toBe(ERR_TWQ_TIMEOUT);
    expect(timedOut?.error?.name).toBe('TimeoutError');
    expect(timedOut?.error?.message).toMatch(/did not start within its deadline \(50 ms\)/);
    expect(timedOut?.ranOn, 'the timed-out request ran').toBe(NOT_RUN);
    expect(outcomes.get(0)?.error).toBeUndefined();
    expect(outcomes.get(2)?.error).toBeUndefined();
    expect(outcomes.get(2)?.ranOn).toBe(0);
    expect(q.stats()).toMatchObject({ submitted: 3, completed: 3, outstanding: 0, timedOut: 1, cancelled: 1 });
  });

  it('the timer acts while the submitter does nothing: the slot is free again before anyone waits', async () => {
    const { q, outcomes, send } = await recordingQueue();
    send(0, MODE_SLEEP, 300);
    send(1, MODE_OK, 0, 30);
    await sleep(150); // the worker still runs request 0; request 1's deadline has passed
    expect(q.stats().cancelled, 'expired by the timer, before any wait').toBe(1);
    await withTimeout(q.drain(), 20_000, 'drain');
    expect(outcomes.get(1)?.error?.code).toBe(ERR_TWQ_TIMEOUT);
    expect(outcomes.get(1)?.ranOn).toBe(NOT_RUN);
  });

  it('running past its deadline: the handler sees the cooperative flag and completes as it decides', async () => {
    const { q, outcomes, send } = await recordingQueue();
    send(0, MODE_UNTIL_CANCELLED, 10_000, 50); // polls env.cancelled for up to 10 s
    const t0 = performance.now();
    await withTimeout(q.drain(), 20_000, 'drain');
    expect(performance.now() - t0, 'the handler stopped at the flag, not after 10 s').toBeLessThan(5_000);
    expect(outcomes.get(0)).toMatchObject({ error: undefined, out: 1, ranOn: 0 });
    expect(q.stats().timedOut).toBe(0);
  });

  it('a handler that ignores the flag: after timeoutGraceMs its worker is terminated and replaced; the request fails with ERR_TWQ_TIMEOUT, the queued one behind it runs', async () => {
    const deaths: number[] = [];
    const outcomes = new Map<number, { error: RemoteError | undefined; ranOn: number }>();
    const q = await create({
      threads: 1,
      slotsPerThread: 4,
      timeoutGraceMs: 100,
      onWorkerExit: (event) => deaths.push(event.worker),
      onDone(r, error) {
        outcomes.set(r.seq, { error, ranOn: r.ranOn });
      },
    });
    const send = (seq: number, mode: number, arg: number, timeoutMs?: number) => {
      const r = q.getRequestBlocking(10_000);
      Object.assign(r, { seq, mode, arg, out: 0, ranOn: NOT_RUN });
      q.submit(r, timeoutMs === undefined ? undefined : { timeoutMs });
    };
    send(0, MODE_SLEEP, 30_000, 50); // blocks its worker for 30 s, never looks at the flag
    send(1, MODE_OK, 0); // queued behind it, no deadline
    const t0 = performance.now();
    q.waitAll(20_000);
    expect(performance.now() - t0, 'ended by the grace, not after 30 s').toBeLessThan(10_000);
    expect(outcomes.get(0)?.error?.code).toBe(ERR_TWQ_TIMEOUT);
    expect(outcomes.get(0)?.error?.message).toMatch(/ran past its deadline \(50 ms\) and 100 ms of grace: worker 0 was terminated/);
    expect(outcomes.get(1)).toEqual({ error: undefined, ranOn: 0 }); // run by the replacement
    // onWorkerExit comes through the event loop, after the blocked waitAll().
    await withTimeout((async () => { while (deaths.length === 0) await sleep(10); })(), 10_000, 'onWorkerExit');
    expect(deaths).toEqual([0]);
    expect(q.stats()).toMatchObject({ timedOut: 1, outstanding: 0 });
    expect(q.stats().workers[0]?.status).toBe('ready');
  });

  it('requestTimeoutMs is every request’s deadline; a submit’s own timeoutMs overrides it', async () => {
    const { q, outcomes, send } = await recordingQueue({ requestTimeoutMs: 50 });
    send(0, MODE_SLEEP, 300, Infinity); // no deadline for this one
    send(1, MODE_OK, 0); // the queue's 50 ms
    send(2, MODE_OK, 0, 10_000); // its own
    q.waitAll(20_000);
    expect(outcomes.get(0)?.error).toBeUndefined();
    expect(outcomes.get(1)?.error?.code).toBe(ERR_TWQ_TIMEOUT);
    expect(outcomes.get(2)?.error).toBeUndefined();
    // A slot reused after a timeout carries no stale deadline: these all succeed.
    for (let seq = 3; seq < 40; seq++) send(seq, MODE_OK, 0, Infinity);
    q.waitAll(20_000);
    for (let seq = 3; seq < 40; seq++) expect(outcomes.get(seq)?.error, `request ${seq}`).toBeUndefined();
  });

  it('bad deadlines are refused before anything changes', async () => {
    const { q } = await recordingQueue();
    const r = q.getRequestBlocking(10_000);
    for (const bad of [-1, Number.NaN, '50', null]) {
      expect(() => { q.submit(r, { timeoutMs: bad as number }); }).toThrow(/submit\(\): options.timeoutMs must be a number of milliseconds in \[0, Infinity\]/);
    }
    expect(q.stats().submitted).toBe(0);
    await expect(create({ requestTimeoutMs: -5 })).rejects.toThrow(/requestTimeoutMs must be a number of milliseconds in \[0, Infinity\], got -5/);
    await expect(create({ timeoutGraceMs: Number.NaN })).rejects.toThrow(/timeoutGraceMs must be a number of milliseconds in \[0, Infinity\], got NaN/);
  });
});
