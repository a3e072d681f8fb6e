import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AtomicBitmap } from '../src/index.js';

/** A bitmap and the boolean array that models it, built from the same indices. */
interface Pair {
  size: number;
  model: boolean[];
  bm: AtomicBitmap;
}

function build(size: number, flips: readonly number[]): Pair {
  const model = new Array<boolean>(size).fill(false);
  const bm = AtomicBitmap.allocate(size);
  for (const i of flips) {
    model[i] = !model[i];
    expect(bm.flip(i)).toBe(model[i]);
  }
  return { size, model, bm };
}

function naiveNext(model: readonly boolean[], from: number, value: boolean): number {
  for (let i = from; i < model.length; i++) if (model[i] === value) return i;
  return -1;
}

/** A size in 1..300 and a list of bit flips inside it (repeats flip back). */
const sizeAndFlips = fc
  .integer({ min: 1, max: 300 })
  .chain((size) => fc.tuple(fc.constant(size), fc.array(fc.integer({ min: 0, max: size - 1 }), { maxLength: 2 * size })));

/** Dense patterns too: every bit set with some probability. */
const sizeAndDensePattern = fc
  .integer({ min: 1, max: 300 })
  .chain((size) => fc.tuple(fc.constant(size), fc.array(fc.boolean(), { minLength: size, maxLength: size })));

function fromPattern(size: number, pattern: readonly boolean[]): Pair {
  const flips: number[] = [];
  pattern.forEach((b, i) => {
    if (b) flips.push(i);
  });
  return build(size, flips);
}

describe('scans against a boolean-array model (sizes 1..300)', () => {
  // Collects everything first and compares once: one expect per property run.
  const check = ({ size, model, bm }: Pair): void => {
    const got: unknown[] = [];
    const want: unknown[] = [];
    for (let from = 0; from <= size; from++) {
      got.push(['next set', from, bm.findNextSet(from)], ['next zero', from, bm.findNextZero(from)]);
      want.push(['next set', from, naiveNext(model, from, true)], ['next zero', from, naiveNext(model, from, false)]);
    }
    got.push(['first set', bm.findFirstSet()], ['first zero', bm.findFirstZero()], ['popcount', bm.popcount()]);
    want.push(['first set', naiveNext(model, 0, true)], ['first zero', naiveNext(model, 0, false)], ['popcount', model.filter(Boolean).length]);
    got.push(['indices', bm.toIndices()], ['bits', Array.from({ length: size }, (_, i) => bm.test(i))]);
    want.push(['indices', model.flatMap((b, i) => (b ? [i] : []))], ['bits', model]);
    expect(got).toEqual(want);
  };

  it('findNextSet / findNextZero / popcount / toIndices after random flips', () => {
    fc.assert(
      fc.property(sizeAndFlips, ([size, flips]) => {
        check(build(size, flips));
      }),
      { numRuns: 300 },
    );
  });

  it('the same on dense patterns', () => {
    fc.assert(
      fc.property(sizeAndDensePattern, ([size, pattern]) => {
        check(fromPattern(size, pattern));
      }),
      { numRuns: 200 },
    );
  });

  it('loadXorInto equals the element-wise XOR of the models', () => {
    const twoPatterns = fc
      .integer({ min: 1, max: 300 })
      .chain((size) =>
        fc.tuple(
          fc.constant(size),
          fc.array(fc.boolean(), { minLength: size, maxLength: size }),
          fc.array(fc.boolean(), { minLength: size, maxLength: size }),
          fc.array(fc.boolean(), { minLength: size, maxLength: size }),
        ),
      );
    fc.assert(
      fc.property(twoPatterns, ([size, pa, pb, garbage]) => {
        const a = fromPattern(size, pa);
        const b = fromPattern(size, pb);
        const out = fromPattern(size, garbage); // previous contents must not leak through
        AtomicBitmap.loadXorInto(a.bm, b.bm, out.bm);
        const xor = pa.map((bit, i) => bit !== pb[i]);
        check({ size, model: xor, bm: out.bm });
      }),
      { numRuns: 200 },
    );
  });

  it('set / clear return the previous value and keep the model', () => {
    const ops = fc
      .integer({ min: 1, max: 300 })
      .chain((size) =>
        fc.tuple(
          fc.constant(size),
          fc.array(fc.tuple(fc.constantFrom('set', 'clear', 'flip'), fc.integer({ min: 0, max: size - 1 })), { maxLength: 200 }),
        ),
      );
    fc.assert(
      fc.property(ops, ([size, list]) => {
        const model = new Array<boolean>(size).fill(false);
        const bm = AtomicBitmap.allocate(size);
        for (const [op, i] of list) {
          const before = model[i];
          if (op === 'set') {
            expect(bm.set(i)).toBe(before);
            model[i] = true;
          } else if (op === 'clear') {
            expect(bm.clear(i)).toBe(before);
            model[i] = false;
          } else {
            model[i] = !before;
            expect(bm.flip(i)).toBe(model[i]);
          }
        }
        check({ size, model, bm });
      }),
      { numRuns: 200 },
    );
  });
});
