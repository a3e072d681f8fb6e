import { describeValue } from '@twq/core';

/** Throws a RangeError naming `value` unless it is a 32-bit word: an integer an Int32 or a Uint32 holds (a CRC, say). */
export function checkWord32(value: unknown, name: string): number {
  if (!Number.isInteger(value) || (value as number) < -0x8000_0000 || (value as number) > 0xffff_ffff) {
    throw new RangeError(`${name} must be a 32-bit integer in [-2147483648, 4294967295], got ${describeValue(value)}`);
  }
  return value as number;
}

/** Throws a RangeError naming `value` unless it is a byte count: a safe integer >= 0. */
export function checkByteCount(value: unknown, name: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw new RangeError(`${name} must be a safe integer >= 0, got ${describeValue(value)}`);
  }
  return value as number;
}

/** Throws a TypeError naming `value` unless it is a Uint8Array (a Buffer is one). */
export function checkBytes(value: unknown, name: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array, got ${describeValue(value)}`);
  return value;
}

/** Throws a TypeError naming `value` unless it is a function. */
export function checkFunction(value: unknown, name: string): void {
  if (typeof value !== 'function') throw new TypeError(`${name} must be a function, got ${describeValue(value)}`);
}

/** What the encoder says of options that are no object: checked before an entry point spreads its defaults over them. */
export function checkOptionsObject(options: unknown): void {
  if (typeof options !== 'object' || options === null) throw new TypeError(`options must be an object, got ${describeValue(options)}`);
}
