import { expect } from 'vitest';
import { containsToken, mentionsOf, type Case } from './case.js';

/** What a case's call did. */
export type Outcome = { kind: 'threw'; error: unknown } | { kind: 'returned'; value: unknown };

const DEFAULT_TIMEOUT_MS = 10_000;

/** Makes the call; a returned promise is awaited, within the case's time limit. */
export async function callOnce(c: Case): Promise<Outcome> {
  let result: unknown;
  try {
    result = c.call();
  } catch (error) {
    return { kind: 'threw', error };
  }
  if (!isThenable(result)) return { kind: 'returned', value: result };
  const limit = c.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => {
      resolve({ kind: 'returned', value: new Error(`the call neither resolved nor rejected within ${limit} ms`) });
    }, limit);
  });
  try {
    return await Promise.race([
      Promise.resolve(result).then(
        (value: unknown): Outcome => ({ kind: 'returned', value }),
        (error: unknown): Outcome => ({ kind: 'threw', error }),
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs one case: the call must fail with exactly the expected class (by
 * instanceof and by name), with a message that names the value (outside the
 * range fragment) and contains the range; then the case's own check runs.
 * Whatever an unexpectedly successful call created is torn down.
 */
export async function runCase(c: Case): Promise<void> {
  const outcome = await callOnce(c);
  if (outcome.kind === 'returned') {
    await disposeUnexpected(outcome.value);
    expect.fail(`expected ${c.error.name}, but the call returned ${describe(outcome.value)}`);
  }
  const error = outcome.error;
  expect(error, `expected a ${c.error.name}, got ${describe(error)}`).toBeInstanceOf(c.error);
  const e = error as Error;
  expect(e.name, `error class (message: ${e.message})`).toBe(c.error.name);
  if (c.code !== undefined) expect((e as { code?: unknown }).code).toBe(c.code);
  const message = e.message;
  if (c.range !== undefined) expect(message, 'the message states what is allowed').toContain(c.range);
  const rest = c.range === undefined ? message : message.split(c.range).join(' ');
  const names = c.names ?? mentionsOf(c.value);
  expect(
    names.some((n) => containsToken(rest, n)),
    `the message names the bad value (one of ${names.map((n) => JSON.stringify(n)).join(', ')}): ${JSON.stringify(message)}`,
  ).toBe(true);
  if (c.check !== undefined) await c.check();
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** Stops whatever a call that should have failed created: a queue, an encoder, a stream. */
export async function disposeUnexpected(value: unknown): Promise<void> {
  if (typeof value !== 'object' || value === null) return;
  const v = value as { destroy?: unknown; abort?: unknown; queue?: unknown };
  try {
    if (typeof v.abort === 'function') await (v.abort as () => unknown)();
    else if (typeof v.destroy === 'function') await (v.destroy as (o: object) => unknown)({ force: true });
  } catch {
    // Best effort: the case fails anyway.
  }
}

function describe(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (typeof value === 'object' && value !== null) return Object.prototype.toString.call(value);
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
