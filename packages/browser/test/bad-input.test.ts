/**
 * Bad input gets a typed error naming the bad value, before anything is
 * created; calls after destroy() and blocking waits on the page's main thread
 * fail clearly.
 */
import { describe, expect, test } from 'vitest';
import {
  BlockingWaitForbiddenError,
  CrossOriginIsolationError,
  QueueDestroyedError,
  RequestStateError,
  assertCrossOriginIsolated,
  createQueue,
} from '../src/index.js';
import { serveOps } from '../src/worker.js';
import { MODE_OK, ops } from './fixtures/checksum-ops.js';
import { closeAfterTest } from './helpers/queues.js';
import { checksumWorker, tracked } from './helpers/workers.js';

describe('options', () => {
  const cases: [string, Record<string, unknown>, ErrorConstructor, RegExp][] = [
    ['no worker', { worker: undefined }, TypeError, /options.worker must be a function returning a module Worker .* got undefined/],
    ['a number as worker', { worker: 42 }, TypeError, /options.worker must be .* got 42/],
    ['an empty worker URL', { worker: '' }, TypeError, /options.worker must be .* got ""/],
    ['threads 0', { threads: 0 }, RangeError, /threads must be an integer in \[1, \d+\], got 0/],
    ['threads 1.5', { threads: 1.5 }, RangeError, /threads must be an integer .* got 1.5/],
    ['slotsPerThread 5000', { slotsPerThread: 5000 }, RangeError, /slotsPerThread must be an integer in \[1, 4096\], got 5000/],
    ['an unknown policy', { policy: 'lifo' }, RangeError, /policy must be one of 'batch', 'round-robin', got "lifo"/],
    ['a negative spinBudget', { spinBudget: -1 }, RangeError, /spinBudget must be an integer .* got -1/],
    ['an empty name', { name: '' }, TypeError, /name must be a string of 1 to 64 characters, got ""/],
    ['startTimeoutMs 0', { startTimeoutMs: 0 }, RangeError, /startTimeoutMs must be a finite number of milliseconds > 0, got 0/],
    ['stopTimeoutMs Infinity', { stopTimeoutMs: Infinity }, RangeError, /stopTimeoutMs must be .* got Infinity/],
    ['replaceDeadWorkers "yes"', { replaceDeadWorkers: 'yes' }, TypeError, /replaceDeadWorkers must be a boolean, got "yes"/],
    ['onWorkerExit 1', { onWorkerExit: 1 }, TypeError, /onWorkerExit must be a function or undefined/],
    ['onDone "x"', { onDone: 'x' }, TypeError, /onDone must be a function or undefined, got "x"/],
    ['opsOptions with a function', { opsOptions: { f() {} } }, TypeError, /opsOptions must be structured-cloneable/],
    // The trust model: code in the URL itself, or from another origin, only when allowed.
    ['a data: worker URL', { worker: 'data:text/javascript,self.close()' }, TypeError, /the worker script "data:text\/javascript,self.close\(\)" is a data: URL .* unless the option allowDataAndNetworkModules is true/],
    ['a data: worker URL object', { worker: new URL('data:text/javascript,') }, TypeError, /is a data: URL/],
    ["another origin's worker URL", { worker: 'https://example.com/worker.js' }, TypeError, /the worker script "https:\/\/example.com\/worker.js" is of another origin than this page's/],
    ['allowDataAndNetworkModules "yes"', { allowDataAndNetworkModules: 'yes' }, TypeError, /allowDataAndNetworkModules must be a boolean, got "yes"/],
  ];

  test.each(cases)('%s: rejected, and no worker is started', async (_label, bad, type, message) => {
    const workers = tracked(checksumWorker);
    const options = { worker: workers.factory, ...bad };
    const error: unknown = await createQueue(ops, options as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toMatch(message);
    expect(workers.created).toHaveLength(0);
  });

  test('options that are not an object', async () => {
    await expect(createQueue(ops, undefined as never)).rejects.toThrow(/options must be an object with at least a worker, got undefined/);
    await expect(createQueue(ops, null as never)).rejects.toThrow(TypeError);
  });
});

describe('cross-origin isolation', () => {
  test('this test page is isolated (the config sends COOP and COEP)', () => {
    expect(crossOriginIsolated).toBe(true);
    expect(() => {
      assertCrossOriginIsolated();
    }).not.toThrow();
  });

  test('a page that is not isolated gets an error naming the headers to send', () => {
    const scopes = [
      { crossOriginIsolated: false, SharedArrayBuffer },
      { crossOriginIsolated: false },
      { SharedArrayBuffer: undefined },
    ];
    for (const scope of scopes) {
      let error: unknown;
      try {
        assertCrossOriginIsolated(scope);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CrossOriginIsolationError);
      const message = (error as Error).message;
      expect(message).toMatch(/Cross-Origin-Opener-Policy: same-origin/);
      expect(message).toMatch(/Cross-Origin-Embedder-Policy: require-corp" \(or "credentialless"\)/);
      expect((error as CrossOriginIsolationError).code).toBe('ERR_TWQ_NOT_ISOLATED');
    }
  });
});

describe('the main thread never blocks', () => {
  test('waitAll() and getRequestBlocking() throw, naming drain() and getRequestAsync()', async () => {
    const queue = closeAfterTest(await createQueue(ops, { worker: checksumWorker, threads: 1 }));
    const request = queue.getRequest();
    expect(request).not.toBeNull();
    if (request === null) return;
    request.seed = 1;
    request.mode = MODE_OK;
    queue.submit(request);
    expect(() => {
      queue.waitAll();
    }).toThrow(BlockingWaitForbiddenError);
    expect(() => {
      queue.waitAll();
    }).toThrow(/waitAll\(\) would block.*use drain\(\) instead/);
    expect(() => queue.getRequestBlocking()).toThrow(/getRequestBlocking\(\) would block.*use getRequestAsync\(\) instead/);
    // The async calls are the way, and the queue is unharmed.
    await queue.drain({ timeoutMs: 10_000 });
    expect(queue.stats().completed).toBe(1);
  });

  test('serveOps() refuses to run on a page', () => {
    expect(() => {
      serveOps(ops);
    }).toThrow(/serveOps\(\) must run in a module Web Worker/);
  });
});

describe('requests', () => {
  test('submit() of something that is not a request of this queue, or twice', async () => {
    const queue = closeAfterTest(await createQueue(ops, { worker: checksumWorker, threads: 1 }));
    const other = closeAfterTest(await createQueue(ops, { worker: checksumWorker, threads: 1 }));
    expect(() => {
      queue.submit({ seed: 1 } as never);
    }).toThrow(RequestStateError);
    const foreign = other.getRequest();
    expect(foreign).not.toBeNull();
    expect(() => {
      queue.submit(foreign as never);
    }).toThrow(/needs a request obtained from queue/);
    const request = queue.getRequest();
    if (request === null) throw new Error('no free request');
    request.mode = MODE_OK;
    queue.submit(request);
    expect(() => {
      queue.submit(request);
    }).toThrow(/is not held by the submitter/);
    await queue.drain({ timeoutMs: 10_000 });
  });

  test('waits take a bound: getRequestAsync() times out when every slot stays taken', async () => {
    const queue = closeAfterTest(await createQueue(ops, { worker: checksumWorker, threads: 1, slotsPerThread: 1 }));
    const held = queue.getRequest();
    expect(held).not.toBeNull();
    await expect(queue.getRequestAsync({ timeoutMs: 50 })).rejects.toThrow(/getRequestAsync\(\) timed out after 50 ms/);
    const controller = new AbortController();
    const waiting = queue.getRequestAsync({ signal: controller.signal });
    controller.abort(new Error('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
  });
});

describe('after destroy()', () => {
  test('every call throws QueueDestroyedError naming the call; destroy() is idempotent', async () => {
    const workers = tracked(checksumWorker);
    const queue = await createQueue(ops, { worker: workers.factory, threads: 2 });
    const request = queue.getRequest();
    if (request === null) throw new Error('no free request');
    const first = queue.destroy();
    expect(queue.destroy()).toBe(first);
    await first;
    expect(queue.destroyed).toBe(true);
    expect(workers.terminated()).toBe(2);
    expect(() => queue.getRequest()).toThrow(QueueDestroyedError);
    expect(() => queue.getRequest()).toThrow(/getRequest\(\) is not allowed after destroy\(\)/);
    expect(() => {
      queue.submit(request);
    }).toThrow(/submit\(\) is not allowed after destroy\(\)/);
    expect(() => {
      queue.waitAll();
    }).toThrow(QueueDestroyedError);
    await expect(queue.getRequestAsync()).rejects.toThrow(/getRequestAsync\(\) is not allowed/);
    await expect(queue.drain()).rejects.toThrow(/drain\(\) is not allowed/);
  });

  test('destroy({ force: true }) reports requests still in flight as failed, and terminates at once', async () => {
    const workers = tracked(checksumWorker);
    const errors: string[] = [];
    const queue = await createQueue(ops, {
      worker: workers.factory,
      threads: 1,
      onDone(_request, error) {
        if (error !== undefined) errors.push(error.code);
      },
    });
    const request = queue.getRequest();
    if (request === null) throw new Error('no free request');
    request.seed = 2_000; // a 2-second busy handler
    request.mode = 6;
    queue.submit(request);
    const started = performance.now();
    await queue.destroy({ force: true });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(errors).toEqual(['ERR_TWQ_DESTROYED']);
    expect(workers.terminated()).toBe(1);
  });
});
