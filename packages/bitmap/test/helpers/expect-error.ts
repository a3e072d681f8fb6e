import { expect } from 'vitest';

type ErrorClass = new (...args: never[]) => Error;

/**
 * Runs `fn`, expects it to throw an instance of `type` (and not of a subclass
 * that merely looks like it), and expects the message to contain every fragment:
 * the bad value and the allowed range.
 */
export function expectError(fn: () => unknown, type: ErrorClass, ...fragments: string[]): Error {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, 'expected a throw').toBeInstanceOf(type);
  const error = thrown as Error;
  for (const fragment of fragments) expect(error.message).toContain(fragment);
  return error;
}
