export { MAX_BACKOFF_SPINS, backoff } from './backoff.js';
export { BlockingWaitForbiddenError } from './errors.js';
export { canBlock, nativePause, nativeWaitAsync } from './platform.js';
export { EVENT_BUSY, EVENT_BYTES, EVENT_FREE, EVENT_SET, SharedEvent } from './shared-event.js';
export { DEFAULT_SPINS, MAX_SPINS, checkSpins, spinThenPark, spinThenParkAsync } from './spin-then-park.js';
export type { SpinThenParkOptions } from './spin-then-park.js';
