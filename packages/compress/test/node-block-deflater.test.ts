import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import { compressibleText, randomBytes } from '@twq/test-support/corpus';
import { describe, expect, it } from 'vitest';
import { nodeBlockCompressor } from '../src/gzip/node-block-ops.js';
import { createBlockDeflater, passesSelfTest, type BlockDeflater } from '../src/gzip/node-block-deflater.js';
import type { CompressionLevel } from '../src/level.js';
import { expectSameBytes } from './helpers/bytes.js';

const BLOCK = 128 * 1024;
const WINDOW = 32 * 1024;
const LEVELS: CompressionLevel[] = [1, 2, 6, 9];

/** 24 blocks of text with a random stretch and a run of zeros, the last one short. */
function corpus(): Uint8Array {
  const data = new Uint8Array(23 * BLOCK + 5000);
  data.set(compressibleText(data.length));
  data.set(randomBytes(3 * BLOCK, 7), 5 * BLOCK + 100);
  data.fill(0, 12 * BLOCK, 14 * BLOCK + 77);
  return data;
}

interface Block {
  readonly input: Uint8Array;
  readonly dictionary: Uint8Array | undefined;
  readonly last: boolean;
}

function blocksOf(data: Uint8Array): Block[] {
  const blocks: Block[] = [];
  for (let at = 0; at < data.length; at += BLOCK) {
    blocks.push({ input: data.subarray(at, at + BLOCK), dictionary: at > 0 ? data.subarray(at - WINDOW, at) : undefined, last: at + BLOCK >= data.length });
  }
  return blocks;
}

function compressWith(deflater: BlockDeflater, b: Block): Uint8Array {
  return deflater.compress(b.input, b.dictionary, b.last).slice();
}

describe('createBlockDeflater (one zlib stream per thread for gzip blocks)', () => {
  // If this fails, a Node release changed the zlib internals it drives: blocks
  // still compress (the one-shot path), with more CPU per block.
  it(`takes the reused-stream path on this Node (${process.version}) at every level but 0`, () => {
    expect(createBlockDeflater(0)).toBeNull();
    for (const level of LEVELS) {
      const deflater = createBlockDeflater(level);
      expect(deflater, `level ${level}`).not.toBeNull();
      deflater?.close();
    }
  });

  // The output must not depend on which blocks a stream compressed before:
  // a block's bytes are then the same whichever thread compresses it.
  it('gives each block the same bytes whatever the stream compressed before (in order, shuffled, fresh), and they inflate back', () => {
    const blocks = blocksOf(corpus());
    for (const level of LEVELS) {
      const inOrder = createBlockDeflater(level) as BlockDeflater;
      const shuffled = createBlockDeflater(level) as BlockDeflater;
      const expected = blocks.map((b) => compressWith(inOrder, b));
      // A fixed permutation that puts short, random and zero blocks before long text ones.
      const order = blocks.map((_, i) => (i * 7 + 3) % blocks.length);
      for (const i of order) expectSameBytes(compressWith(shuffled, blocks[i]), expected[i], `level ${level}, block ${i} after others`);
      for (const i of [0, 6, 13, blocks.length - 1]) {
        const fresh = createBlockDeflater(level) as BlockDeflater;
        expectSameBytes(compressWith(fresh, blocks[i]), expected[i], `level ${level}, block ${i} on a new stream`);
        fresh.close();
      }
      for (const [i, b] of blocks.entries()) {
        const back = inflateRawSync(expected[i], { dictionary: b.dictionary, finishFlush: constants.Z_SYNC_FLUSH });
        expectSameBytes(back, b.input, `level ${level}, block ${i} inflated`);
      }
      inOrder.close();
      shuffled.close();
    }
  });

  // init() on a started stream must only replace the dictionary: a Node whose
  // init() started a new z_stream without freeing the old one would leak about
  // 256 KiB per block here (100 MiB over these 400 blocks), unseen by the self-test.
  it('keeps one native stream: 400 blocks through one deflater grow the resident set by far less than a stream each', () => {
    const blocks = blocksOf(corpus()).slice(1, 21);
    const deflater = createBlockDeflater(1) as BlockDeflater;
    for (const b of blocks) deflater.compress(b.input, b.dictionary, false);
    const before = process.memoryUsage().rss;
    for (let round = 0; round < 20; round++) for (const b of blocks) deflater.compress(b.input, b.dictionary, false);
    const grown = process.memoryUsage().rss - before;
    deflater.close();
    expect(grown, `resident set grew by ${grown} bytes`).toBeLessThan(32 * 1024 * 1024);
  });

  it('joins blocks into one stream that inflates to the input, within 0.1% of the one-shot blocks', () => {
    const data = corpus();
    const blocks = blocksOf(data);
    for (const level of LEVELS) {
      const parts = blocks.map((b) => nodeBlockCompressor(b.input, b.dictionary, b.last, level).slice());
      const joined = Buffer.concat(parts);
      expectSameBytes(inflateRawSync(joined), data, `level ${level}`);
      const oneShot = blocks.reduce(
        (n, b) => n + deflateRawSync(b.input, { level, dictionary: b.dictionary, finishFlush: b.last ? constants.Z_FINISH : constants.Z_SYNC_FLUSH }).length,
        0,
      );
      expect(Math.abs(joined.length - oneShot) / oneShot, `level ${level}: ${joined.length} against ${oneShot}`).toBeLessThan(0.001);
    }
  });

  // The self-test runs as each thread starts, so it is small; these are the
  // faults of a changed zlib binding it must still catch (stand-ins built on
  // the one-shot function), and the correct behaviour it must let through.
  describe('self-test', () => {
    const oneShot = (input: Uint8Array, dictionary: Uint8Array | undefined, last: boolean, level = 1): Uint8Array =>
      deflateRawSync(input, { level, ...(dictionary === undefined ? {} : { dictionary }), finishFlush: last ? constants.Z_FINISH : constants.Z_SYNC_FLUSH });
    const deflaterOf = (compress: BlockDeflater['compress']): BlockDeflater => ({ compress, close: () => undefined });
    let calls = 0;
    let previous: Uint8Array | undefined;
    let level = 1;
    const faults: Record<string, () => BlockDeflater> = {
      'the dictionary only on the first block': () => deflaterOf((input, dictionary, last) => oneShot(input, calls++ === 0 ? dictionary : undefined, last)),
      'a dictionary off by one byte': () => deflaterOf((input, dictionary, last) => oneShot(input, dictionary?.map((_, i) => dictionary[(i + 1) % dictionary.length]), last)),
      "the previous block's tail left in the window": () =>
        deflaterOf((input, dictionary, last) => {
          const out = oneShot(input, previous !== undefined && dictionary !== undefined ? Buffer.concat([dictionary, previous]).subarray(-WINDOW) : dictionary, last);
          previous = input.slice(-1024);
          return out;
        }),
      'another level after a finished block': () =>
        deflaterOf((input, dictionary, last) => {
          const out = oneShot(input, dictionary, last, level);
          if (last) level = 2;
          return out;
        }),
      'a block cut short': () => deflaterOf((input, dictionary, last) => (calls++ === 2 ? oneShot(input, dictionary, last).subarray(0, 100) : oneShot(input, dictionary, last))),
    };
    for (const [fault, make] of Object.entries(faults)) {
      it(`fails on ${fault}`, () => {
        calls = 0;
        previous = undefined;
        level = 1;
        expect(passesSelfTest(make())).toBe(false);
      });
    }
    it('passes the one-shot function and this Node\'s block deflater', () => {
      expect(passesSelfTest(deflaterOf((input, dictionary, last) => oneShot(input, dictionary, last)))).toBe(true);
      const deflater = createBlockDeflater(1) as BlockDeflater;
      expect(passesSelfTest(deflater)).toBe(true);
      deflater.close();
    });
  });
});
