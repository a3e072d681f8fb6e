import { expectError } from '@twq/test-support/expect-error';
import { describe, expect, it } from 'vitest';
import { CLAIM_CANCELLED, CLAIM_QUEUED, CLAIM_RUNNING, CLAIM_STATE_MASK, S_CLAIM } from '../src/host-entry.js';
import { CANCELLED, InlineQueue, RemoteError, RequestStateError, defineLayout, defineOps, type Request } from '../src/index.js';
import { HEADER, type RequestObject } from '../src/requests.js';
import { mix } from './helpers.js';

const layout = defineLayout({ seq: 'u32', out: 'u32' });
type Spec = typeof layout.spec;

interface Record {
  seq: number;
  out: number;
  error: RemoteError | undefined;
}

/** Ops that record every handled seq (and the worker and context that ran it) and every done call. */
function makeOps(onHandle?: (request: Request<Spec>, cancelled: () => boolean) => void) {
  const handled: { seq: number; worker: number; context: string }[] = [];
  const done: Record[] = [];
  const ops = defineOps<Spec, string>({
    layout,
    setup(slot, env) {
      return `w${env.worker}:${slot}`;
    },
    handle(r, context, env) {
      handled.push({ seq: r.seq, worker: env.worker, context });
      onHandle?.(r, () => env.cancelled);
      r.out = mix(r.seq);
    },
    done(r, error) {
      done.push({ seq: r.seq, out: r.out, error });
    },
  });
  return { ops, handled, done };
}

function claimOf(request: Request<Spec>): number {
  return (request as unknown as RequestObject)[HEADER][S_CLAIM];
}

function submitSeq(q: InlineQueue<Spec>, seq: number, options?: { signal?: AbortSignal }): Request<Spec> {
  const r = q.getRequest();
  if (r === null) throw new Error('queue full');
  r.seq = seq;
  q.submit(r, options);
  return r;
}

describe('claims: cancel', () => {
  it('a queued request that is cancelled is never handled; its done gets an AbortError with code ERR_TWQ_CANCELLED', async () => {
    const { ops, handled, done } = makeOps();
    const q = await InlineQueue.create(ops, { threads: 1, slotsPerThread: 4, autoRun: false });
    const a = submitSeq(q, 1);
    const b = submitSeq(q, 2);
    submitSeq(q, 3);
    expect(claimOf(b) & CLAIM_STATE_MASK).toBe(CLAIM_QUEUED);
    expect(q.cancel(b)).toBe(true);
    expect(claimOf(b) & CLAIM_STATE_MASK).toBe(CLAIM_CANCELLED);
    // Cancelled twice: the second finds it back in the submitter's hands.
    expect(q.cancel(b)).toBe(false);
    q.waitAll(5_000);
    expect(handled.map((h) => h.seq).sort()).toEqual([1, 3]);
    expect(done).toHaveLength(3);
    const cancelled = done.find((d) => d.seq === 2);
    expect(cancelled?.error).toBeInstanceOf(RemoteError);
    expect(cancelled?.error).toMatchObject({ name: 'AbortError', code: CANCELLED, worker: 0 });
    expect(done.filter((d) => d.seq !== 2).every((d) => d.error === undefined && d.out === mix(d.seq))).toBe(true);
    expect(q.stats()).toMatchObject({ submitted: 3, completed: 3, cancelled: 1, outstanding: 0 });
    // A handled request is not cancelled: its result stands.
    expect(q.cancel(a)).toBe(false);
    await q.destroy();
  });

  it('the slot of a cancelled request is reused, and the next request in it runs', async () => {
    const { ops, handled, done } = makeOps();
    const q = await InlineQueue.create(ops, { threads: 1, slotsPerThread: 1, autoRun: false });
    const r = submitSeq(q, 10);
    expect(q.cancel(r)).toBe(true);
    // The only slot is free again at once: cancel handed it back.
    const again = submitSeq(q, 11);
    expect(again).toBe(r);
    q.waitAll(5_000);
    expect(handled.map((h) => h.seq)).toEqual([11]);
    expect(done.map((d) => [d.seq === 11 ? 11 : 10, d.error?.code])).toEqual([
      [10, CANCELLED],
      [11, undefined],
    ]);
    await q.destroy();
  });

  it('a running request gets the cooperative flag (env.cancelled) and completes as its handler decides', async () => {
    const held: { q?: InlineQueue<Spec>; submitted?: Request<Spec> } = {};
    const seen: unknown[] = [];
    const { ops, done } = makeOps((_r, cancelled) => {
      seen.push(cancelled());
      // The submitter (this same thread, inline) cancels it while it runs: too late to take it.
      seen.push(held.q?.cancel(held.submitted as Request<Spec>));
      seen.push(cancelled());
    });
    const q = await InlineQueue.create(ops, { threads: 1, slotsPerThread: 2, autoRun: false });
    held.q = q;
    const r = submitSeq(q, 5);
    held.submitted = r;
    q.runAll();
    expect(seen).toEqual([false, false, true]);
    expect(claimOf(r) & CLAIM_STATE_MASK).toBe(CLAIM_RUNNING);
    q.waitAll(5_000);
    expect(done).toEqual([{ seq: 5, out: mix(5), error: undefined }]);
    await q.destroy();
  });

  it('submit({ signal }): an already aborted signal cancels at once; a later abort cancels a queued request', async () => {
    const { ops, handled, done } = makeOps();
    const q = await InlineQueue.create(ops, { threads: 1, slotsPerThread: 4, autoRun: false });
    submitSeq(q, 1, { signal: AbortSignal.abort() });
    const controller = new AbortController();
    submitSeq(q, 2, { signal: controller.signal });
    submitSeq(q, 3, { signal: new AbortController().signal });
    controller.abort();
    q.waitAll(5_000);
    expect(handled.map((h) => h.seq)).toEqual([3]);
    expect(done.map((d) => [d.seq, d.error?.code]).sort()).toEqual([
      [1, CANCELLED],
      [2, CANCELLED],
      [3, undefined],
    ]);
    // Aborting after the request completed changes nothing.
    controller.abort();
    expect(q.stats()).toMatchObject({ cancelled: 2, completed: 3 });
    await q.destroy();
  });

  it('the abort listener is removed once the request is reported', async () => {
    const { ops } = makeOps();
    const q = await InlineQueue.create(ops, { threads: 1, slotsPerThread: 1, autoRun: true });
    const signal = new AbortController().signal;
    const added: unknown[] = [];
    const removed: unknown[] = [];
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = (type: string, listener: unknown, options?: unknown) => {
      added.push(listener);
      add(type, listener as Parameters<typeof add>[1], options as Parameters<typeof add>[2]);
    };
    signal.removeEventListener = (type: string, listener: unknown) => {
      removed.push(listener);
      remove(type, listener as Parameters<typeof remove>[1]);
    };
    submitSeq(q, 1, { signal });
    q.waitAll(5_000);
    expect(added).toHaveLength(1);
    expect(removed).toEqual(added);
    await q.destroy();
  });

  it('bad input: options not an object, a signal that is not an AbortSignal, a foreign request', async () => {
    const { ops } = makeOps();
    const q = await InlineQueue.create(ops, { threads: 1, slotsPerThread: 2, autoRun: false });
    const r = q.getRequest();
    if (r === null) throw new Error('full');
    expectError(() => {
      q.submit(r, 5 as never);
    }, TypeError, 'submit(): options must be an object or undefined, got 5');
    expectError(() => {
      q.submit(r, { signal: 'stop' as never });
    }, TypeError, 'submit(): options.signal must be an AbortSignal or undefined, got "stop"');
    // Nothing was half-done: the request is still held and submits fine.
    q.submit(r);
    expectError(() => q.cancel({ slot: 0 } as never), RequestStateError, 'cancel() needs a request obtained from queue "twq" by getRequest(), got a request for slot 0 of another queue');
    q.waitAll(5_000);
    await q.destroy();
  });
});

describe('claims: env.signal for async handlers', () => {
  it('a running async handler sees env.signal abort (AbortError, ERR_TWQ_CANCELLED) when the submitter cancels it', async () => {
    const reasons: unknown[] = [];
    const ops = defineOps<Spec>({
      layout,
      async handle(r, _context, env) {
        const signal = env.signal;
        expect(signal.aborted).toBe(false);
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => {
            reject(new Error('env.signal did not abort within 5 s'));
          }, 5_000);
          signal.addEventListener('abort', () => {
            clearTimeout(timer);
            reasons.push(signal.reason);
            resolve();
          });
        });
        r.out = 7;
      },
    });
    const done: (RemoteError | undefined)[] = [];
    const q = await InlineQueue.create(ops, { threads: 1, slotsPerThread: 2, autoRun: false, onDone: (_r, e) => done.push(e) });
    const r = submitSeq(q, 1);
    expect(q.runAll()).toBe(0); // went async
    expect(q.cancel(r)).toBe(false);
    await q.drain({ timeoutMs: 10_000 });
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatchObject({ name: 'AbortError', code: CANCELLED });
    expect(done).toEqual([undefined]);
    expect(r.out).toBe(7);
    await q.destroy();
  });
});

describe('claims: stealing (inline, stepped)', () => {
  it('an idle worker takes a queued request of the most loaded partition, with its spare context', async () => {
    const { ops, handled, done } = makeOps();
    const q = await InlineQueue.create(ops, { threads: 2, slotsPerThread: 4, autoRun: false, policy: 'batch' });
    for (let seq = 0; seq < 4; seq++) submitSeq(q, seq);
    // Batch placement put all four on worker 0; worker 1 steals from the top.
    expect(q.runtimes[1].steal()).toBe(1);
    expect(handled).toEqual([{ seq: 3, worker: 1, context: 'w1:-1' }]);
    q.waitAll(5_000);
    expect(handled.map((h) => h.seq).sort()).toEqual([0, 1, 2, 3]);
    expect(done.every((d) => d.error === undefined && d.out === mix(d.seq))).toBe(true);
    expect(q.stats().workers.map((w) => w.stolen)).toEqual([0, 1]);
    await q.destroy();
  });

  it('a stolen slot is not run again by its owner, which does not spin on it', async () => {
    const { ops, handled } = makeOps();
    const q = await InlineQueue.create(ops, { threads: 2, slotsPerThread: 2, autoRun: false, policy: 'batch' });
    submitSeq(q, 0);
    submitSeq(q, 1);
    expect(q.runtimes[1].steal()).toBe(1);
    expect(q.runtimes[0].pass()).toBe(1);
    expect(q.runtimes[0].hasWork()).toBe(false);
    expect(handled.map((h) => h.seq).sort()).toEqual([0, 1]);
    q.waitAll(5_000);
    await q.destroy();
  });

  it('nothing is stolen from a partition with a single request, nor with steal: false', async () => {
    const { ops } = makeOps();
    const single = await InlineQueue.create(ops, { threads: 2, slotsPerThread: 4, autoRun: false });
    submitSeq(single, 0);
    expect(single.runtimes[1].steal()).toBe(0);
    single.waitAll(5_000);
    await single.destroy();
    const off = await InlineQueue.create(ops, { threads: 2, slotsPerThread: 4, autoRun: false, steal: false });
    expect(off.steal).toBe(false);
    for (let seq = 0; seq < 4; seq++) submitSeq(off, seq);
    expect(off.runtimes[1].steal()).toBe(0);
    off.waitAll(5_000);
    await off.destroy();
  });

  it('steal must be a boolean', async () => {
    const { ops } = makeOps();
    await expect(InlineQueue.create(ops, { steal: 'yes' as never })).rejects.toThrow('steal must be a boolean, got "yes"');
  });
});
