/**
 * Error expectations for bad-input tests: every package promises a specific
 * error class and a message that names the bad value, so each test checks the
 * class and message fragments in one call instead of repeating try/catch.
 */
import { expect } from 'vitest';

/** Any error class, abstract ones included (e.g. a shared base class of a package's errors). */
type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

/**
 * Runs `fn`, expects it to throw an instance of `type`, and expects the message
 * to contain every fragment (the bad value and the allowed range). Returns the
 * error, typed, so that a test can check its other fields.
 */
export function expectError<E extends Error>(fn: () => unknown, type: ErrorClass<E>, ...fragments: string[]): E {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `expected a ${type.name}`).toBeInstanceOf(type);
  const error = thrown as E;
  for (const fragment of fragments) expect(error.message).toContain(fragment);
  return error;
}

/** The async form of `expectError`: `promise` must reject with `type`, message containing every fragment. */
export async function expectRejection<E extends Error>(promise: Promise<unknown>, type: ErrorClass<E>, ...fragments: string[]): Promise<E> {
  let thrown: unknown;
  try {
    await promise;
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `expected a rejection with ${type.name}`).toBeInstanceOf(type);
  const error = thrown as E;
  for (const fragment of fragments) expect(error.message).toContain(fragment);
  return error;
}
