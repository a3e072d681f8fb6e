import { PAGE_SIZE } from './page-size.js';

/** The "guest memory": pages in a SharedArrayBuffer, so that every worker reads them in place. */
export interface GuestMemory {
  readonly buffer: SharedArrayBuffer;
  readonly bytes: Uint8Array;
  readonly pages: number;
}

/**
 * Allocates `byteLength` bytes (a whole number of pages) of zero-filled shared
 * memory. Shared, so that a request carries only a page index and the worker
 * compresses the page where it lies: the seed's pointer-to-page, zero copy.
 */
export function allocateGuestMemory(byteLength: number): GuestMemory {
  if (!Number.isSafeInteger(byteLength) || byteLength < PAGE_SIZE || byteLength % PAGE_SIZE !== 0) {
    throw new RangeError(`guest memory must be a whole number of ${PAGE_SIZE}-byte pages, got ${byteLength} bytes`);
  }
  let buffer: SharedArrayBuffer;
  try {
    buffer = new SharedArrayBuffer(byteLength);
  } catch (e) {
    throw new RangeError(`cannot allocate ${byteLength} bytes of guest memory: ${(e as Error).message}; try a smaller -m`, {
      cause: e,
    });
  }
  return { buffer, bytes: new Uint8Array(buffer), pages: byteLength / PAGE_SIZE };
}
