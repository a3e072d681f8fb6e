import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeValue } from '../src/index.js';
import { MAX_SHOWN_CHARS } from '../src/describe-value.js';

describe('describeValue shows a value as the user wrote it', () => {
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const throwingTag = Object.defineProperty({}, Symbol.toStringTag, {
    get() {
      throw new Error('no');
    },
  });
  const long = 'x'.repeat(MAX_SHOWN_CHARS + 20);
  const table: [string, unknown, string][] = [
    ['a BigInt', 2n, '2n'],
    ['a negative BigInt', -7n, '-7n'],
    ['a number', 2, '2'],
    ['-0', -0, '-0'],
    ['NaN', Number.NaN, 'NaN'],
    ['-Infinity', -Infinity, '-Infinity'],
    ['a numeric string', '2', '"2"'],
    ['an empty string', '', '""'],
    ['a string with a quote and a newline', 'a"b\n', '"a\\"b\\n"'],
    ['a long string, cut short with its length', long, `"${'x'.repeat(MAX_SHOWN_CHARS)}"... (a string of ${long.length} characters)`],
    ['a symbol', Symbol('tag'), 'Symbol(tag)'],
    ['a symbol without description', Symbol(), 'Symbol()'],
    ['a registered symbol', Symbol.for('k'), 'Symbol(k)'],
    ['a function', function named() {}, 'function named'],
    ['an arrow function', (() => () => 1)(), 'function (anonymous)'],
    ['a class', class Shape {
      readonly sides = 3;
    }, 'class Shape'],
    ['undefined', undefined, 'undefined'],
    ['null', null, 'null'],
    ['true', true, 'true'],
    ['a plain object', { a: 1 }, '[object Object]'],
    ['an object without prototype', Object.create(null) as object, '[object Object]'],
    ['an array', [1, 2, 3], '[object Array] (length 3)'],
    ['a typed array', new Uint8Array(2), '[object Uint8Array]'],
    ['a boxed number', new Number(2), 'new Number(2)'],
    ['a boxed string', new String('2'), 'new String("2")'],
    ['a boxed boolean', new Boolean(false), 'new Boolean(false)'],
    ['a boxed BigInt', Object(2n), 'Object(2n)'],
    ['a boxed symbol', Object(Symbol('s')), 'Object(Symbol(s))'],
    ['an object that only claims to be a Number', { [Symbol.toStringTag]: 'Number' }, '[object Number]'],
    ['a Date', new Date(0), '[object Date]'],
    ['a revoked Proxy', revoked.proxy, '[object (unreadable)]'],
    ['an object whose toStringTag throws', throwingTag, '[object (unreadable)]'],
  ];
  it.each(table)('%s', (_label, value, shown) => {
    expect(describeValue(value)).toBe(shown);
  });

  it('never throws, and always returns a short string, whatever the value', () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withBoxedValues: true, withMap: true, withSet: true, withTypedArray: true, withDate: true, withNullPrototype: true, withSparseArray: true }), (value) => {
        const shown = describeValue(value);
        expect(typeof shown).toBe('string');
        expect(shown.length).toBeLessThanOrEqual(6 * MAX_SHOWN_CHARS + 64);
      }),
      { numRuns: 2000 },
    );
  });

  it('never shows two values of different types the same way (a 2n is not the 2, a "7" not the 7)', () => {
    const primitive = fc.oneof(fc.integer(), fc.bigInt(), fc.double(), fc.string({ maxLength: 20 }), fc.boolean(), fc.constant(null), fc.constant(undefined));
    fc.assert(
      fc.property(primitive, primitive, (a, b) => {
        if (typeof a !== typeof b) expect(describeValue(a)).not.toBe(describeValue(b));
      }),
      { numRuns: 5000 },
    );
  });

  it('shows a number or a BigInt so that it reads back as the same value', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.bigInt()), (v) => {
        const shown = describeValue(v);
        const back: unknown = typeof v === 'bigint' ? BigInt(shown.slice(0, -1)) : Number(shown);
        expect(Object.is(back, v)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
