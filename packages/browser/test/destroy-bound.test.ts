/**
 * destroy() is bounded in a browser too (issue 11, part B): a handler busy in
 * script for far longer than stopTimeoutMs cannot keep a graceful destroy
 * pending; its Web Worker is terminated and its request reported failed, once.
 */
import { describe, expect, test } from 'vitest';
import { createQueue, type RemoteError } from '../src/index.js';
import { MODE_SLOW, ops } from './fixtures/checksum-ops.js';
import { closeAfterTest, within } from './helpers/queues.js';
import { checksumWorker, tracked } from './helpers/workers.js';

async function openBusy(stopTimeoutMs: number) {
  const outcomes: [number, RemoteError | undefined][] = [];
  const workers = tracked(checksumWorker);
  const queue = closeAfterTest(
    await createQueue(ops, {
      worker: workers.factory,
      threads: 1,
      slotsPerThread: 2,
      stopTimeoutMs,
      onDone(request, error) {
        outcomes.push([request.seed, error]);
      },
    }),
  );
  const request = queue.getRequest();
  if (request === null) throw new Error('no free request');
  // Busy in script for 60 s: only terminate() ends it.
  request.seed = 60_000;
  request.mode = MODE_SLOW;
  queue.submit(request);
  await new Promise((resolve) => setTimeout(resolve, 100));
  return { queue, outcomes, workers };
}

describe('destroy() of a queue whose handler does not return', () => {
  test('graceful: resolves within stopTimeoutMs + 1 s, the worker terminated, the request reported "not finished within"', async () => {
    const { queue, outcomes, workers } = await openBusy(500);
    const started = performance.now();
    await within(queue.destroy(), 10_000, 'destroy()');
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(workers.terminated()).toBe(1);
    expect(outcomes.map(([seed, e]) => [seed, e?.code, e?.message])).toEqual([
      [60_000, 'ERR_TWQ_DESTROYED', 'queue "twq" was destroyed: the request in slot 0 was not finished within 500 ms'],
    ]);
  });

  test('destroy({ force: true }) during a graceful destroy hurries it: both settle at once', async () => {
    const { queue, outcomes } = await openBusy(600_000);
    const graceful = queue.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await within(queue.destroy({ force: true }), 10_000, 'destroy({ force: true })');
    await within(graceful, 1_000, 'the hurried graceful destroy');
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(outcomes.map(([seed, e]) => [seed, e?.code])).toEqual([[60_000, 'ERR_TWQ_DESTROYED']]);
  });
});
