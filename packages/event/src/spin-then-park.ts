import { backoff } from './backoff.js';
import { SharedEvent, checkSignal, checkTimeout } from './shared-event.js';
import { describeValue } from '@twq/bitmap';

/** Default number of polls before parking; see the package README for the measurement. */
export const DEFAULT_SPINS = 64;

/** Largest spin budget accepted. */
export const MAX_SPINS = 1_000_000;

/** Options of `spinThenPark` / `spinThenParkAsync`: how long to poll before parking, and how long to wait at most. */
export interface SpinThenParkOptions {
  /** Polls of `ready` (with exponential back-off between them) before parking. Default 64. */
  spins?: number;
  /** Gives up after this many milliseconds (default: never). */
  timeoutMs?: number;
}

/**
 * Waits until `ready()` returns true: polls it `spins` times with back-off,
 * then parks on `event` (reset, re-check, wait) until a signaller that made
 * the condition true calls `event.set()`. Returns false only on timeout.
 *
 * The re-check after `reset()` is what makes parking safe: a `set()` that came
 * before the reset is matched by the re-check seeing the condition, one that
 * came after it wakes the wait.
 */
export function spinThenPark(event: SharedEvent, ready: () => boolean, options: SpinThenParkOptions = {}): boolean {
  checkArguments(event, ready, options);
  const spins = checkSpins(options.spins ?? DEFAULT_SPINS);
  const timeoutMs = options.timeoutMs ?? Infinity;
  // Checked up front: a string would turn `now + timeoutMs` into a concatenation,
  // and a negative value would silently mean 0.
  checkTimeout(timeoutMs);
  if (spin(ready, spins)) return true;
  const deadline = deadlineOf(timeoutMs);
  for (;;) {
    event.reset();
    if (ready()) return true;
    event.wait(remainingOf(deadline));
    if (ready()) return true;
    if (performance.now() >= deadline) return false;
  }
}

/**
 * The async form of `spinThenPark`: never blocks the thread (safe on a browser's
 * main thread and in workers whose handlers await). Rejects when `signal` aborts.
 */
export async function spinThenParkAsync(
  event: SharedEvent,
  ready: () => boolean,
  options: SpinThenParkOptions & { signal?: AbortSignal } = {},
): Promise<boolean> {
  checkArguments(event, ready, options);
  const spins = checkSpins(options.spins ?? DEFAULT_SPINS);
  const timeoutMs = options.timeoutMs ?? Infinity;
  checkTimeout(timeoutMs);
  const signal = options.signal;
  checkSignal(signal);
  signal?.throwIfAborted();
  if (spin(ready, spins)) return true;
  const deadline = deadlineOf(timeoutMs);
  for (;;) {
    event.reset();
    if (ready()) return true;
    await event.waitAsync(remainingOf(deadline), signal);
    if (ready()) return true;
    if (performance.now() >= deadline) return false;
  }
}

/** Checked before the first poll: a bad `ready` or event would otherwise only fail once the spins ran out. */
function checkArguments(event: unknown, ready: unknown, options: unknown): void {
  if (!(event instanceof SharedEvent)) throw new TypeError(`event must be a SharedEvent, got ${describeValue(event)}`);
  if (typeof ready !== 'function') throw new TypeError(`ready must be a function returning a boolean, got ${describeValue(ready)}`);
  if (typeof options !== 'object' || options === null) throw new TypeError(`options must be an object or undefined, got ${describeValue(options)}`);
}

/** Throws a RangeError naming `spins` unless it is an integer in [0, MAX_SPINS]. */
export function checkSpins(spins: number): number {
  if (!Number.isInteger(spins) || spins < 0 || spins > MAX_SPINS) {
    throw new RangeError(`spins must be an integer in [0, ${MAX_SPINS}], got ${describeValue(spins)}`);
  }
  return spins;
}

/** Polls `ready` up to `spins` times with back-off; true as soon as it holds. */
function spin(ready: () => boolean, spins: number): boolean {
  for (let i = 0; i < spins; i++) {
    if (ready()) return true;
    backoff(i);
  }
  return false;
}

function deadlineOf(timeoutMs: number): number {
  return timeoutMs === Infinity ? Infinity : performance.now() + timeoutMs;
}

function remainingOf(deadline: number): number {
  return deadline === Infinity ? Infinity : Math.max(0, deadline - performance.now());
}
