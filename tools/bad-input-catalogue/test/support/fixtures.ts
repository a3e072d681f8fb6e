/**
 * What the cases call into: small ops, queues made on demand (every one is
 * destroyed after the run), and the checks that a refused call left a queue
 * working.
 */
import { InlineQueue, MAX_SLOTS_PER_THREAD, defineLayout, defineOps, maxSharedBytes, type InlineQueueOptions, type Request } from '@twq/core';
import { computeGeometry, type WorkerHost } from '@twq/core/host';
import { expect } from 'vitest';

export const layout = defineLayout({ seq: 'u32', out: 'u32' });
export type Spec = typeof layout.spec;

/** The handler's result for `seq`. */
export function mix(seq: number): number {
  return Math.imul((seq ^ 0x9e3779b9) >>> 0, 0x85ebca6b) >>> 0;
}

export const ops = defineOps({
  layout,
  handle(r) {
    r.out = mix(r.seq);
  },
});

interface Disposable {
  destroy(options?: { force?: boolean }): Promise<void>;
}

const open: Disposable[] = [];

/** Keeps `thing` to destroy after the run. */
export function track<T extends Disposable>(thing: T): T {
  open.push(thing);
  return thing;
}

/** Destroys everything made for the cases (force: nothing may keep a thread or the process alive). */
export async function disposeAll(): Promise<void> {
  const all = open.splice(0);
  await Promise.all(all.map((q) => q.destroy({ force: true }).catch(() => undefined)));
}

/** A started inline queue over `ops`, 1 worker x 2 slots unless told otherwise, whose done callback records results. */
export async function inlineQueue(options: InlineQueueOptions<Spec, unknown> = {}): Promise<{ q: InlineQueue<Spec>; done: Map<number, number> }> {
  const done = new Map<number, number>();
  const q = await InlineQueue.create(ops, {
    slotsPerThread: 2,
    ...options,
    onDone(r: Request<Spec>, error) {
      if (error !== undefined) throw error;
      if (done.has(r.seq)) throw new Error(`done twice for seq ${r.seq}`);
      done.set(r.seq, r.out);
    },
  });
  return { q: track(q), done };
}

let nextSeq = 1;

/** Submits a few requests and waits: each comes back once with its result, nothing outstanding. */
export function expectStillWorks(q: InlineQueue<Spec>, done: Map<number, number>): void {
  for (let i = 0; i < 3; i++) {
    const r = q.getRequest();
    if (r === null) throw new Error('no free request after a refused call');
    const seq = nextSeq++;
    r.seq = seq;
    q.submit(r);
    q.waitAll(5_000);
    expect(done.get(seq), `result of request ${seq}`).toBe(mix(seq));
  }
  expect(q.stats().outstanding).toBe(0);
}

/** A host that records whether anything tried to start workers. */
export function spyHost(): WorkerHost & { starts: number } {
  const host = {
    starts: 0,
    start(): Promise<void> {
      host.starts++;
      return Promise.resolve();
    },
    stop(): Promise<void> {
      return Promise.resolve();
    },
  };
  return host;
}

/** A queue factory (the shape @twq/compress takes) that counts its calls and makes inline queues over `ops`. */
export function countingFactory<F extends (...args: never[]) => Promise<unknown>>(inner: F): F & { calls: number } {
  const wrapped = Object.assign(
    (...args: Parameters<F>) => {
      wrapped.calls++;
      return inner(...args);
    },
    { calls: 0 },
  );
  return wrapped as unknown as F & { calls: number };
}

/**
 * The fewest slots of `requestBytes`-byte requests for one thread whose queue
 * is more than one SharedArrayBuffer of this engine holds (each option in its
 * range, their product not); undefined where no slot count reaches it (an
 * engine that allows 2^53 - 1 bytes, as Node.js 22).
 */
export function overLimitSlots(requestBytes: number): number | undefined {
  const limit = maxSharedBytes();
  for (let slots = 1; slots <= MAX_SLOTS_PER_THREAD; slots *= 2) {
    if (computeGeometry(1, slots, requestBytes).totalBytes > limit) {
      let low = slots / 2;
      let high = slots;
      while (high - low > 1) {
        const mid = Math.floor((low + high) / 2);
        if (computeGeometry(1, mid, requestBytes).totalBytes > limit) high = mid;
        else low = mid;
      }
      return high;
    }
  }
  return computeGeometry(1, MAX_SLOTS_PER_THREAD, requestBytes).totalBytes > limit ? MAX_SLOTS_PER_THREAD : undefined;
}
