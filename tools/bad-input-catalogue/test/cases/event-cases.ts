/** @twq/event: SharedEvent, the waits, spinThenPark and its checks, backoff. */
import { EVENT_FREE, EVENT_SET, MAX_SPINS, SharedEvent, backoff, checkSpins, spinThenPark, spinThenParkAsync } from '@twq/event';
import { expect } from 'vitest';
import { badIntegers, casesFor, each, type BadValue, type Case, type Sample } from '../support/case.js';

const entry = '@twq/event';
const TIMEOUT_RANGE = 'timeoutMs must be a number in [0, Infinity]';
const SPIN_RANGE = `[0, ${MAX_SPINS}]`;

const BAD_TIMEOUTS: Sample[] = [
  { label: 'negative', value: -1 },
  { label: 'NaN', value: Number.NaN },
  { label: '-Infinity', value: -Infinity },
  { label: 'a numeric string', value: '10' },
  { label: 'a boolean', value: true },
];
/** Positional timeouts: there `null` is not "absent" (only undefined takes the default). */
const BAD_POSITIONAL_TIMEOUTS: Sample[] = [...BAD_TIMEOUTS, { label: 'null', value: null }];

const BAD_SPINS: Sample[] = [...badIntegers({ below: -1, above: MAX_SPINS + 1 }), { label: 'huge (2^53)', value: 2 ** 53 }];

const NOT_A_SIGNAL: Sample[] = [
  { label: 'a plain object', value: { aborted: false } },
  { label: 'a string', value: 'abort' },
  { label: 'a number', value: 1 },
];

const NOT_AN_EVENT: Sample[] = [
  { label: 'null', value: null },
  { label: 'an Int32Array', value: new Int32Array(new SharedArrayBuffer(4)) },
  { label: 'a plain object', value: { wait: () => true } },
];

const NOT_A_FUNCTION: Sample[] = [
  { label: 'a boolean', value: true },
  { label: 'a string', value: 'ready' },
  { label: 'undefined', value: undefined },
];

const NOT_A_BOOLEAN: Sample[] = [
  { label: 'a string', value: 'false' },
  { label: 'a number', value: 1 },
  { label: 'null', value: null },
];

/** A free event: a refused call must leave its word FREE (nothing announced, nothing set). */
const free = SharedEvent.allocate(false);
/** A set event: a refused call must leave it SET. */
const set = SharedEvent.allocate(true);
function wordsUntouched(): void {
  expect(Atomics.load(free.array, free.index)).toBe(EVENT_FREE);
  expect(Atomics.load(set.array, set.index)).toBe(EVENT_SET);
}

/**
 * The condition the spin-then-park cases wait for: true 200 ms after the first
 * poll, so that a bad value the call failed to refuse ends in a returned
 * value (a failed case), never in a thread parked for good.
 */
function eventually(): () => boolean {
  let since: number | undefined;
  return () => {
    since ??= performance.now();
    return performance.now() - since > 200;
  };
}
const ready = eventually;

/** Bad options of spinThenPark / spinThenParkAsync (the async one adds `signal`). */
function spinOptionCases(run: (options: unknown) => unknown, withSignal: boolean): BadValue[] {
  return [
    ...each('options', [{ label: 'a number', value: 5 }, { label: 'null', value: null }, { label: 'a string', value: 'fast' }], TypeError, run, { range: 'object or undefined', check: wordsUntouched }),
    ...each('options.spins', BAD_SPINS, RangeError, (v) => run({ spins: v, timeoutMs: 250 }), { range: SPIN_RANGE, check: wordsUntouched }),
    ...each('options.timeoutMs', BAD_TIMEOUTS, RangeError, (v) => run({ spins: 0, timeoutMs: v }), { range: TIMEOUT_RANGE, check: wordsUntouched }),
    ...(withSignal ? each('options.signal', NOT_A_SIGNAL, TypeError, (v) => run({ spins: 0, timeoutMs: 10, signal: v }), { range: 'AbortSignal', check: wordsUntouched }) : []),
  ];
}

export const eventCases: Case[] = [
  ...casesFor({ entry, subject: 'backoff' }, each('attempt', [...badIntegers({ below: -1, positional: true }), { label: '2^32', value: 2 ** 32 }], RangeError, (v) => { backoff(v as number); }, { range: 'non-negative integer' })),
  ...casesFor({ entry, subject: 'checkSpins' }, each('spins', [...BAD_SPINS, { label: 'null', value: null }], RangeError, (v) => checkSpins(v as number), { range: SPIN_RANGE })),

  ...casesFor({ entry, subject: 'SharedEvent', member: 'new' }, [
    ...each(
      'array',
      [
        { label: 'a Uint32Array', value: new Uint32Array(new SharedArrayBuffer(8)) },
        { label: 'a SharedArrayBuffer', value: new SharedArrayBuffer(8) },
        { label: 'null', value: null },
        { label: 'an array of numbers', value: [1] },
      ],
      TypeError,
      (v) => new SharedEvent(v as Int32Array, 0),
      { range: 'Int32Array is required' },
    ),
    ...each('index', badIntegers({ below: -1, above: 2, positional: true }), RangeError, (v) => new SharedEvent(new Int32Array(new SharedArrayBuffer(8)), v as number), { range: '[0, 1]' }),
  ]),
  ...casesFor({ entry, subject: 'SharedEvent', member: 'static allocate' }, each('initiallySet', NOT_A_BOOLEAN, TypeError, (v) => SharedEvent.allocate(v as boolean), { range: 'boolean' })),
  ...casesFor({ entry, subject: 'SharedEvent', member: 'static attach' }, [
    ...each(
      'buffer',
      [
        { label: 'a plain ArrayBuffer', value: new ArrayBuffer(8) },
        { label: 'an Int32Array', value: new Int32Array(new SharedArrayBuffer(8)) },
        { label: 'undefined', value: undefined },
      ],
      TypeError,
      (v) => SharedEvent.attach(v as SharedArrayBuffer, 0),
      { range: 'SharedArrayBuffer is required' },
    ),
    ...each(
      'byteOffset',
      [...badIntegers({ below: -4, positional: true }), { label: 'not a multiple of 4', value: 2 }, { label: 'past the end', value: 8 }],
      RangeError,
      (v) => SharedEvent.attach(new SharedArrayBuffer(8), v as number),
      { range: '[0, 4]' },
    ),
  ]),
  ...casesFor({ entry, subject: 'SharedEvent', member: '#initUnsynchronized' }, each('set', NOT_A_BOOLEAN, TypeError, (v) => { free.initUnsynchronized(v as boolean); }, { range: 'boolean', check: wordsUntouched })),
  ...casesFor({ entry, subject: 'SharedEvent', member: '#wait' }, [
    ...each('timeoutMs', BAD_POSITIONAL_TIMEOUTS, RangeError, (v) => free.wait(v as number), { range: TIMEOUT_RANGE, check: wordsUntouched }),
    // On a set event too: a bad argument is refused whatever the state, not only when the call would park.
    ...each('timeoutMs', [{ label: 'a numeric string, on a set event', value: '10' }], RangeError, (v) => set.wait(v as number), { range: TIMEOUT_RANGE, check: wordsUntouched }),
  ]),
  ...casesFor({ entry, subject: 'SharedEvent', member: '#waitAsync' }, [
    ...each('timeoutMs', BAD_POSITIONAL_TIMEOUTS, RangeError, (v) => free.waitAsync(v as number), { range: TIMEOUT_RANGE, check: wordsUntouched }),
    ...each('signal', NOT_A_SIGNAL, TypeError, (v) => free.waitAsync(10, v as AbortSignal), { range: 'AbortSignal', check: wordsUntouched }),
  ]),

  ...casesFor({ entry, subject: 'spinThenPark' }, [
    ...each('event', NOT_AN_EVENT, TypeError, (v) => spinThenPark(v as SharedEvent, ready(), { spins: 0, timeoutMs: 10 }), { range: 'SharedEvent' }),
    ...each('ready', NOT_A_FUNCTION, TypeError, (v) => spinThenPark(free, v as () => boolean, { spins: 0, timeoutMs: 10 }), { range: 'function', check: wordsUntouched }),
    ...spinOptionCases((o) => spinThenPark(free, ready(), o as { spins?: number }), false),
  ]),
  ...casesFor({ entry, subject: 'spinThenParkAsync' }, [
    ...each('event', NOT_AN_EVENT, TypeError, (v) => spinThenParkAsync(v as SharedEvent, ready(), { spins: 0, timeoutMs: 10 }), { range: 'SharedEvent' }),
    ...each('ready', NOT_A_FUNCTION, TypeError, (v) => spinThenParkAsync(free, v as () => boolean, { spins: 0, timeoutMs: 10 }), { range: 'function', check: wordsUntouched }),
    ...spinOptionCases((o) => spinThenParkAsync(free, ready(), o as { spins?: number }), true),
  ]),
];
