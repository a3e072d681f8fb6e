import { createQueue } from '@twq/node';
import { compressibleText, randomBytes } from '@twq/test-support/corpus';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { BusyError, PageError } from '../src/errors.js';
import { createPageQueue, nodePageOpsUrl } from '../src/node.js';
import { browserPageOpsUrl } from '../src/browser.js';
import { pageCount, storedBytes, type CompressedPages } from '../src/pages/compressed-pages.js';
import { ops as browserPageOps } from '../src/pages/browser-page-ops.js';
import { ops as nodePageOps } from '../src/pages/node-page-ops.js';
import { COMPRESSION_FORMATS } from '../src/format.js';
import { PageQueue, defaultPagesPerRequest, type PageQueueOptions } from '../src/pages/page-queue.js';
import { PAGE_INCOMPRESSIBLE, PAGE_OK } from '../src/pages/page-status.js';
import { inlineQueueFactory } from '../src/queue-factory.js';
import { expectSameBytes } from './helpers/bytes.js';

const open: PageQueue[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((q) => q.destroy()));
});

async function inlinePages(options: PageQueueOptions = {}, browser = false): Promise<PageQueue> {
  const q = await PageQueue.create(inlineQueueFactory(browser ? browserPageOps : nodePageOps), browser ? browserPageOpsUrl : nodePageOpsUrl, options);
  open.push(q);
  return q;
}

async function threadedPages(options: PageQueueOptions = {}): Promise<PageQueue> {
  const q = await createPageQueue(createQueue, { threads: 2, slotsPerThread: 8, ...options });
  open.push(q);
  return q;
}

/** Pages of text or random bytes, chosen by `kinds` (true = random), `length` bytes in all. */
function patchwork(length: number, pageSize: number, kinds: boolean[], seed: number): Uint8Array {
  const data = compressibleText(length, seed);
  for (let i = 0; i * pageSize < length; i++) {
    if (kinds[i % kinds.length]) data.set(randomBytes(Math.min(pageSize, length - i * pageSize), seed + i), i * pageSize);
  }
  return data;
}

/** Compress then decompress gives the data back, every page accounted for, raw pages stored as they were. */
async function expectRoundTrip(q: PageQueue, data: Uint8Array, sync: boolean): Promise<void> {
  const packed = sync ? q.compressSync(data) : await q.compress(data);
  const count = pageCount(data.length, q.pageSize);
  expect(packed.pages.length).toBe(count);
  expect(packed.status.length).toBe(count);
  packed.pages.forEach((page, i) => {
    expect([PAGE_OK, PAGE_INCOMPRESSIBLE]).toContain(packed.status[i]);
    if (packed.status[i] === PAGE_INCOMPRESSIBLE) expectSameBytes(page, data.subarray(i * q.pageSize, (i + 1) * q.pageSize), `raw page ${i}`);
  });
  expectSameBytes(sync ? q.decompressSync(packed) : await q.decompress(packed), data);
}

/** Text with an incompressible stretch in the middle: both statuses in one buffer. */
function mixed(length: number): Uint8Array {
  const data = compressibleText(length, 31);
  const third = Math.floor(length / 3);
  data.set(randomBytes(third, 32), third);
  return data;
}

describe('PageQueue (inline, no threads)', () => {
  it.each([0, 1, 4095, 4096, 4097, 3 * 4096 + 5])('round-trips a %i-byte buffer, every page accounted for', async (length) => {
    const q = await inlinePages();
    const data = compressibleText(length, length + 1);
    const packed = await q.compress(data);
    expect(packed.pages.length).toBe(pageCount(length, 4096));
    expect(packed.byteLength).toBe(length);
    expectSameBytes(await q.decompress(packed), data);
  });

  it('keeps incompressible pages raw and says so', async () => {
    const q = await inlinePages({ pageSize: 1024 });
    const data = mixed(64 * 1024);
    const packed = await q.compress(data);
    const raw = [...packed.status].filter((s) => s === PAGE_INCOMPRESSIBLE).length;
    expect(raw).toBeGreaterThan(10);
    expect([...packed.status].filter((s) => s === PAGE_OK).length).toBeGreaterThan(10);
    packed.pages.forEach((page, i) => {
      if (packed.status[i] === PAGE_INCOMPRESSIBLE) expectSameBytes(page, data.subarray(i * 1024, (i + 1) * 1024));
    });
    expect(storedBytes(packed)).toBeLessThan(data.length);
    expectSameBytes(await q.decompress(packed), data);
  });

  it('works the same over the browser (fflate) ops', async () => {
    const q = await inlinePages({ format: 'gzip', level: 6 }, true);
    const data = mixed(50_000);
    expectSameBytes(await q.decompress(await q.compress(data)), data);
  });

  it('names the page that will not decompress', async () => {
    const q = await inlinePages();
    const data = compressibleText(5 * 4096, 3);
    const packed = await q.compress(data);
    const pages = [...packed.pages];
    pages[3] = pages[3].slice(0, 10);
    await expect(q.decompress({ ...packed, pages })).rejects.toThrow(/page 3: cannot decompress/);
    // The queue is still usable afterwards, and the failed run's completions did not leak into this one.
    expectSameBytes(await q.decompress(packed), data);
  });

  it('round-trips any data through batches of any size (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          pageSize: fc.constantFrom(512, 1024, 4096),
          pagesPerRequest: fc.integer({ min: 1, max: 20 }),
          format: fc.constantFrom(...COMPRESSION_FORMATS),
          pages: fc.integer({ min: 0, max: 40 }),
          tail: fc.integer({ min: 0, max: 511 }),
          kinds: fc.array(fc.boolean(), { minLength: 1, maxLength: 7 }),
          seed: fc.nat(1000),
          sync: fc.boolean(),
        }),
        async ({ pageSize, pagesPerRequest, format, pages, tail, kinds, seed, sync }) => {
          const q = await PageQueue.create(inlineQueueFactory(nodePageOps), nodePageOpsUrl, { pageSize, pagesPerRequest, format, slotsPerThread: 2 });
          try {
            expect(q.pagesPerRequest).toBe(pagesPerRequest);
            await expectRoundTrip(q, patchwork(pages * pageSize + tail, pageSize, kinds, seed), sync);
          } finally {
            await q.destroy();
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('names the page that will not decompress in the middle of a batch, raw pages skipped', async () => {
    const q = await inlinePages({ pageSize: 1024, pagesPerRequest: 4 });
    // Pages 1 and 2 are raw: the first batch is pages 0, 3, 4, 5; the second 6, 7, 8, 9.
    const data = patchwork(12 * 1024, 1024, [false, true, true, false, false, false, false, false, false, false, false, false], 7);
    const packed = await q.compress(data);
    expect([...packed.status.subarray(0, 4)]).toEqual([PAGE_OK, PAGE_INCOMPRESSIBLE, PAGE_INCOMPRESSIBLE, PAGE_OK]);
    for (const [bad, inBatch] of [[4, 2], [8, 2], [9, 3]]) {
      const pages = [...packed.pages];
      pages[bad] = pages[bad].slice(0, 7);
      await expect(q.decompress({ ...packed, pages }), `page ${bad}`).rejects.toThrow(new RegExp(`^page ${bad}: cannot decompress: page ${inBatch} of the batch`));
    }
    expectSameBytes(await q.decompress(packed), data);
  });

  it('batches 64 KiB of pages per request by default, and takes pagesPerRequest as an option', async () => {
    expect([512, 4096, 16_384, 65_536, 1024 * 1024].map(defaultPagesPerRequest)).toEqual([128, 16, 4, 1, 1]);
    expect((await inlinePages()).pagesPerRequest).toBe(16);
    expect((await inlinePages({ pageSize: 65_536 })).pagesPerRequest).toBe(1);
    expect((await inlinePages({ pagesPerRequest: 3 })).pagesPerRequest).toBe(3);
    await expect(inlinePages({ pagesPerRequest: 0 })).rejects.toThrow(/pagesPerRequest must be an integer in \[1, 256\], got 0/);
    await expect(inlinePages({ pagesPerRequest: 2.5 })).rejects.toThrow(RangeError);
  });

  it('rejects pages from another format or page size, and malformed page sets, before submitting anything', async () => {
    const q = await inlinePages();
    const packed = await q.compress(compressibleText(10_000, 4));
    await expect(q.decompress({ ...packed, format: 'gzip' })).rejects.toThrow(/format 'gzip' but this queue decompresses 'deflate-raw'/);
    await expect(q.decompress({ ...packed, pageSize: 8192 })).rejects.toThrow(/pageSize must be an integer in \[1, 4096\]/);
    await expect(q.decompress({ ...packed, pages: packed.pages.slice(1) })).rejects.toThrow(/needs 3 pages/);
    const status = packed.status.slice();
    status[0] = PAGE_INCOMPRESSIBLE;
    await expect(q.decompress({ ...packed, status })).rejects.toThrow(PageError);
    const huge: CompressedPages = { ...packed, pages: [new Uint8Array(9000), ...packed.pages.slice(1)] };
    await expect(q.decompress(huge)).rejects.toThrow(/more than the deflate bound/);
  });

  it('refuses a second operation while one runs (one submitter)', async () => {
    const q = await inlinePages();
    const first = q.compress(compressibleText(100_000, 5));
    await expect(q.compress(new Uint8Array(10))).rejects.toThrow(BusyError);
    await first;
  });

  it('rejects a bad createQueue or data with a TypeError', async () => {
    await expect(PageQueue.create(undefined as never, nodePageOpsUrl)).rejects.toThrow(/createQueue must be/);
    const q = await inlinePages();
    await expect(q.compress('text' as never)).rejects.toThrow(/data must be a Uint8Array/);
  });
});

describe('PageQueue on node:zlib worker threads', () => {
  it('round-trips batches of odd sizes on threads, async and blocking (property)', async () => {
    const q = await threadedPages({ pageSize: 1024, pagesPerRequest: 7, format: 'gzip', slotsPerThread: 2 });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 1023 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 9 }),
        fc.boolean(),
        async (pages, tail, kinds, sync) => {
          await expectRoundTrip(q, patchwork(pages * 1024 + tail, 1024, kinds, pages + tail), sync);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('compresses and decompresses 8 MiB of mixed pages in parallel, byte-identical', async () => {
    const q = await threadedPages({ pageSize: 4096, level: 1 });
    const data = mixed(8 * 1024 * 1024);
    const packed = await q.compress(data);
    expect(packed.pages.length).toBe(2048);
    expectSameBytes(await q.decompress(packed), data);
    expect(q.queue.stats().workers.every((w) => w.handled > 0)).toBe(true);
  });

  it('has blocking twins, compressSync and decompressSync, giving the same pages', async () => {
    const q = await threadedPages({ pageSize: 4096, level: 1 });
    const data = mixed(2 * 1024 * 1024);
    const packed = q.compressSync(data);
    const viaAsync = await q.compress(data);
    expect(packed.pages.length).toBe(viaAsync.pages.length);
    packed.pages.forEach((page, i) => {
      expectSameBytes(page, viaAsync.pages[i], `page ${i}`);
    });
    expectSameBytes(q.decompressSync(packed), data);
    const pages = [...packed.pages];
    const firstCompressed = packed.status.indexOf(PAGE_OK);
    pages[firstCompressed] = pages[firstCompressed].slice(0, 5);
    expect(() => q.decompressSync({ ...packed, pages })).toThrow(new RegExp(`page ${firstCompressed}: cannot decompress`));
    expectSameBytes(q.decompressSync(packed), data);
  });

  it.each(['deflate', 'gzip'] as const)('round-trips in %s framing with 64 KiB pages', async (format) => {
    const q = await threadedPages({ pageSize: 65_536, format, level: 6 });
    const data = mixed(1_000_000);
    expectSameBytes(await q.decompress(await q.compress(data)), data);
  });

  it('fails creation cleanly on bad options (nothing left running)', async () => {
    await expect(createPageQueue(createQueue, { pageSize: 100 })).rejects.toThrow(/pageSize must be an integer in \[512, 1048576\], got 100/);
  });
});
