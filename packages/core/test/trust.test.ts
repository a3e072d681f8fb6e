/**
 * The trust model's checks (issue 11, part C), on the inline queue: a queue
 * larger than one SharedArrayBuffer of this engine is refused with a
 * RangeError naming the options and the limit; a control word that a handler
 * wrote over fails the queue (QueueCorruptedError, ERR_TWQ_CORRUPTED) rather
 * than passing as a success. The same on real threads: @twq/node's trust.threads.test.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ERR_TWQ_CORRUPTED,
  InlineQueue,
  QueueCorruptedError,
  QueueFailedError,
  defineLayout,
  defineOps,
  maxSharedBytes,
  type RemoteError,
  type Request,
} from '../src/index.js';
import { checkQueueSize, computeGeometry, preparePool } from '../src/host-entry.js';
import { BAD_STATUS, CLAIM_IDLE, FLIP_DONE, PLAIN, scribbleOps, type scribbleLayout } from './fixtures/scribble-ops.js';

const MIB = 1024 * 1024;

describe('sizes: options each in range whose product is more than one SharedArrayBuffer holds', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('the engine limit is known without allocating (Node.js: buffer.constants.MAX_LENGTH)', async () => {
    const { constants } = await import('node:buffer');
    expect(maxSharedBytes()).toBe(constants.MAX_LENGTH);
  });

  it('an InlineQueue of 4096 slots of 1 MiB requests: a RangeError naming the options and the limit, not the engine\'s "Invalid typed array length"', () => {
    const ops = defineOps({ layout: defineLayout({ data: { bytes: MIB } }), handle() {} });
    const slots = 4096;
    // Skipped where the engine allows more (Node.js 22 and later: 2^53 - 1 bytes).
    if (computeGeometry(1, slots, MIB).totalBytes <= maxSharedBytes()) return;
    const error = catchError(() => new InlineQueue(ops, { threads: 1, slotsPerThread: slots }));
    expect(error).toBeInstanceOf(RangeError);
    const message = (error as Error).message;
    expect(message).toContain(`threads (1) x slotsPerThread (${slots})`);
    expect(message).toContain(`more than the ${maxSharedBytes()} bytes this engine allows in one SharedArrayBuffer`);
    expect(message).not.toMatch(/Invalid typed array length/);
  });

  it('checkQueueSize computes the size up front and names where the request size comes from', () => {
    const limit = maxSharedBytes();
    const ok = checkQueueSize(2, 64, 1000);
    expect(ok.totalBytes).toBeLessThan(limit);
    if (limit < 256 * 4096 * 16 * MIB) {
      expect(() => checkQueueSize(256, 4096, 16 * MIB, 'blockSize (x)')).toThrow(/threads \(256\) x slotsPerThread \(4096\) slots of \d+ bytes each \(blockSize \(x\)/);
    }
  });

  it('an allocation the engine refuses anyway (out of memory) is the same RangeError, with the engine\'s error as cause', () => {
    const engineError = new RangeError('Array buffer allocation failed');
    // A constructor the engine refuses, as it refuses a SharedArrayBuffer it cannot allocate.
    vi.stubGlobal('SharedArrayBuffer', function RefusingSharedArrayBuffer(): never {
      throw engineError;
    });
    const ops = defineOps({ layout: defineLayout({ x: 'u32' }), handle() {} });
    const error = catchError(() => new InlineQueue(ops, { threads: 1, slotsPerThread: 4 }));
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toMatch(/threads \(1\) x slotsPerThread \(4\) .* which this engine could not allocate as one SharedArrayBuffer \(Array buffer allocation failed\)/);
    expect((error as Error).cause).toBe(engineError);
  });

  it("a pool's queue too large for the engine is refused before its arenas are made, naming inlineBytes", () => {
    const limit = maxSharedBytes();
    if (limit >= 256 * 4096 * 2 * MIB) return;
    expect(() => preparePool({ threads: 256, slotsPerThread: 4096, inlineBytes: MIB }, 1, 'p', 'default')).toThrow(
      /threads \(256\) x slotsPerThread \(4096\) .*inlineBytes \(1048576\) each way.* more than the \d+ bytes this engine allows/,
    );
  });

  it('an overflow arena larger than the engine allows is refused with the limit as the range', () => {
    const limit = maxSharedBytes();
    if (limit >= 2 ** 40) return;
    expect(() => preparePool({ threads: 1, maxArenaBytes: limit + 8 }, 1, 'p', 'default')).toThrow(
      new RegExp(`maxArenaBytes must be an integer in \\[4096, ${limit}\\] \\(the largest SharedArrayBuffer this engine allows\\), got ${limit + 8}`),
    );
  });
});

type ScribbleRequest = Request<typeof scribbleLayout.spec>;

/** An inline queue of the scribbling ops (nothing runs until stepped), with every done call recorded. */
async function scribbleQueue() {
  const done: { slot: number; ran: number; error: RemoteError | undefined }[] = [];
  const queue = await InlineQueue.create(scribbleOps, {
    threads: 1,
    slotsPerThread: 4,
    autoRun: false,
    onDone: (r, error) => {
      done.push({ slot: r.slot, ran: r.ran, error });
    },
  });
  const submit = (op: number, target = 0): ScribbleRequest => {
    const r = queue.getRequest() as ScribbleRequest;
    r.op = op;
    r.target = target;
    r.ran = 0;
    queue.submit(r);
    return r;
  };
  return { queue, done, submit };
}

describe('a handler that writes over a control word fails the queue, never a wrong success', () => {
  it("a DONE bit flipped for a request nobody ran: its done callback gets ERR_TWQ_CORRUPTED, not a success, and the queue fails", async () => {
    const { queue, done, submit } = await scribbleQueue();
    submit(FLIP_DONE, 1);
    submit(PLAIN);
    expect(queue.step()).toBe(1);
    queue.waitAll();
    const second = done.find((d) => d.slot === 1);
    expect(second?.ran).toBe(0);
    expect(second?.error?.code).toBe(ERR_TWQ_CORRUPTED);
    expect(second?.error?.message).toMatch(/slot 1 came back with status 0, claim 0x\w+ \(state 1,.*which no party writes: the queue's shared memory was written over/);
    expect(queue.state).toBe('failed');
    expect(() => queue.getRequest()).toThrow(QueueCorruptedError);
    await queue.destroy({ force: true });
  });

  it('a claim word set to IDLE for a submitted request: the worker reports it and the wait throws QueueCorruptedError', async () => {
    const { queue, done, submit } = await scribbleQueue();
    submit(CLAIM_IDLE, 1);
    submit(PLAIN);
    const error = catchError(() => {
      queue.waitAll(2000);
    });
    expect(error).toBeInstanceOf(QueueCorruptedError);
    expect(error).toBeInstanceOf(QueueFailedError);
    expect((error as QueueCorruptedError).code).toBe(ERR_TWQ_CORRUPTED);
    expect((error as Error).message).toMatch(/worker 0 found slot 1 in flight with the claim word 0x0 \(state 0/);
    expect(done.filter((d) => d.slot === 1 && d.error === undefined)).toHaveLength(0);
    await queue.destroy({ force: true });
  });

  it('a slot status no party writes: reported as ERR_TWQ_CORRUPTED, not as a success', async () => {
    const { queue, done, submit } = await scribbleQueue();
    submit(PLAIN);
    submit(BAD_STATUS, 0);
    queue.runAll();
    queue.waitAll();
    const first = done.find((d) => d.slot === 0);
    expect(first?.error?.code).toBe(ERR_TWQ_CORRUPTED);
    expect(first?.error?.message).toMatch(/slot 0 came back with status 7/);
    expect(() => queue.getRequest()).toThrow(QueueCorruptedError);
    await queue.destroy({ force: true });
  });

  it('a healthy queue of the same ops reports plain successes (the checks do not misfire)', async () => {
    const { queue, done, submit } = await scribbleQueue();
    for (let i = 0; i < 40; i++) {
      submit(PLAIN);
      if (i % 3 === 2) queue.runAll();
    }
    queue.waitAll();
    expect(done).toHaveLength(40);
    expect(done.every((d) => d.error === undefined && d.ran === 1)).toBe(true);
    await queue.destroy();
  });
});

function catchError(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}
