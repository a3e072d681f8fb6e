/**
 * What one entry of the catalogue is. A case makes one call with one bad
 * value and says what must come of it: the error class, and the fragments
 * the message must contain (the value, and the allowed range where there is
 * one). `check` then proves that nothing was half-created or corrupted.
 */

/** An error class a case expects (RangeError, TypeError, a TwqError subclass...). */
export type ErrorClass = abstract new (...args: never[]) => Error;

export interface Case {
  /** The package entry the subject is exported from, as a user imports it: '@twq/core', '@twq/compress/page-ops'. */
  readonly entry: string;
  /** The export the call goes to. */
  readonly subject: string;
  /** '' for a function; 'new' for a constructor; 'static name' / '#name' for a static / instance method. */
  readonly member: string;
  /** The parameter the bad value goes to: 'timeoutMs', 'options.threads' ('this' for calls on a destroyed object). */
  readonly param: string;
  /** Short description of the bad value: 'NaN', 'a string', 'after destroy()'. */
  readonly label: string;
  /** The bad value itself: the message must name it (see `names`). */
  readonly value: unknown;
  /** Makes the call (sync or async); a call that does not fail is a failed case. */
  readonly call: () => unknown;
  /** The error class expected: checked with instanceof and by name. */
  readonly error: ErrorClass;
  /** The error's `code`, where the class carries one. */
  readonly code?: string;
  /**
   * Fragments naming the value: the message must contain one of them (outside
   * the `range` fragment). Default: derived from `value` (see mentionsOf).
   */
  readonly names?: readonly string[];
  /** A fragment stating what is allowed ('[1, 256]'), when the parameter has a range or set of values. */
  readonly range?: string;
  /** Runs after the refusal: nothing half-created, the object still works. */
  readonly check?: () => unknown;
  /** Per-case time limit (default 10 s). */
  readonly timeoutMs?: number;
}

/** The shared part of a group of cases: one subject, one member. */
export interface CaseTarget {
  readonly entry: string;
  readonly subject: string;
  readonly member?: string;
}

/** One bad value for one parameter of a target. */
export interface BadValue {
  readonly param: string;
  readonly label: string;
  readonly value: unknown;
  readonly error: ErrorClass;
  readonly call: () => unknown;
  readonly names?: readonly string[];
  readonly range?: string;
  readonly code?: string;
  readonly check?: () => unknown;
  readonly timeoutMs?: number;
}

/** Cases for one target. */
export function casesFor(target: CaseTarget, values: readonly BadValue[]): Case[] {
  return values.map((v) => ({ entry: target.entry, subject: target.subject, member: target.member ?? '', ...v }));
}

/** A bad value and how it is shown in a case's title. */
export interface Sample {
  readonly label: string;
  readonly value: unknown;
}

/** The usual bad numbers, for a parameter that takes an integer in a range (`positional`: null too). */
export function badIntegers(options: { below?: number; above?: number; fraction?: number; positional?: boolean } = {}): Sample[] {
  const out: Sample[] = [
    { label: 'NaN', value: Number.NaN },
    { label: 'Infinity', value: Infinity },
    { label: '-Infinity', value: -Infinity },
    { label: 'a numeric string', value: '7' },
    { label: 'a boolean', value: true },
    { label: 'an object', value: {} },
    // A message must show it as written: "got 2" would name a valid value.
    { label: 'a BigInt', value: 2n },
  ];
  // null only for a positional parameter: in an options object, null (like undefined) means the default.
  if (options.positional === true) out.push({ label: 'null', value: null });
  if (options.below !== undefined) out.push({ label: `below the range (${options.below})`, value: options.below });
  if (options.above !== undefined) out.push({ label: `above the range (${options.above})`, value: options.above });
  out.push({ label: 'a fraction', value: options.fraction ?? 1.5 });
  return out;
}

/** Every bad value of `samples` for one parameter, each with the same call shape. */
export function each(
  param: string,
  samples: readonly Sample[],
  error: ErrorClass,
  call: (value: unknown) => unknown,
  extra: { range?: string; check?: () => unknown; names?: (value: unknown) => readonly string[] | undefined; code?: string } = {},
): BadValue[] {
  return samples.map((s) => ({
    param,
    label: s.label,
    value: s.value,
    error,
    call: () => call(s.value),
    ...(extra.range === undefined ? {} : { range: extra.range }),
    ...(extra.check === undefined ? {} : { check: extra.check }),
    ...(extra.code === undefined ? {} : { code: extra.code }),
    ...(extra.names?.(s.value) === undefined ? {} : { names: extra.names(s.value) }),
  }));
}

/**
 * How a message may name `value`: one of these fragments must appear.
 * Strings quoted (double or single quotes), numbers as JavaScript prints them, objects by their kind
 * ('[object Uint8Array]', 'Uint8Array'), functions as 'function'.
 */
export function mentionsOf(value: unknown): string[] {
  switch (typeof value) {
    case 'string':
      // Quoted: a message saying "got 7" for the string "7" names another value. A long one may be cut short (describeValue).
      return value.length > 80 ? [JSON.stringify(value.slice(0, 80))] : [JSON.stringify(value), `'${value}'`];
    case 'bigint':
      // With its n: "got 2" for 2n names another value.
      return [`${value}n`];
    case 'number':
    case 'boolean':
    case 'undefined':
      return [String(value)];
    case 'symbol':
      return [value.toString()];
    case 'function':
      return ['function'];
    case 'object': {
      if (value === null) return ['null'];
      const tag = Object.prototype.toString.call(value);
      const ctor = (value as { constructor?: { name?: unknown } }).constructor?.name;
      return typeof ctor === 'string' && ctor.length > 0 ? [tag, ctor] : [tag];
    }
  }
}

/** Whether `message` contains `fragment` as a token: a number must not be part of a longer number or word. */
export function containsToken(message: string, fragment: string): boolean {
  if (!/^-?(\d|Infinity|NaN)/.test(fragment)) return message.includes(fragment);
  const escaped = fragment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![0-9A-Za-z.-])${escaped}(?![0-9A-Za-z]|\\.[0-9])`).test(message);
}
