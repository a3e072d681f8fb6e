import * as zlib from 'node:zlib';
import { compressibleText, randomBytes } from '@twq/test-support/corpus';
import { describe, expect, it } from 'vitest';
import type { Ops } from '@twq/core';
import { ops as libdeflateOps } from '../src/gzip/libdeflate-block-ops.js';
import { ops as nativeOps } from '../src/gzip/native-block-ops.js';
import { ParallelGzipEncoder } from '../src/gzip/parallel-gzip-encoder.js';
import { libdeflateGzipBlockOpsUrl, nativeGzipBlockOpsUrl } from '../src/browser.js';
import type { CompressionLevel } from '../src/level.js';
import { inlineQueueFactory } from '../src/queue-factory.js';
import { expectSameBytes } from './helpers/bytes.js';
import { gunzipWithTool, gzipTestAccepts } from './helpers/gzip-tool.js';
import { SIZE_CLASSES, TEST_BLOCK } from './helpers/size-classes.js';

/**
 * The two dictionary-less block codecs, each block's finished stream made
 * continuable: the platform's CompressionStream (Node's here; Chromium's in
 * the web demo's test) and libdeflate in WebAssembly (the same build in both).
 */
const CODECS: [string, Ops, URL][] = [
  ['native (CompressionStream per block)', nativeOps as unknown as Ops, nativeGzipBlockOpsUrl],
  ['libdeflate (WebAssembly per block)', libdeflateOps as unknown as Ops, libdeflateGzipBlockOpsUrl],
];

/** The encoder on one of CODECS, inline. */
async function blockGzip(codec: (typeof CODECS)[number], data: Uint8Array, blockSize = TEST_BLOCK, level?: CompressionLevel): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const encoder = new ParallelGzipEncoder(
    { createQueue: inlineQueueFactory(codec[1]), opsModule: codec[2], blockSize, level, slotsPerThread: 3, fileName: 'native.txt' },
    (c) => chunks.push(new Uint8Array(c)),
  );
  await encoder.write(data);
  await encoder.finish();
  return Buffer.concat(chunks);
}

function expectValid(gz: Uint8Array, data: Uint8Array): void {
  expectSameBytes(zlib.gunzipSync(gz), data, 'zlib.gunzipSync output');
  const t = gzipTestAccepts(gz);
  expect(t.ok, `gzip -t: ${t.stderr}`).toBe(true);
  expectSameBytes(gunzipWithTool(gz), data, 'gunzip -c output');
}

async function decompressionStream(gz: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([gz as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

describe.each(CODECS)('%s gzip block ops, joined into one member', (...codec) => {
  const nativeGzip = (data: Uint8Array, blockSize?: number, level?: CompressionLevel): Promise<Uint8Array> => blockGzip(codec, data, blockSize, level);

  it.each(SIZE_CLASSES)('%s: gzip -t, zlib, gunzip and DecompressionStream read it back', async (_name, length) => {
    const data = compressibleText(length, length + 11);
    const gz = await nativeGzip(data);
    expectValid(gz, data);
    expectSameBytes(await decompressionStream(gz), data, 'DecompressionStream output');
    // One member: the name once, the whole input's CRC in the one trailer.
    expect(Buffer.from(gz).indexOf('native.txt')).toBe(Buffer.from(gz).lastIndexOf('native.txt'));
    expect(Buffer.from(gz).readUInt32LE(gz.length - 4)).toBe(length);
  });

  it('random and all-zero data', async () => {
    for (const data of [randomBytes(3 * TEST_BLOCK + 5, 8), new Uint8Array(3 * TEST_BLOCK + 5)]) expectValid(await nativeGzip(data), data);
  });

  it('at every level, random and text blocks read back', async () => {
    const data = compressibleText(2 * TEST_BLOCK + 7, 5);
    data.set(randomBytes(TEST_BLOCK, 9), TEST_BLOCK >> 1);
    for (const level of [0, 1, 4, 9] as CompressionLevel[]) expectValid(await nativeGzip(data, TEST_BLOCK, level), data);
  });

  it('without a dictionary, 1 MiB blocks at level 6 stay within 3% of one zlib -6 stream', async () => {
    const data = compressibleText(8 << 20, 21);
    const ours = await nativeGzip(data, 1 << 20);
    const whole = zlib.gzipSync(data, { level: 6 });
    expect(ours.length / whole.length).toBeLessThan(1.03);
  });
});

describe('libdeflate block ops set-up', () => {
  it('warms libdeflate up once per thread in setup, at any level, and returns no context', () => {
    for (const level of [0, 1, 6, 9] as CompressionLevel[]) {
      const setup = libdeflateOps({ level }).setup;
      expect(setup, `level ${level}`).toBeTypeOf('function');
      expect(setup?.(0, undefined as never)).toBeUndefined();
    }
  });
});
