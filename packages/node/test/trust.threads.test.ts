/**
 * The trust model on real threads (issue 11, part C). Handlers are trusted
 * code that shares the queue's memory: one that writes over a control word
 * must fail the queue (QueueCorruptedError, ERR_TWQ_CORRUPTED), never pass
 * as a success nor hang. And the module the workers import may not be a
 * data: or http(s): URL unless the option allowDataAndNetworkModules says so.
 */
import { expectRejection } from '@twq/test-support/expect-error';
import { withTimeout } from '@twq/test-support/worker';
import { describe, expect, it } from 'vitest';
import { ERR_TWQ_CORRUPTED, QueueCorruptedError, WaitTimeoutError, createPool, createQueue, toModuleSpecifier, type Ops, type RemoteError, type Request, type Workqueue } from '../dist/index.js';
import { fixture, trackQueues } from './helpers.js';

// The ops of fixtures/scribble.mjs.
type ScribbleSpec = { op: 'u32'; target: 'u32'; ran: 'u32'; pad: { bytes: 8 } };
const PLAIN = 0;
const FLIP_DONE = 1;
const CLAIM_IDLE = 2;
const BAD_STATUS = 3;
const BAD_WORKER_STATUS = 4;

const { track } = trackQueues();

interface Done {
  slot: number;
  ran: number;
  error: RemoteError | undefined;
}

/** One worker, four slots (all its own): slot i is the i-th request submitted. */
async function scribbleQueue(): Promise<{ queue: Workqueue<ScribbleSpec>; done: Done[]; submit: (op: number, target?: number) => void }> {
  const done: Done[] = [];
  const queue = track(
    await createQueue<Ops<ScribbleSpec>>(fixture('scribble.mjs'), {
      threads: 1,
      slotsPerThread: 4,
      steal: false,
      onDone: (r: Request<ScribbleSpec>, error) => {
        done.push({ slot: r.slot, ran: r.ran, error });
      },
    }),
  );
  const submit = (op: number, target = 0): void => {
    const r = queue.getRequestBlocking(10_000);
    r.op = op;
    r.target = target;
    r.ran = 0;
    queue.submit(r);
  };
  return { queue, done, submit };
}

function caught(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('a handler that writes over a control word: a failure, never a wrong success', () => {
  it('DONE flipped for a queued request nobody ran: its done callback gets ERR_TWQ_CORRUPTED, and the queue fails', async () => {
    const { queue, done, submit } = await scribbleQueue();
    submit(FLIP_DONE, 1);
    submit(PLAIN);
    queue.waitAll(10_000);
    const victim = done.find((d) => d.slot === 1);
    expect(victim?.ran, 'the request the handler flipped never ran').toBe(0);
    expect(victim?.error?.code, 'reported as corruption, not as a success').toBe(ERR_TWQ_CORRUPTED);
    expect(caught(() => queue.getRequest())).toBeInstanceOf(QueueCorruptedError);
  });

  it('a claim word set to IDLE for a queued request: the worker reports it, and the wait ends with QueueCorruptedError instead of hanging', async () => {
    const { queue, submit } = await scribbleQueue();
    submit(CLAIM_IDLE, 1);
    submit(PLAIN);
    const error = caught(() => {
      queue.waitAll(5_000);
    });
    expect(error, `got ${String(error)}`).not.toBeInstanceOf(WaitTimeoutError);
    expect(error).toBeInstanceOf(QueueCorruptedError);
    expect((error as QueueCorruptedError).code).toBe(ERR_TWQ_CORRUPTED);
    expect((error as Error).message).toMatch(/worker 0 found slot 1 in flight with the claim word 0x0/);
  });

  it('a slot status no party writes: ERR_TWQ_CORRUPTED, not a success', async () => {
    const { queue, done, submit } = await scribbleQueue();
    submit(PLAIN);
    submit(BAD_STATUS, 0);
    queue.waitAll(10_000);
    expect(done.find((d) => d.slot === 0)?.error?.code).toBe(ERR_TWQ_CORRUPTED);
    expect(done.find((d) => d.slot === 1)?.error).toBeUndefined();
  });

  it("a worker status word out of range: the submitter's next park finds it and fails the queue", async () => {
    const { queue, submit } = await scribbleQueue();
    submit(BAD_WORKER_STATUS);
    const error = caught(() => {
      queue.waitAll(5_000);
    });
    expect(error).toBeInstanceOf(QueueCorruptedError);
    expect((error as Error).message).toMatch(/worker 0's status word holds 99/);
    // Destroy still ends every thread (the afterEach would time out otherwise).
    await withTimeout(queue.destroy({ force: true }), 10_000, 'destroy after corruption');
  });

  it('the same ops, left alone, report plain successes', async () => {
    const { queue, done, submit } = await scribbleQueue();
    for (let i = 0; i < 200; i++) submit(PLAIN);
    queue.waitAll(10_000);
    expect(done).toHaveLength(200);
    expect(done.filter((d) => d.error !== undefined || d.ran !== 1)).toEqual([]);
  });
});

describe('module specifiers: data: and http(s): URLs only when allowed', () => {
  const dataUrl = `data:text/javascript,${encodeURIComponent("export { ops } from '" + fixture('scribble.mjs').href + "';")}`;

  it.each([
    ['a data: URL string', dataUrl, 'a data: URL'],
    ['a data: URL object', new URL(dataUrl), 'a data: URL'],
    ['an https: URL', 'https://example.com/ops.mjs', 'an https: URL'],
    ['an http: URL object', new URL('http://example.com/ops.mjs'), 'an http: URL'],
    ['upper case', 'DATA:text/javascript,export const ops = 1', 'a data: URL'],
  ])('createQueue refuses %s, naming it and the option, before anything starts', async (_label, module, what) => {
    await expectRejection(createQueue(module), TypeError, what, 'allowDataAndNetworkModules');
  });

  it('createPool refuses a data: URL as the task file (its own generated data: module still works)', async () => {
    await expectRejection(createPool({ filename: 'data:text/javascript,export default (x) => x' }), TypeError, 'a data: URL', 'allowDataAndNetworkModules');
    const pool = await createPool<(x: number) => number>({ filename: fixture('task-file.mjs'), threads: 1 });
    try {
      expect(await pool.run(1)).toBe(1);
    } finally {
      await pool.destroy();
    }
  });

  it('allowDataAndNetworkModules: true takes a data: URL as given, on the submitter and in the workers', async () => {
    const done: Done[] = [];
    const queue = track(
      await createQueue<Ops<ScribbleSpec>>(dataUrl, {
        threads: 1,
        slotsPerThread: 2,
        allowDataAndNetworkModules: true,
        onDone: (r, error) => {
          done.push({ slot: r.slot, ran: r.ran, error });
        },
      }),
    );
    const r = queue.getRequestBlocking(10_000);
    r.op = PLAIN;
    queue.submit(r);
    queue.waitAll(10_000);
    expect(done).toEqual([{ slot: 0, ran: 1, error: undefined }]);
  });

  it('the option must be a boolean', async () => {
    await expectRejection(createQueue(fixture('scribble.mjs'), { allowDataAndNetworkModules: 'yes' as unknown as boolean }), TypeError, 'allowDataAndNetworkModules must be a boolean', '"yes"');
    expect(() => toModuleSpecifier('data:text/javascript,', 1 as unknown as boolean)).toThrow(/allowDataAndNetworkModules must be a boolean, got 1/);
  });
});
