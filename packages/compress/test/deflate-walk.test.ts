import * as zlib from 'node:zlib';
import { compressibleText, randomBytes } from '@twq/test-support/corpus';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { endWithSyncFlush, findDeflateEnd, tightenSyncFlush } from '../src/gzip/deflate-walk.js';
import { expectSameBytes } from './helpers/bytes.js';

const KiB = 1024;
const WINDOW = 32 * KiB;
const { Z_FINISH, Z_SYNC_FLUSH } = zlib.constants;

function sparse(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i += 4096) out[i + ((i * 7) % 4096)] = i & 255;
  return out;
}

const CLASSES: Record<string, (n: number) => Uint8Array> = {
  text: (n) => compressibleText(n, 3),
  random: (n) => randomBytes(n, 9),
  zeros: (n) => new Uint8Array(n),
  sparse,
  mixed: (n) => {
    const out = compressibleText(n, 4);
    out.set(randomBytes(n >> 2, 5), n >> 1);
    return out;
  },
};

/** pigz's blocks: each primed with the 32 KiB before it, sync-flushed, the last finished; `end` re-ends the sync-flushed ones. */
function blocksOf(data: Uint8Array, block: number, level: number, end: (bytes: Uint8Array, length: number) => number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < data.length; at += block) {
    const last = at + block >= data.length;
    const bytes = new Uint8Array(zlib.deflateRawSync(data.subarray(at, at + block), {
      level,
      dictionary: at > 0 ? data.subarray(at - WINDOW, at) : undefined,
      finishFlush: last ? Z_FINISH : Z_SYNC_FLUSH,
    }));
    out.push(last ? bytes : bytes.subarray(0, end(bytes, bytes.length)));
  }
  return out;
}

const total = (parts: readonly Uint8Array[]): number => parts.reduce((n, p) => n + p.length, 0);

describe('tightenSyncFlush (pigz ending of a sync-flushed block)', () => {
  for (const [name, make] of Object.entries(CLASSES)) {
    it(`${name}: every level, the blocks still inflate as one stream to the input, never longer`, () => {
      const data = make(5 * 64 * KiB + 999);
      for (let level = 0; level <= 9; level++) {
        const plain = blocksOf(data, 64 * KiB, level, (_b, n) => n);
        const tight = blocksOf(data, 64 * KiB, level, tightenSyncFlush);
        expectSameBytes(zlib.inflateRawSync(Buffer.concat(tight)), data);
        expect(total(tight)).toBeLessThanOrEqual(total(plain));
      }
    });
  }

  it('saves bytes where a block compresses to little (zeros: at least 1% here)', () => {
    const data = new Uint8Array(40 * 128 * KiB);
    const plain = total(blocksOf(data, 128 * KiB, 6, (_b, n) => n));
    const tight = total(blocksOf(data, 128 * KiB, 6, tightenSyncFlush));
    expect(tight / plain).toBeLessThan(0.99);
  });

  it('refuses a stream that does not end with a sync flush', () => {
    const finished = new Uint8Array(zlib.deflateRawSync(compressibleText(1000, 1)));
    expect(() => tightenSyncFlush(finished, finished.length)).toThrow(/does not end with a sync flush/);
  });
});

describe('endWithSyncFlush (a finished stream made continuable)', () => {
  for (const [name, make] of Object.entries(CLASSES)) {
    it(`${name}: independent finished blocks joined this way inflate as one stream, and gzip -t style readers accept the member`, () => {
      const data = make(4 * 100 * KiB + 77);
      for (const level of [0, 1, 6, 9]) {
        const parts: Uint8Array[] = [];
        for (let at = 0; at < data.length; at += 100 * KiB) {
          const last = at + 100 * KiB >= data.length;
          const finished = zlib.deflateRawSync(data.subarray(at, at + 100 * KiB), { level });
          const room = new Uint8Array(finished.length + 5);
          room.set(finished);
          parts.push(last ? finished : room.subarray(0, endWithSyncFlush(room, finished.length)));
        }
        expectSameBytes(zlib.inflateRawSync(Buffer.concat(parts)), data);
      }
    });
  }

  it('property: any split of any bytes, at any level', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.nat({ max: 3000 }), { maxLength: 4 }), fc.integer({ min: 0, max: 9 }), (data, cuts, level) => {
        const edges = [...new Set([0, ...cuts.map((c) => Math.min(c, data.length)), data.length])].sort((a, b) => a - b);
        const parts: Uint8Array[] = [];
        for (let i = 0; i + 1 < edges.length || parts.length === 0; i++) {
          const piece = data.subarray(edges[i] ?? 0, edges[i + 1] ?? 0);
          const finished = zlib.deflateRawSync(piece, { level });
          const last = i + 2 >= edges.length;
          const room = new Uint8Array(finished.length + 5);
          room.set(finished);
          parts.push(last ? finished : room.subarray(0, endWithSyncFlush(room, finished.length)));
        }
        expectSameBytes(zlib.inflateRawSync(Buffer.concat(parts)), data);
      }),
      { numRuns: 200 },
    );
  });

  it('needs 5 bytes of room, and a final block', () => {
    const finished = new Uint8Array(zlib.deflateRawSync(new Uint8Array(100)));
    expect(() => endWithSyncFlush(finished, finished.length)).toThrow(/no room/);
    const flushed = new Uint8Array(zlib.deflateRawSync(new Uint8Array(100), { finishFlush: Z_SYNC_FLUSH }));
    expect(() => endWithSyncFlush(flushed, flushed.length)).toThrow(/no final block/);
  });
});

describe('findDeflateEnd', () => {
  it('finds the end of a finished stream followed by other bytes', () => {
    const finished = zlib.deflateRawSync(compressibleText(50_000, 2), { level: 9 });
    const followed = Buffer.concat([finished, Buffer.from([0xaa, 0xbb, 0xcc])]);
    const { end, lastBlockFinal } = findDeflateEnd(followed);
    expect(lastBlockFinal).toBe(true);
    expect(Math.ceil(end / 8)).toBe(finished.length);
  });

  it('refuses truncated and invalid streams', () => {
    const finished = zlib.deflateRawSync(compressibleText(50_000, 2));
    expect(() => findDeflateEnd(finished.subarray(0, finished.length >> 1))).toThrow(/ends inside a block|ends before/);
    expect(() => findDeflateEnd(Uint8Array.of(0xff, 0xff, 0xff))).toThrow(/invalid block type|ends/);
  });
});
