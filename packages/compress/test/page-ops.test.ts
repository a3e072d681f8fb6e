import { InlineQueue, type RemoteError, type Request } from '@twq/core';
import { compressibleText, randomBytes } from '@twq/test-support/corpus';
import { describe, expect, it } from 'vitest';
import { fflatePageCodec } from '../src/codec/fflate-page-codec.js';
import { libdeflatePageCodec } from '../src/codec/libdeflate-page-codec.js';
import { nodePageCodec } from '../src/codec/node-page-codec.js';
import type { PageCodec } from '../src/codec/page-codec.js';
import { deflateBound } from '../src/deflate-bound.js';
import { COMPRESSION_FORMATS, type CompressionFormat } from '../src/format.js';
import type { CompressionLevel } from '../src/level.js';
import { MAX_PAGES_PER_REQUEST, pageRoom, readPageLength, writePageLength, type PageSpec } from '../src/pages/page-layout.js';
import { createPageOps, type PageOpsOptions } from '../src/pages/page-ops.js';
import { OP_COMPRESS, OP_DECOMPRESS, PAGE_CORRUPT, PAGE_INCOMPRESSIBLE, PAGE_OK, PAGE_TOO_LONG } from '../src/pages/page-status.js';
import { expectSameBytes } from './helpers/bytes.js';

interface Outcome {
  status: number;
  output: Uint8Array;
  error: RemoteError | undefined;
}

/** Runs one request through an inline queue (no threads) and returns what the done callback saw. */
async function runOne(codec: PageCodec, options: PageOpsOptions, op: number, input: Uint8Array): Promise<Outcome> {
  let outcome: Outcome | undefined;
  const queue = await InlineQueue.create(createPageOps(codec, options), {
    slotsPerThread: 1,
    onDone(request, error) {
      outcome = { status: request.status, output: request.output.slice(0, request.outputLength), error };
    },
  });
  const request = queue.getRequestBlocking();
  request.op = op;
  request.input.set(input);
  request.inputLength = input.length;
  queue.submit(request);
  queue.waitAll();
  await queue.destroy();
  if (outcome === undefined) throw new Error('the done callback did not run');
  return outcome;
}

interface BatchOutcome {
  statuses: number[];
  outputs: Uint8Array[];
  error: RemoteError | undefined;
}

/** Runs one batch request (`count` = pages.length) through an inline queue and returns each page's status and output. */
async function runBatch(codec: PageCodec, options: PageOpsOptions, op: number, pages: Uint8Array[]): Promise<BatchOutcome> {
  const room = pageRoom(options.pageSize ?? 4096, options.format ?? 'deflate-raw');
  let outcome: BatchOutcome | undefined;
  const queue = await InlineQueue.create(createPageOps(codec, options), {
    slotsPerThread: 1,
    onDone(request, error) {
      const statuses: number[] = [];
      const outputs: Uint8Array[] = [];
      pages.forEach((_, i) => {
        statuses.push(request.statuses[i]);
        outputs.push(request.output.slice(i * room, i * room + readPageLength(request.lengths, i)));
      });
      outcome = { statuses, outputs, error };
    },
  });
  const request = queue.getRequestBlocking();
  request.op = op;
  request.count = pages.length;
  pages.forEach((page, i) => {
    request.input.set(page, i * room);
    writePageLength(request.lengths, i, page.length);
  });
  queue.submit(request);
  queue.waitAll();
  await queue.destroy();
  if (outcome === undefined) throw new Error('the done callback did not run');
  return outcome;
}

const CODECS = [nodePageCodec, fflatePageCodec, libdeflatePageCodec];

describe.each(CODECS)('page ops on $name', (codec) => {
  it.each(COMPRESSION_FORMATS)('round-trips a compressible page in %s at levels 0, 1, 6 and 9', async (format: CompressionFormat) => {
    const page = compressibleText(4096, 11);
    for (const level of [0, 1, 6, 9] as CompressionLevel[]) {
      const c = await runOne(codec, { format, level }, OP_COMPRESS, page);
      expect(c.error).toBeUndefined();
      expect(c.status).toBe(level === 0 ? PAGE_INCOMPRESSIBLE : PAGE_OK);
      const d = await runOne(codec, { format, level }, OP_DECOMPRESS, c.output);
      expect(d.error).toBeUndefined();
      expect(d.status).toBe(PAGE_OK);
      expectSameBytes(d.output, page);
    }
  });

  it.each([512, 4096, 65_536, 1024 * 1024])('handles %i-byte pages', async (pageSize) => {
    const page = compressibleText(pageSize, pageSize);
    const c = await runOne(codec, { pageSize }, OP_COMPRESS, page);
    expect(c.status).toBe(PAGE_OK);
    expect(c.output.length).toBeLessThan(pageSize);
    const d = await runOne(codec, { pageSize }, OP_DECOMPRESS, c.output);
    expectSameBytes(d.output, page);
  });

  it('reports an incompressible page as such, within the deflate bound (never overflows)', async () => {
    for (const format of COMPRESSION_FORMATS) {
      const page = randomBytes(4096, 21);
      const c = await runOne(codec, { format, level: 9 }, OP_COMPRESS, page);
      expect(c.error).toBeUndefined();
      expect(c.status).toBe(PAGE_INCOMPRESSIBLE);
      expect(c.output.length).toBeGreaterThanOrEqual(4096);
      expect(c.output.length).toBeLessThanOrEqual(deflateBound(4096, format));
      // The stream is still valid: a receiver may decompress it if it wants to.
      const d = await runOne(codec, { format }, OP_DECOMPRESS, c.output);
      expectSameBytes(d.output, page);
    }
  });

  it('compresses the seed’s page (zeros with one byte set) to a few dozen bytes', async () => {
    const page = new Uint8Array(4096);
    page[0] = 0x10;
    const c = await runOne(codec, {}, OP_COMPRESS, page);
    expect(c.status).toBe(PAGE_OK);
    expect(c.output.length).toBeLessThan(64);
  });

  it('reports corrupt input as PAGE_CORRUPT, with the codec’s message', async () => {
    for (const format of COMPRESSION_FORMATS) {
      const good = (await runOne(codec, { format }, OP_COMPRESS, compressibleText(4096, 5))).output;
      const truncated = good.slice(0, good.length >> 1);
      const t = await runOne(codec, { format }, OP_DECOMPRESS, truncated);
      expect(t.status, `${format} truncated`).toBe(PAGE_CORRUPT);
      expect(t.error?.message).toBeTruthy();
      const garbage = randomBytes(300, 99);
      const g = await runOne(codec, { format }, OP_DECOMPRESS, garbage);
      expect(g.status, `${format} garbage`).toBe(PAGE_CORRUPT);
    }
  });

  it('detects a flipped bit in the zlib and gzip checksums', async () => {
    for (const format of ['deflate', 'gzip'] as const) {
      const good = (await runOne(codec, { format }, OP_COMPRESS, compressibleText(4096, 6))).output;
      const bad = good.slice();
      bad[bad.length - (format === 'gzip' ? 8 : 1)] ^= 1;
      const r = await runOne(codec, { format }, OP_DECOMPRESS, bad);
      expect(r.status, format).toBe(PAGE_CORRUPT);
      expect(r.error?.message).toMatch(/check/i);
    }
  });

  it('stops a page that inflates past the page size (PAGE_TOO_LONG)', async () => {
    const bomb = nodePageCodec.compress(new Uint8Array(8192), 'deflate-raw', 9);
    const r = await runOne(codec, { pageSize: 4096 }, OP_DECOMPRESS, bomb);
    expect(r.status).toBe(PAGE_TOO_LONG);
    expect(r.error).toBeDefined();
  });

  it('fails a request with an unknown op or too long an input, naming the value', async () => {
    const r = await runOne(codec, {}, 7, new Uint8Array(10));
    expect(r.error?.message).toMatch(/op must be OP_COMPRESS \(1\) or OP_DECOMPRESS \(2\), got 7/);
  });
});

describe.each(CODECS)('batched page ops on $name', (codec) => {
  const options = { pageSize: 1024, pagesPerRequest: 6, format: 'deflate' } as const;

  it('compresses and decompresses every page of a batch, incompressible and short pages included', async () => {
    const pages = [compressibleText(1024, 1), randomBytes(1024, 2), compressibleText(1024, 3), compressibleText(700, 4), randomBytes(10, 5)];
    const c = await runBatch(codec, options, OP_COMPRESS, pages);
    expect(c.error).toBeUndefined();
    expect(c.statuses).toEqual([PAGE_OK, PAGE_INCOMPRESSIBLE, PAGE_OK, PAGE_OK, PAGE_INCOMPRESSIBLE]);
    const d = await runBatch(codec, options, OP_DECOMPRESS, c.outputs);
    expect(d.error).toBeUndefined();
    expect(d.statuses).toEqual(pages.map(() => PAGE_OK));
    d.outputs.forEach((out, i) => {
      expectSameBytes(out, pages[i], `page ${i}`);
    });
  });

  it('decompresses every page of a batch with a bad page, and names the first bad page’s index in the batch', async () => {
    const pages = [0, 1, 2, 3].map((i) => compressibleText(1024, 40 + i));
    const packed = (await runBatch(codec, options, OP_COMPRESS, pages)).outputs;
    const bomb = nodePageCodec.compress(new Uint8Array(4096), 'deflate', 9);
    const d = await runBatch(codec, options, OP_DECOMPRESS, [packed[0], packed[1], packed[2].subarray(0, 9), packed[3], bomb]);
    expect(d.error?.message).toMatch(/^page 2 of the batch \(and 1 more of its 5 pages\): /);
    expect(d.statuses).toEqual([PAGE_OK, PAGE_OK, PAGE_CORRUPT, PAGE_OK, PAGE_TOO_LONG]);
    expectSameBytes(d.outputs[3], pages[3], 'page 3, after the bad page');
    expect(d.outputs[2].length).toBe(0);
  });

  it('still takes single-page requests (count 0) unchanged when batches are allowed', async () => {
    const page = compressibleText(1024, 8);
    const c = await runOne(codec, options, OP_COMPRESS, page);
    expect(c.status).toBe(PAGE_OK);
    expectSameBytes((await runOne(codec, options, OP_DECOMPRESS, c.output)).output, page);
  });

  it('fails a batch longer than pagesPerRequest, or with a page longer than its room, naming the value', async () => {
    const room = pageRoom(1024, 'deflate');
    /** The error message of one request filled by `fill`. */
    const failureOf = async (fill: (request: Request<PageSpec>) => void): Promise<string | undefined> => {
      let message: string | undefined;
      const queue = await InlineQueue.create(createPageOps(codec, options), { slotsPerThread: 1, onDone: (_r, e) => (message = e?.message) });
      const request = queue.getRequestBlocking();
      request.op = OP_COMPRESS;
      fill(request);
      queue.submit(request);
      queue.waitAll();
      await queue.destroy();
      return message;
    };
    expect(await failureOf((r) => (r.count = 7))).toMatch(/count must be at most pagesPerRequest 6, got 7/);
    const tooLong = await failureOf((r) => {
      r.count = 2;
      writePageLength(r.lengths, 0, 1);
      writePageLength(r.lengths, 1, room + 1);
    });
    expect(tooLong).toMatch(new RegExp(`page 1 of the batch: length must be at most ${room}, got ${room + 1}`));
  });
});

describe('page ops options', () => {
  it('rejects a bad pagesPerRequest, naming the value and the range', () => {
    for (const bad of [0, -1, 1.5, MAX_PAGES_PER_REQUEST + 1, Number.NaN, '4']) {
      expect(() => createPageOps(nodePageCodec, { pagesPerRequest: bad as number }), String(bad)).toThrow(
        new RegExp(`pagesPerRequest must be an integer in \\[1, ${MAX_PAGES_PER_REQUEST}\\], got`),
      );
    }
    expect(() => createPageOps(nodePageCodec, { pagesPerRequest: 0 })).toThrow(RangeError);
    // 8 MiB pages' regions: more than a request's 16 MiB.
    expect(() => createPageOps(nodePageCodec, { pageSize: 1024 * 1024, pagesPerRequest: 8 })).toThrow(
      /pagesPerRequest 8 of 1048576-byte pages needs \d+ bytes of input and output regions, more than a request's 16777216/,
    );
    expect(createPageOps(nodePageCodec, { pageSize: 1024 * 1024, pagesPerRequest: 7 }).layout.byteLength).toBeLessThanOrEqual(16 * 1024 * 1024);
  });

  it('sizes a batch’s regions as pagesPerRequest rooms, with a length and a status per page', () => {
    const ops = createPageOps(nodePageCodec, { pageSize: 4096, pagesPerRequest: 16 });
    const size = (name: string) => ops.layout.fields.find((f) => f.name === name)?.length;
    const room = pageRoom(4096, 'deflate-raw');
    expect([size('input'), size('output'), size('lengths'), size('statuses')]).toEqual([16 * room, 16 * room, 64, 16]);
  });

  it('rejects bad options with errors naming the value and the allowed range', () => {
    expect(() => createPageOps(nodePageCodec, { pageSize: 256 })).toThrow(/pageSize must be an integer in \[512, 1048576\], got 256/);
    expect(() => createPageOps(nodePageCodec, { pageSize: 2 ** 21 })).toThrow(RangeError);
    expect(() => createPageOps(nodePageCodec, { level: 10 as CompressionLevel })).toThrow(/level must be an integer in \[0, 9\], got 10/);
    expect(() => createPageOps(nodePageCodec, { format: 'zip' as CompressionFormat })).toThrow(/format must be one of 'deflate-raw', 'deflate', 'gzip', got "zip"/);
    expect(() => createPageOps(nodePageCodec, 5 as unknown as PageOpsOptions)).toThrow(TypeError);
  });

  it('sizes both regions from the deflate bound of a page', () => {
    const ops = createPageOps(nodePageCodec, { pageSize: 4096, format: 'gzip' });
    const regions = ops.layout.fields.filter((f) => f.name === 'input' || f.name === 'output');
    expect(regions.map((f) => f.length)).toEqual([deflateBound(4096, 'gzip'), deflateBound(4096, 'gzip')]);
  });
});
