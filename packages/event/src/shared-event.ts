import { BlockingWaitForbiddenError } from './errors.js';
import { canBlock, nativeWaitAsync } from './platform.js';
import { describeValue } from '@twq/bitmap';

/**
 * A futex-like event on one Int32 of shared memory, after QEMU's QemuEvent.
 *
 * States of the word:
 *
 *   EVENT_SET  (0)  the event is set; waiters return at once
 *   EVENT_FREE (1)  not set, nobody parked
 *   EVENT_BUSY (-1) not set, and at least one thread is parked (or about to be)
 *
 * Valid transitions (and nothing else ever writes the word):
 *
 *   FREE -> SET    set()    exchange; old value FREE, so no notify
 *   BUSY -> SET    set()    exchange; old value BUSY, so notify every waiter
 *   SET  -> SET    set()    plain load sees SET: no write at all (cheap repeat)
 *   SET  -> FREE   reset()  compareExchange(SET, FREE); a no-op unless set
 *   FREE -> BUSY   wait()   compareExchange(FREE, BUSY) before parking
 *   BUSY -> BUSY   wait()   a further waiter parks on the same value
 *
 * Why no wake-up is lost: the waiter parks with `Atomics.wait(word, BUSY)`, which
 * the platform performs atomically against `Atomics.notify`. A `set()` either
 * lands before the waiter's compareExchange (which then sees SET and returns), or
 * after it (the exchange then reads BUSY and notifies), or between the
 * compareExchange and the park (the park then finds the word != BUSY and returns).
 *
 * The usual pattern, as with QemuEvent, is:
 *
 *   signaller:  make the condition true (any write);  event.set()
 *   waiter:     event.reset(); if (condition) done; else event.wait()
 *
 * Who may reset: only an event's one and only waiter (in twq, each event has
 * exactly one waiter, which is also its resetter). Several threads may wait on
 * one event only while nobody resets it (a latch: check, wait, repeat). With a
 * second waiter, a reset can eat a set the other waiter has not seen yet, and
 * that waiter parks for good: the model checker in @twq/core's tests shows it.
 *
 * All accesses are sequentially consistent `Atomics`, so the signaller's write
 * is ordered before its `set()`'s load, and the waiter's `reset()` before its
 * read of the condition: one of the two always sees the other.
 */
/** The event word's value while the event is set: waiters return at once. */
export const EVENT_SET = 0;
/** The event word's value while the event is not set and nobody is parked on it. */
export const EVENT_FREE = 1;
/** The event word's value while the event is not set and at least one thread is parked (or about to be): `set()` must notify. */
export const EVENT_BUSY = -1;

/** Longest interval of the polling fallback of waitAsync. */
const MAX_POLL_MS = 16;

/** Bytes an event occupies. Callers that share a buffer should give it a cache line of its own. */
export const EVENT_BYTES = 4;

/** A futex-like event on one Int32 of shared memory (QemuEvent's three states): `set()` notifies only when a thread is parked; `wait()`, `waitAsync()` and the spin-then-park helpers wait for it. Allocate it on one thread, attach to it on others by buffer and byte offset. */
export class SharedEvent {
  /** The Int32 array holding the event word (usually a view of a larger shared buffer). */
  readonly array: Int32Array;
  /** Index of the event word in `array`. */
  readonly index: number;

  /** Attaches to the event word at `array[index]`. Nothing is written. */
  constructor(array: Int32Array, index = 0) {
    if (!(array instanceof Int32Array)) {
      throw new TypeError(`an Int32Array is required, got ${describeValue(array)}`);
    }
    if (typeof index !== 'number' || (index >>> 0) !== index || index >= array.length) {
      throw new RangeError(`event index must be an integer in [0, ${array.length - 1}], got ${describeValue(index)}`);
    }
    this.array = array;
    this.index = index;
  }

  /**
   * An event on shared storage of its own (one 128-byte cache line), initially
   * free or set. Pass `event.array.buffer` and `byteOffset` 0 to `attach` on another thread.
   */
  static allocate(initiallySet = false): SharedEvent {
    checkBoolean(initiallySet, 'initiallySet');
    const array = new Int32Array(new SharedArrayBuffer(128), 0, 1);
    array[0] = initiallySet ? EVENT_SET : EVENT_FREE;
    return new SharedEvent(array, 0);
  }

  /** Attaches to the event word at `byteOffset` of a SharedArrayBuffer. */
  static attach(buffer: SharedArrayBuffer, byteOffset: number): SharedEvent {
    if (!(buffer instanceof SharedArrayBuffer)) {
      throw new TypeError(`a SharedArrayBuffer is required, got ${describeValue(buffer)}`);
    }
    if (!Number.isInteger(byteOffset) || byteOffset < 0 || byteOffset % 4 !== 0 || byteOffset + 4 > buffer.byteLength) {
      throw new RangeError(
        `byteOffset must be a multiple of 4 in [0, ${buffer.byteLength - 4}], got ${describeValue(byteOffset)}`,
      );
    }
    return new SharedEvent(new Int32Array(buffer, byteOffset, 1), 0);
  }

  /** Writes the initial FREE state with a plain store: only before other threads use it. */
  initUnsynchronized(set = false): void {
    checkBoolean(set, 'set');
    this.array[this.index] = set ? EVENT_SET : EVENT_FREE;
  }

  /**
   * Sets the event. Costs one atomic load when already set, one exchange
   * otherwise, and a notify only when a waiter is parked. Returns whether it
   * notified. The load pairs with the waiter's compareExchange(FREE, BUSY): a
   * waiter that got to BUSY is seen here, and gets its notify.
   */
  set(): boolean {
    const a = this.array;
    const i = this.index;
    if (Atomics.load(a, i) !== EVENT_SET && Atomics.exchange(a, i, EVENT_SET) === EVENT_BUSY) {
      Atomics.notify(a, i);
      return true;
    }
    return false;
  }

  /** Clears a set event (SET -> FREE); leaves FREE and BUSY as they are. */
  reset(): void {
    const a = this.array;
    const i = this.index;
    // Plain check first: reset of an event that is not set writes nothing.
    if (Atomics.load(a, i) === EVENT_SET) Atomics.compareExchange(a, i, EVENT_SET, EVENT_FREE);
  }

  /** Whether the event is set now. */
  isSet(): boolean {
    return Atomics.load(this.array, this.index) === EVENT_SET;
  }

  /** True when at least one waiter has announced itself (state BUSY). */
  hasWaiters(): boolean {
    return Atomics.load(this.array, this.index) === EVENT_BUSY;
  }

  /**
   * Blocks until the event is set, or `timeoutMs` has passed. Returns true
   * when a `set()` happened since the call (the event may already be reset
   * again by its resetter), false on timeout. Callers re-check their condition
   * after it returns, as with a futex.
   * Throws BlockingWaitForbiddenError where `Atomics.wait` is not allowed.
   */
  wait(timeoutMs = Infinity): boolean {
    checkTimeout(timeoutMs);
    const a = this.array;
    const i = this.index;
    if (Atomics.load(a, i) === EVENT_SET) return true;
    if (!canBlock()) throw new BlockingWaitForbiddenError('SharedEvent.wait()', 'SharedEvent.waitAsync()');
    if (!this.announce()) return true;
    // 'ok' is set()'s notify. 'not-equal' means the word left BUSY after our
    // announce, and only set() moves it out of BUSY: a set happened.
    const result = Atomics.wait(a, i, EVENT_BUSY, timeoutMs);
    return result !== 'timed-out' || Atomics.load(a, i) === EVENT_SET;
  }

  /**
   * Resolves true when a `set()` happened since the call, false after
   * `timeoutMs`. Rejects with the signal's reason when `signal` aborts. Never
   * blocks the thread: safe on a browser's main thread. Where
   * `Atomics.waitAsync` is missing it polls the word with a growing interval
   * (1 to 16 ms): slower to notice, but it cannot miss a set, since only a set
   * moves the word out of the BUSY state this waiter announced.
   */
  async waitAsync(timeoutMs = Infinity, signal?: AbortSignal): Promise<boolean> {
    checkTimeout(timeoutMs);
    checkSignal(signal);
    signal?.throwIfAborted();
    const a = this.array;
    const i = this.index;
    if (!this.announce()) return true;
    if (nativeWaitAsync !== undefined) {
      const r = nativeWaitAsync(a, i, EVENT_BUSY, timeoutMs);
      const result = r.async ? await raceAbort(r.value, signal, a, i) : r.value;
      return result !== 'timed-out' || Atomics.load(a, i) === EVENT_SET;
    }
    const deadline = timeoutMs === Infinity ? Infinity : performance.now() + timeoutMs;
    for (let poll = 1; ; poll = Math.min(poll * 2, MAX_POLL_MS)) {
      if (Atomics.load(a, i) !== EVENT_BUSY) return true;
      const remaining = deadline - performance.now();
      if (remaining <= 0) return false;
      await sleep(Math.min(poll, remaining), signal);
    }
  }

  /**
   * FREE -> BUSY before parking. Returns false when the event turned out to be
   * set (nothing to wait for), true when the word now reads BUSY.
   */
  private announce(): boolean {
    const a = this.array;
    const i = this.index;
    const v = Atomics.load(a, i);
    if (v === EVENT_SET) return false;
    // Pairs with set()'s exchange: whichever comes second sees the other's value.
    return v === EVENT_BUSY || Atomics.compareExchange(a, i, EVENT_FREE, EVENT_BUSY) !== EVENT_SET;
  }
}

/** Throws a RangeError naming `timeoutMs` unless it is a number in [0, Infinity]. Internal. */
export function checkTimeout(timeoutMs: number): void {
  if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0) {
    throw new RangeError(`timeoutMs must be a number in [0, Infinity], got ${describeValue(timeoutMs)}`);
  }
}

/** Throws a TypeError naming `signal` unless it is an AbortSignal or undefined. Internal. */
export function checkSignal(signal: unknown): void {
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`signal must be an AbortSignal or undefined, got ${describeValue(signal)}`);
  }
}

function checkBoolean(value: unknown, name: string): void {
  if (typeof value !== 'boolean') throw new TypeError(`${name} must be a boolean, got ${describeValue(value)}`);
}

/**
 * Waits for `promise` unless `signal` aborts first. On abort the parked
 * waitAsync is released with a notify (waiters re-check the word, so the
 * extra wake-up is harmless) and the abort reason is thrown.
 */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined, a: Int32Array, i: number): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      Atomics.notify(a, i);
      reject(signal.reason as Error);
    };
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
