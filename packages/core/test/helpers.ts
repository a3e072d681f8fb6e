import { expect } from 'vitest';

/**
 * Runs `fn`, expects it to throw an instance of `type`, and expects the message
 * to contain every fragment (the bad value and the allowed range).
 */
export function expectError<E extends Error>(
  fn: () => unknown,
  type: abstract new (...args: never[]) => E,
  ...fragments: string[]
): E {
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
export async function expectRejection<E extends Error>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
  ...fragments: string[]
): Promise<E> {
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

/** The result a test handler writes for input `seq`: a cheap 32-bit mix, so a mixed-up slot shows. */
export function mix(seq: number): number {
  return Math.imul((seq ^ 0x9e3779b9) >>> 0, 0x85ebca6b) >>> 0;
}

/** Rejects after `ms` with `message`, for racing a promise that might never settle. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${message} (no result within ${ms} ms)`));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
