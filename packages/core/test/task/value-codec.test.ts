import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueCloneError } from '../../src/index.js';
import { SlotArena, createArenaBuffer } from '../../src/task/slot-arena.js';
import { ValuePort } from '../../src/task/value-port.js';

/** A region of shared memory as a slot has it: an inline view, plus an overflow arena. */
function channel(inlineBytes: number, maxValueBytes = 1 << 24) {
  const buffer = new SharedArrayBuffer(64 + inlineBytes);
  const inline = new Uint8Array(buffer, 64, inlineBytes);
  const arena = new SlotArena(createArenaBuffer(1 << 26), 1);
  const writer = new ValuePort(maxValueBytes, 'maxValueBytes', 'maxArenaBytes');
  const reader = new ValuePort(maxValueBytes, 'maxValueBytes', 'maxArenaBytes');
  return {
    arena,
    roundTrip(value: unknown, share = false): { value: unknown; at: number } {
      const at = writer.put(value, inline, arena, 0, 'input');
      return { value: reader.get(inline, arena, at, share), at };
    },
  };
}

// What the codec promises: the same value structuredClone would give, for its subset.
const leaf = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.bigInt(),
  fc.string({ unit: 'binary' }),
  fc.date({ noInvalidDate: false }),
  fc.uint8Array(),
  fc.float64Array(),
  fc.int32Array(),
  fc.bigInt64Array(),
);
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('arr'), tie('obj'), tie('map'), tie('set')),
  arr: fc.array(tie('v'), { maxLength: 6 }),
  obj: fc.dictionary(fc.string(), tie('v'), { maxKeys: 6 }),
  map: fc.array(fc.tuple(fc.oneof(fc.string(), fc.integer()), tie('v')), { maxLength: 4 }).map((e) => new Map(e)),
  set: fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 4 }).map((e) => new Set(e)),
})).v;

describe('value codec', () => {
  it('round-trips like structuredClone, inline or through the arena (property)', () => {
    const small = channel(64);
    const large = channel(4096);
    fc.assert(
      fc.property(value, (v) => {
        expect(small.roundTrip(v).value).toStrictEqual(structuredClone(v));
        expect(large.roundTrip(v).value).toStrictEqual(structuredClone(v));
      }),
      { numRuns: 400 },
    );
  });

  it('keeps -0, NaN, holes as undefined, Error name/message, RegExp flags', () => {
    const c = channel(1024);
    expect(Object.is(c.roundTrip(-0).value, -0)).toBe(true);
    expect(c.roundTrip(NaN).value).toBeNaN();
    // eslint-disable-next-line no-sparse-arrays
    expect(c.roundTrip([1, , 3]).value).toStrictEqual([1, undefined, 3]);
    const e = c.roundTrip(new RangeError('too big')).value as Error;
    expect(e).toBeInstanceOf(RangeError);
    expect(e.message).toBe('too big');
    expect((c.roundTrip(/a+b/gi).value as RegExp).flags).toBe('gi');
    const dv = c.roundTrip(new DataView(new Uint8Array([1, 2, 3]).buffer)).value as DataView;
    expect(dv.getUint8(2)).toBe(3);
  });

  it('a large typed array goes to the arena; read with share, it views shared memory in place (no copy)', () => {
    const c = channel(256);
    const big = new Float64Array(100_000).map((_, i) => i * 0.5);
    const { value: shared, at } = c.roundTrip(big, true);
    expect(at).toBeGreaterThanOrEqual(0);
    expect((shared as Float64Array).buffer).toBe(c.arena.buffer);
    expect(shared).toStrictEqual(new Float64Array(big.buffer.slice(0)));
    const copied = c.roundTrip(big, false).value as Float64Array;
    expect(copied.buffer).toBeInstanceOf(ArrayBuffer);
    expect(copied[99_999]).toBe(49_999.5);
  });

  it('names a non-cloneable value and where it sits', () => {
    const c = channel(256);
    expect(() => c.roundTrip({ a: [1, { f: () => 1 }] })).toThrow(ValueCloneError);
    expect(() => c.roundTrip({ a: [1, { f: () => 1 }] })).toThrow(/input\.a\[1\]\.f is a function/);
    expect(() => c.roundTrip(Symbol('s'))).toThrow(/input is a symbol/);
    expect(() => c.roundTrip(new WeakMap())).toThrow(/input is \[object WeakMap\]/);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => c.roundTrip(cycle)).toThrow(/nest at most 1000 levels/);
  });

  it('a value over maxValueBytes is a RangeError naming its size and the option, not a truncation', () => {
    const c = channel(256, 10_000);
    expect(() => c.roundTrip(new Uint8Array(20_000))).toThrow(/20000 bytes, over maxValueBytes \(10000 bytes\)/);
    expect(() => c.roundTrip('x'.repeat(50_000))).toThrow(RangeError);
    expect(() => c.roundTrip('x'.repeat(50_000))).toThrow(/over maxValueBytes/);
  });
});
