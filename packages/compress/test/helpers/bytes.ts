import { expect } from 'vitest';

/**
 * Asserts two byte arrays are identical. vitest's toEqual walks typed arrays
 * element by element (seconds per megabyte); this compares natively and, on a
 * mismatch, names the lengths and the first differing offset.
 */
export function expectSameBytes(actual: Uint8Array, expected: Uint8Array, what = 'bytes'): void {
  const a = Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength);
  const b = Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength);
  if (a.equals(b)) return;
  let at = 0;
  while (at < a.length && at < b.length && a[at] === b[at]) at++;
  expect.fail(`${what} differ: lengths ${a.length} and ${b.length}, first difference at offset ${at}`);
}
