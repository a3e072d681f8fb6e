import { describe, expect, it } from 'vitest';
import { deflateRawSync } from 'node:zlib';
import { fillDataSet, touchPages } from '../src/data/data-sets.js';
import { allocateGuestMemory } from '../src/data/guest-memory.js';
import { PAGE_SIZE } from '../src/data/page-size.js';
import { PageTally, pageOfTask } from '../src/measure/page-tally.js';
import { ReferenceSizes, noopChecksum, noopInput } from '../src/data/reference-sizes.js';
import { compressPage, noop } from '../src/data/page-codec.js';

const PAGES = 64;

describe('data sets', () => {
  it.each(['seed', 'text', 'random'] as const)('%s is the same in every process (deterministic)', (kind) => {
    const a = allocateGuestMemory(PAGES * PAGE_SIZE);
    const b = allocateGuestMemory(PAGES * PAGE_SIZE);
    fillDataSet(a.bytes, kind);
    fillDataSet(b.bytes, kind);
    expect(Buffer.compare(a.bytes, b.bytes)).toBe(0);
  });

  it('compress as described: seed ~100:1, text ~2:1 to 3:1, random not at all', () => {
    const ratio = (kind: 'seed' | 'text' | 'random'): number => {
      const m = allocateGuestMemory(PAGES * PAGE_SIZE);
      fillDataSet(m.bytes, kind);
      return m.bytes.length / new ReferenceSizes(m.bytes, m.pages).total;
    };
    expect(ratio('seed')).toBeGreaterThan(80);
    expect(ratio('text')).toBeGreaterThan(1.8);
    expect(ratio('text')).toBeLessThan(3.5);
    expect(ratio('random')).toBeLessThan(1.01);
  });

  it("seed: zero pages with 0x10 at the start of each page, as the original's runs write them", () => {
    const m = allocateGuestMemory(4 * PAGE_SIZE);
    touchPages(m.bytes);
    for (let p = 0; p < 4; p++) {
      expect(m.bytes[p * PAGE_SIZE]).toBe(0x10);
      expect(m.bytes.subarray(p * PAGE_SIZE + 1, (p + 1) * PAGE_SIZE).every((b) => b === 0)).toBe(true);
    }
  });

  it('text is printable prose', () => {
    const m = allocateGuestMemory(PAGE_SIZE);
    fillDataSet(m.bytes, 'text');
    const text = new TextDecoder().decode(m.bytes);
    expect(text).toMatch(/^[A-Z][a-z]+ /);
    expect(text).toMatch(/^[\x20-\x7e\n]+$/);
  });

  it('rejects a memory size that is not whole pages', () => {
    expect(() => allocateGuestMemory(PAGE_SIZE + 1)).toThrow(/whole number of 4096-byte pages/);
  });
});

describe('checks', () => {
  it('compressPage is raw deflate level 1 of the page, read in place', () => {
    const m = allocateGuestMemory(2 * PAGE_SIZE);
    fillDataSet(m.bytes, 'text');
    const page1 = Buffer.from(m.bytes.subarray(PAGE_SIZE, 2 * PAGE_SIZE));
    expect(Buffer.from(compressPage(m.bytes, 1)).equals(deflateRawSync(page1, { level: 1 }))).toBe(true);
  });

  it('reference sizes add up over wrapped runs', () => {
    const m = allocateGuestMemory(8 * PAGE_SIZE);
    fillDataSet(m.bytes, 'text');
    const ref = new ReferenceSizes(m.bytes, m.pages);
    let sum = 0;
    for (let i = 0; i < 21; i++) {
      sum += compressPage(m.bytes, pageOfTask(i, m.pages)).length;
      expect(ref.bytesOf(i + 1)).toBe(sum);
    }
  });

  it('the page tally accepts each page once per pass and names what is wrong', () => {
    const tally = new PageTally(4);
    for (let i = 0; i < 10; i++) tally.add(pageOfTask(i, 4), 1);
    expect(tally.verify(10)).toBeUndefined();
    expect(tally.verify(11)).toBe('10 results for 11 tasks');
    tally.reset();
    for (const p of [0, 1, 1, 3]) tally.add(p, 1);
    expect(tally.verify(4)).toBe('page 1 seen 2 times, expected 1');
  });

  it('the no-op checksum is the sum of the results', () => {
    for (const n of [0, 1, 1000, 65_536, 65_537, 200_000]) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += noop(noopInput(i));
      expect(noopChecksum(n)).toBe(sum);
    }
  });
});
