// createQueue's bad input: each refusal is a typed error naming the value and
// what is allowed, and nothing is started (child process check: lifecycle.test.ts).
import { availableParallelism } from 'node:os';
import { relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEFAULT_POLICY, DEFAULT_SLOTS_PER_THREAD } from '@twq/core';
import { expectRejection } from '@twq/test-support/expect-error';
import { afterEach, describe, expect, it } from 'vitest';
import { createQueue, toModuleSpecifier, type NodeQueueOptions, type Ops } from '../dist/index.js';
import { withTimeout } from '@twq/test-support/worker';
import { Checksum, createChecksumQueue, fixture, submit, type ChecksumSpec } from './helpers.js';

const open: { destroy(): Promise<void> }[] = [];
afterEach(async () => {
  const queues = open.splice(0);
  await withTimeout(Promise.all(queues.map((q) => q.destroy())), 20_000, 'destroying the queues after the test');
});

/** createQueue over the checksum fixture with options the types would refuse. */
function createWith(options: Record<string, unknown>): Promise<unknown> {
  return createChecksumQueue(options);
}

describe('createQueue: refused options', () => {
  it.each([
    [0, '0'],
    [-1, '-1'],
    [1.5, '1.5'],
    [Number.NaN, 'NaN'],
    [Infinity, 'Infinity'],
    [257, '257'],
    ['2', '"2"'],
  ])('threads %s: RangeError naming it and [1, 256]', async (threads, shown) => {
    await expectRejection(createWith({ threads }), RangeError, 'threads must be an integer in [1, 256]', `got ${shown}`);
  });

  it.each([
    [0, '0'],
    [4097, '4097'],
    [1.5, '1.5'],
    [Number.NaN, 'NaN'],
  ])('slotsPerThread %s: RangeError naming it and [1, 4096]', async (slotsPerThread, shown) => {
    await expectRejection(createWith({ slotsPerThread }), RangeError, 'slotsPerThread must be an integer in [1, 4096]', `got ${shown}`);
  });

  it.each([
    [-1, '-1'],
    [1.5, '1.5'],
    [1e7, '10000000'],
  ])('spinBudget %s: RangeError naming it and [0, 1000000]', async (spinBudget, shown) => {
    await expectRejection(createWith({ spinBudget }), RangeError, 'spinBudget must be an integer in [0, 1000000]', `got ${shown}`);
  });

  it.each([
    ['fifo', '"fifo"'],
    [1, '1'],
  ])('policy %s: RangeError naming it and the policies', async (policy, shown) => {
    await expectRejection(createWith({ policy }), RangeError, "policy must be one of 'batch', 'round-robin'", `got ${shown}`);
  });

  it.each([
    ['', '""'],
    ['n'.repeat(65), `"${'n'.repeat(65)}"`],
  ])('name %s: TypeError naming it and 1 to 64 characters', async (name, shown) => {
    await expectRejection(createWith({ name }), TypeError, 'name must be a string of 1 to 64 characters', `got ${shown}`);
  });

  it.each(['startTimeoutMs', 'stopTimeoutMs'])('%s of 0, -1, NaN or Infinity: RangeError naming it', async (option) => {
    for (const [value, shown] of [
      [0, '0'],
      [-1, '-1'],
      [Number.NaN, 'NaN'],
      [Infinity, 'Infinity'],
      ['5', '"5"'],
    ] as const) {
      await expectRejection(createWith({ [option]: value }), RangeError, `${option} must be a finite number of milliseconds > 0`, `got ${shown}`);
    }
  });

  it('exportName that is empty or not a string: TypeError naming it', async () => {
    await expectRejection(createWith({ exportName: '' }), TypeError, 'exportName must be a non-empty string', 'got ""');
    await expectRejection(createWith({ exportName: 5 }), TypeError, 'exportName must be a non-empty string', 'got 5');
  });

  it('options that are not an object, and an onDone that is not a function: TypeError', async () => {
    await expectRejection(createChecksumQueue(null as unknown as NodeQueueOptions<ChecksumSpec>), TypeError, 'options must be an object', 'got null');
    await expectRejection(createWith({ onDone: 1 }), TypeError, 'onDone must be a function or undefined', 'got 1');
  });

  it.each([
    ['', '""'],
    [42, '42'],
    [null, 'null'],
  ])('an ops module %j that is neither a URL nor a path: TypeError naming it', async (module, shown) => {
    await expectRejection(createQueue(module as unknown as string), TypeError, 'the ops module must be a URL or a non-empty path string', `got ${shown}`);
  });
});

describe('createQueue: how the ops module may be given', () => {
  const url = fixture('checksum.mjs');
  const path = fileURLToPath(url);

  it('toModuleSpecifier: URL, file: string, absolute and relative paths, bare specifiers', () => {
    expect(toModuleSpecifier(url)).toBe(url.href);
    expect(toModuleSpecifier(url.href)).toBe(url.href);
    expect(toModuleSpecifier(path)).toBe(pathToFileURL(path).href);
    const rel = `./${relative(process.cwd(), path)}`;
    expect(toModuleSpecifier(rel)).toBe(pathToFileURL(path).href);
    expect(toModuleSpecifier('some-package/ops')).toBe('some-package/ops');
    // Code in the URL itself: only when allowed (see trust.threads.test.ts).
    expect(toModuleSpecifier('data:text/javascript,export default 1', true)).toBe('data:text/javascript,export default 1');
  });

  it.each([
    ['a URL object', url],
    ['a file: URL string', url.href],
    ['an absolute path', path],
    ['a path relative to the current directory', `./${relative(process.cwd(), path)}`],
  ])('%s works, on the submitter and in the workers', async (_what, module) => {
    const checksum = new Checksum(10);
    const q = await createQueue<Ops<ChecksumSpec>>(module, { threads: 1, slotsPerThread: 2, onDone: checksum.onDone });
    open.push(q);
    for (let seq = 0; seq < 10; seq++) submit(q, q.getRequestBlocking(10_000), seq);
    q.waitAll(20_000);
    checksum.verify(10);
  });

  it('defaults: one thread per core (Node: the submitter parks when it waits), the default slots and policy, name twq', async () => {
    const q = await createChecksumQueue();
    open.push(q);
    expect(q.threads).toBe(Math.max(1, Math.min(256, availableParallelism())));
    // As many workers as cores and the submitter beside them: core's default spin budget is then 0.
    expect(q.spinBudget).toBe(0);
    expect(q.stats()).toMatchObject({ slotsPerThread: DEFAULT_SLOTS_PER_THREAD, policy: DEFAULT_POLICY, name: 'twq' });
  });

  it("defaults: an elastic queue keeps its bounds, and a maxThreads alone keeps core's floor", async () => {
    const q = await createChecksumQueue({ maxThreads: 3 });
    open.push(q);
    expect(q.stats()).toMatchObject({ maxThreads: 3, minThreads: Math.min(3, Math.max(1, availableParallelism() - 1)) });
  });
});
