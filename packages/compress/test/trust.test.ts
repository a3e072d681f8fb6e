/**
 * Issue 11, part C, in @twq/compress: an encoder whose workers would need more
 * shared memory than one SharedArrayBuffer of this engine holds is refused
 * when it is made, before any output (it used to write the first blocks, then
 * fail at finish() with V8's "Invalid typed array length"); `opsModule` takes
 * a URL object only, as its type says.
 */
import { createQueue } from '@twq/node';
import { maxSharedBytes } from '@twq/core';
import { describe, expect, it } from 'vitest';
import { parallelGzipMemoryBytes } from '../src/gzip/parallel-gzip-encoder.js';
import { MAX_BLOCK_SIZE } from '../src/gzip/block-size.js';
import { PageQueue } from '../src/pages/page-queue.js';
import { createParallelGzipEncoder, nodeGzipBlockOpsUrl, nodePageOpsUrl } from '../src/node.js';
import { inlineQueueFactory } from '../src/queue-factory.js';
import { ops as pageOps } from '../src/pages/node-page-ops.js';

describe('an encoder too large for one SharedArrayBuffer', () => {
  const threads = 255;
  const tooLarge = parallelGzipMemoryBytes({ threads, blockSize: MAX_BLOCK_SIZE }) > maxSharedBytes();

  it.skipIf(!tooLarge)('255 workers of 4 MiB blocks: a RangeError naming threads, slotsPerThread, blockSize and the limit, before any output', async () => {
    const chunks: Uint8Array[] = [];
    let error: unknown;
    try {
      const encoder = createParallelGzipEncoder({ createQueue, threads, blockSize: MAX_BLOCK_SIZE, submitterCompression: 'when-idle' }, (c) => chunks.push(c.slice()));
      // The old order: the first blocks were compressed and written on this thread while the workers started.
      await encoder.start().catch(() => undefined);
      await encoder.write(new Uint8Array(1000));
      await encoder.finish();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RangeError);
    const message = (error as Error).message;
    expect(message).toContain(`threads (${threads}) x slotsPerThread (2)`);
    expect(message).toContain(`blockSize (${MAX_BLOCK_SIZE})`);
    expect(message).toContain(`more than the ${maxSharedBytes()} bytes this engine allows in one SharedArrayBuffer`);
    expect(chunks, 'nothing written').toEqual([]);
  });

  it('parallelGzipMemoryBytes gives the size up front (0 without workers), and checks its options', () => {
    expect(parallelGzipMemoryBytes({ threads: 0 })).toBe(0);
    const one = parallelGzipMemoryBytes({ threads: 1 });
    expect(parallelGzipMemoryBytes({ threads: 2 })).toBeGreaterThan(one);
    expect(parallelGzipMemoryBytes({ threads: 1, blockSize: MAX_BLOCK_SIZE })).toBeGreaterThan(2 * MAX_BLOCK_SIZE);
    expect(() => parallelGzipMemoryBytes({ threads: 2n as unknown as number })).toThrow(/threads must be an integer in \[0, 256\], got 2n/);
    expect(() => parallelGzipMemoryBytes({ blockSize: 1 })).toThrow(RangeError);
    expect(() => parallelGzipMemoryBytes({ slotsPerThread: 0 })).toThrow(/slotsPerThread must be an integer in \[1, 4096\], got 0/);
  });
});

describe('opsModule: a URL object only, as its type says', () => {
  it.each([
    ['a path string', '/tmp/ops.mjs'],
    ['a data: URL string', 'data:text/javascript,export const ops = 1'],
    ['a URL-like object', { href: nodeGzipBlockOpsUrl.href }],
  ])('the encoder refuses %s when it is made', (_label, value) => {
    expect(() => createParallelGzipEncoder({ createQueue, threads: 1, opsModule: value as unknown as URL }, () => undefined)).toThrow(
      /opsModule must be a URL object \(the URL of a gzip block ops module/,
    );
  });

  it('PageQueue.create refuses a string, naming it, before any queue is made', async () => {
    let made = 0;
    const factory = inlineQueueFactory(pageOps);
    const counting: typeof factory = (url, options) => {
      made++;
      return factory(url, options);
    };
    await expect(PageQueue.create(counting, 'data:text/javascript,' as unknown as URL)).rejects.toThrow(/opsModule must be a URL object .* got "data:text\/javascript,"/);
    await expect(PageQueue.create(counting, nodePageOpsUrl, { opsModule: '/x.mjs' as unknown as URL })).rejects.toThrow(TypeError);
    expect(made).toBe(0);
  });
});
