/**
 * What this JavaScript platform allows, detected once and cached.
 */

let blockingAllowed: boolean | undefined;

/**
 * True where `Atomics.wait` may be called on this thread (Node's threads, Web
 * Workers); false on a browser's main thread, where it throws.
 */
export function canBlock(): boolean {
  if (blockingAllowed === undefined) {
    try {
      // A zero-timeout wait on a value that differs returns 'not-equal' at once.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
      blockingAllowed = true;
    } catch {
      blockingAllowed = false;
    }
  }
  return blockingAllowed;
}

type WaitAsync = (
  typedArray: Int32Array,
  index: number,
  value: number,
  timeout?: number,
) => { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };

type Pause = (iterationNumber?: number) => void;

const atomics = Atomics as unknown as { waitAsync?: WaitAsync; pause?: Pause };

/** `Atomics.waitAsync` where the platform has it (Node >= 16, Chromium), else undefined. */
export const nativeWaitAsync: WaitAsync | undefined =
  typeof atomics.waitAsync === 'function' ? atomics.waitAsync.bind(Atomics) : undefined;

/** `Atomics.pause` where the platform has it (Node >= 24), else undefined. */
export const nativePause: Pause | undefined = typeof atomics.pause === 'function' ? atomics.pause.bind(Atomics) : undefined;
