/** @twq/bitmap: sizing helpers, bit primitives, and AtomicBitmap's constructor, factories and methods. */
import { AtomicBitmap, MAX_BITS, alignUp, assertBitCount, bytesForBits, lowestSetBit, popcount32, wordsForBits } from '@twq/bitmap';
import { expect } from 'vitest';
import { badIntegers, casesFor, each, type Case, type Sample } from '../support/case.js';

const entry = '@twq/bitmap';
const BIT_RANGE = `[1, ${MAX_BITS}]`;

/** A 40-bit bitmap with bits 3 and 39 set: every refused call must leave exactly these. */
function sample(): AtomicBitmap {
  const bm = AtomicBitmap.allocate(40);
  bm.set(3);
  bm.set(39);
  return bm;
}
const shared = sample();
function untouched(): void {
  expect(shared.toIndices()).toEqual([3, 39]);
}

const BAD_BIT_COUNTS: Sample[] = [
  ...badIntegers({ below: 0, above: MAX_BITS + 1, positional: true }),
  { label: 'negative', value: -32 },
  { label: 'huge (2^53)', value: 2 ** 53 },
];

/** Bad bit indices for a 40-bit bitmap: [0, 39]. */
const BAD_INDICES: Sample[] = [
  ...badIntegers({ below: -1, above: 40, positional: true }),
  { label: '2^32 (wraps to 0 as Uint32)', value: 2 ** 32 },
];

/** Bad word values for the bit primitives: an Int32 or Uint32 word is required. */
const BAD_WORDS: Sample[] = [
  { label: 'NaN', value: Number.NaN },
  { label: 'Infinity', value: Infinity },
  { label: 'a fraction', value: 2.5 },
  { label: 'a numeric string', value: '12' },
  { label: 'above 2^32 - 1', value: 2 ** 32 },
  { label: 'below -2^31', value: -(2 ** 31) - 1 },
  { label: 'undefined', value: undefined },
];
const WORD_RANGE = '[-2147483648, 4294967295]';

const scratch = (): SharedArrayBuffer => new SharedArrayBuffer(256);

export const bitmapCases: Case[] = [
  ...casesFor({ entry, subject: 'alignUp' }, [
    ...each('n', [...badIntegers({ below: -1, positional: true }), { label: 'above 2^53', value: 2 ** 53 }], RangeError, (v) => alignUp(v as number, 128), {
      range: 'non-negative safe integer',
    }),
    ...each('alignment', [...badIntegers({ below: 0, positional: true }), { label: 'negative', value: -128 }], RangeError, (v) => alignUp(100, v as number), {
      range: 'positive safe integer',
    }),
  ]),
  ...casesFor({ entry, subject: 'assertBitCount' }, each('bits', BAD_BIT_COUNTS, RangeError, (v) => { assertBitCount(v as number); }, { range: BIT_RANGE })),
  ...casesFor({ entry, subject: 'wordsForBits' }, each('bits', BAD_BIT_COUNTS, RangeError, (v) => wordsForBits(v as number), { range: BIT_RANGE })),
  ...casesFor({ entry, subject: 'bytesForBits' }, each('bits', BAD_BIT_COUNTS, RangeError, (v) => bytesForBits(v as number), { range: BIT_RANGE })),
  ...casesFor({ entry, subject: 'popcount32' }, each('word', BAD_WORDS, RangeError, (v) => popcount32(v as number), { range: WORD_RANGE })),
  ...casesFor({ entry, subject: 'lowestSetBit' }, each('word', BAD_WORDS, RangeError, (v) => lowestSetBit(v as number), { range: WORD_RANGE })),

  ...casesFor({ entry, subject: 'AtomicBitmap', member: 'new' }, [
    ...each(
      'buffer',
      [
        { label: 'null', value: null },
        { label: 'an Int32Array (a view, not a buffer)', value: new Int32Array(8) },
        { label: 'a string', value: 'buffer' },
        { label: 'a number', value: 64 },
      ],
      TypeError,
      (v) => new AtomicBitmap(v as ArrayBuffer, 0, 32),
      { range: 'ArrayBuffer or SharedArrayBuffer' },
    ),
    ...each('byteOffset', [...badIntegers({ below: -4, positional: true }), { label: 'not a multiple of 4', value: 6 }], RangeError, (v) => new AtomicBitmap(scratch(), v as number, 32), {
      range: 'multiple of 4',
    }),
    {
      param: 'byteOffset',
      label: 'past the end of the buffer',
      value: 4096,
      error: RangeError,
      call: () => new AtomicBitmap(scratch(), 4096, 32),
      names: ['byteOffset 4096'],
      range: 'buffer has 256',
    },
    ...each('size', BAD_BIT_COUNTS, RangeError, (v) => new AtomicBitmap(scratch(), 0, v as number), { range: BIT_RANGE }),
    {
      param: 'size',
      label: 'more bits than the buffer holds',
      value: 4096,
      error: RangeError,
      call: () => new AtomicBitmap(scratch(), 0, 4096),
      names: ['4096 bits'],
      range: 'buffer has 256',
    },
  ]),
  ...casesFor({ entry, subject: 'AtomicBitmap', member: 'static allocate' }, [
    ...each('size', BAD_BIT_COUNTS, RangeError, (v) => AtomicBitmap.allocate(v as number), { range: BIT_RANGE }),
    ...each(
      'options',
      [
        { label: 'a number', value: 5 },
        { label: 'null', value: null },
        { label: 'a string', value: 'shared' },
      ],
      TypeError,
      (v) => AtomicBitmap.allocate(32, v as { shared?: boolean }),
      { range: 'object or undefined' },
    ),
    ...each(
      'options.shared',
      [
        { label: 'a string', value: 'no' },
        { label: 'a number', value: 0 },
      ],
      TypeError,
      (v) => AtomicBitmap.allocate(32, { shared: v as boolean }),
      { range: 'boolean' },
    ),
  ]),
  ...casesFor({ entry, subject: 'AtomicBitmap', member: 'static attachShared' }, [
    ...each(
      'buffer',
      [
        { label: 'a plain ArrayBuffer', value: new ArrayBuffer(64) },
        { label: 'undefined', value: undefined },
      ],
      TypeError,
      (v) => AtomicBitmap.attachShared(v as SharedArrayBuffer, 0, 32),
      { range: 'SharedArrayBuffer is required' },
    ),
    ...each('byteOffset', [{ label: 'negative', value: -4 }, { label: 'NaN', value: Number.NaN }], RangeError, (v) => AtomicBitmap.attachShared(scratch(), v as number, 32), {
      range: 'multiple of 4',
    }),
    ...each('size', [{ label: 'zero', value: 0 }, { label: 'a fraction', value: 2.5 }], RangeError, (v) => AtomicBitmap.attachShared(scratch(), 0, v as number), { range: BIT_RANGE }),
  ]),
  ...casesFor({ entry, subject: 'AtomicBitmap', member: 'static loadXorInto' }, [
    ...(['a', 'b', 'out'] as const).flatMap((param) =>
      each(
        param,
        [
          { label: 'null', value: null },
          { label: 'a plain object with a size', value: { size: 40 } },
          { label: 'an Int32Array', value: new Int32Array(2) },
        ],
        TypeError,
        (v) => {
          const args = { a: sample(), b: sample(), out: AtomicBitmap.allocate(40, { shared: false }) };
          return AtomicBitmap.loadXorInto(...([param === 'a' ? v : args.a, param === 'b' ? v : args.b, param === 'out' ? v : args.out] as [AtomicBitmap, AtomicBitmap, AtomicBitmap]));
        },
        { range: 'AtomicBitmap' },
      ),
    ),
    {
      param: 'out',
      label: 'a bitmap of another size',
      value: 41,
      error: RangeError,
      call: () => AtomicBitmap.loadXorInto(shared, sample(), AtomicBitmap.allocate(41)),
      names: ['41'],
      range: 'equal size',
      check: untouched,
    },
  ]),
  ...(['test', 'set', 'clear', 'flip', 'testUnsynchronized'] as const).flatMap((method) =>
    casesFor({ entry, subject: 'AtomicBitmap', member: `#${method}` }, each('index', BAD_INDICES, RangeError, (v) => shared[method](v as number), { range: '[0, 39]', check: untouched })),
  ),
  ...casesFor({ entry, subject: 'AtomicBitmap', member: '#loadWord' }, each('wordIndex', badIntegers({ below: -1, above: 2, fraction: 0.5, positional: true }), RangeError, (v) => shared.loadWord(v as number), { range: '[0, 1]', check: untouched })),
  ...(['findNextSet', 'findNextZero'] as const).flatMap((method) =>
    casesFor({ entry, subject: 'AtomicBitmap', member: `#${method}` }, each('from', badIntegers({ below: -1, above: 41, positional: true }), RangeError, (v) => shared[method](v as number), { range: '[0, 40]', check: untouched })),
  ),
];
