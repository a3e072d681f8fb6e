/**
 * The node:zlib internals that the reusable deflaters (`reusable-deflater.ts`
 * for pages, `gzip/node-block-deflater.ts` for gzip blocks) drive, as
 * lib/zlib.js's own synchronous path drives them: a zlib stream object's
 * native handle, and the Uint32Array where its `writeSync` reports
 * [avail_out, avail_in] after a call. Node exposes no public synchronous API
 * on a reusable stream; both callers check these with a self-test when they
 * are made and fall back to the one-shot functions where they differ.
 */

/** The native zlib handle of a stream object (`_handle`). */
export interface NativeZlibHandle {
  writeSync(
    flush: number,
    input: Uint8Array,
    inputOffset: number,
    inputLength: number,
    output: Uint8Array,
    outputOffset: number,
    outputLength: number,
  ): void;
  reset(): void;
  /** Present on deflate handles; on a started stream it only replaces the dictionary that reset() applies. */
  init?: unknown;
}

/** A stream object's native handle and write state, checked. */
export interface NativeZlib {
  readonly handle: NativeZlibHandle;
  readonly state: Uint32Array;
}

const AVAIL_OUT_AFTER = 0;
const AVAIL_IN_AFTER = 1;

/** The native handle and write state of a node:zlib stream object, or undefined where this Node's internals are not these. */
export function nativeZlibOf(stream: object): NativeZlib | undefined {
  const { _handle: handle, _writeState: state } = stream as { _handle?: unknown; _writeState?: unknown };
  if (typeof handle !== 'object' || handle === null) return undefined;
  const h = handle as Partial<Record<'writeSync' | 'reset', unknown>>;
  if (typeof h.writeSync !== 'function' || typeof h.reset !== 'function') return undefined;
  if (!(state instanceof Uint32Array) || state.length < 2) return undefined;
  return { handle: handle as NativeZlibHandle, state };
}

/**
 * One synchronous write of all of `input` into `output` with `flush`: the
 * output's length, or -1 when it did not fit. A flush or finish that
 * completed leaves output room (zlib's rule: with avail_out 0 more may be
 * pending, so a stream ending on exactly the last byte also counts as not
 * fitting; callers size `output` from the deflate bound), and all input must
 * be taken.
 */
export function writeWhole(zlib: NativeZlib, flush: number, input: Uint8Array, output: Uint8Array): number {
  zlib.handle.writeSync(flush, input, 0, input.length, output, 0, output.length);
  const availOut = zlib.state[AVAIL_OUT_AFTER];
  if (availOut === 0 || zlib.state[AVAIL_IN_AFTER] !== 0) return -1;
  return output.length - availOut;
}
