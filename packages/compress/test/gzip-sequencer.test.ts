import * as zlib from 'node:zlib';
import { compressibleText } from '@twq/test-support/corpus';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../src/gzip/crc32.js';
import { GzipSequencer } from '../src/gzip/gzip-sequencer.js';
import { expectSameBytes } from './helpers/bytes.js';
import { gzipTestAccepts } from './helpers/gzip-tool.js';

const BLOCK = 32 * 1024;
const LEVEL = 6;

interface Block {
  readonly bytes: Uint8Array;
  readonly crc: number;
  readonly length: number;
}

/** Blocks as the workers make them (node:zlib stands in for the codec). */
function compressBlocks(data: Uint8Array): Block[] {
  const blocks: Block[] = [];
  for (let at = 0; at < data.length || blocks.length === 0; at += BLOCK) {
    const input = data.subarray(at, at + BLOCK);
    const last = at + BLOCK >= data.length;
    const bytes = zlib.deflateRawSync(input, {
      level: LEVEL,
      dictionary: at > 0 ? data.subarray(at - BLOCK, at) : undefined,
      finishFlush: last ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH,
    });
    blocks.push({ bytes, crc: crc32(input), length: input.length });
  }
  return blocks;
}

/** Runs the blocks through a sequencer, finishing in `order` (a permutation within the window), and returns the file. */
function sequence(blocks: readonly Block[], order: readonly number[], window: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  // The sequencer's bytes are valid only during the call: copy them, as a real consumer must.
  const s = new GzipSequencer(LEVEL, { fileName: 'seq.txt' }, BLOCK, (c) => chunks.push(new Uint8Array(c)));
  s.bound(window);
  s.writeHeader();
  for (let i = 0; i < blocks.length; i++) expect(s.number()).toBe(i);
  for (const i of order) {
    const b = blocks[i];
    // The block's memory is reused right after the call (a slot): a held block must have been copied.
    const slot = new Uint8Array(b.bytes);
    s.blockDone(i, slot, b.crc, b.length);
    slot.fill(0xee);
  }
  expect(s.outstanding).toBe(0);
  s.writeTrailer();
  return Buffer.concat(chunks);
}

/** A finishing order of 0..n-1 in which a block only starts while fewer than `window` blocks are unwritten (as the encoder's window allows). */
function windowedOrder(n: number, window: number, keys: readonly number[]): number[] {
  const finished = new Uint8Array(n);
  const order: number[] = [];
  let writeSeq = 0;
  for (let k = 0; order.length < n; k++) {
    const startable: number[] = [];
    for (let i = writeSeq; i < Math.min(n, writeSeq + window); i++) if (finished[i] === 0) startable.push(i);
    const pick = startable[keys[k % keys.length] % startable.length];
    finished[pick] = 1;
    order.push(pick);
    while (writeSeq < n && finished[writeSeq] === 1) writeSeq++;
  }
  return order;
}

describe('GzipSequencer', () => {
  const data = compressibleText(7 * BLOCK + 1234, 5);

  it('blocks finishing in any order within the window make the same file, which gzip and zlib read back', () => {
    const blocks = compressBlocks(data);
    const inOrder = sequence(blocks, blocks.map((_, i) => i), 4);
    expectSameBytes(zlib.gunzipSync(inOrder), data);
    expect(gzipTestAccepts(inOrder)).toEqual({ ok: true, stderr: '' });
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 6 }), (keys, window) => {
        const order = windowedOrder(blocks.length, window, keys);
        expectSameBytes(sequence(blocks, order, window), inOrder);
      }),
      { numRuns: 60 },
    );
  });

  it('refuses a trailer while a block is missing, and an early block with no reorder ring', () => {
    const s = new GzipSequencer(LEVEL, {}, BLOCK, () => undefined);
    s.number();
    s.number();
    expect(() => { s.blockDone(1, new Uint8Array(1), 0, 1); }).toThrow(/block 1 finished before block 0/);
    expect(() => { s.writeTrailer(); }).toThrow(/2 blocks compressed but 0 written/);
  });

  it('an empty input is one valid member', () => {
    const file = sequence(compressBlocks(new Uint8Array(0)), [0], 1);
    expect(zlib.gunzipSync(file).length).toBe(0);
  });
});
