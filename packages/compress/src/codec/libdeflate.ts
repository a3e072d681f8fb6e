/**
 * The `libdeflate` package's compress functions, loaded without leaving its
 * loader's `process` listeners behind.
 *
 * Why: the package is an Emscripten build, and on Node.js its loader (run on
 * the first compress call, which instantiates the WebAssembly module) adds
 * `uncaughtException` and `unhandledRejection` listeners that rethrow. An
 * application's own listener would then no longer decide what happens: the
 * rethrow from the loader's listener ends the process anyway, and the mere
 * presence of a `unhandledRejection` listener changes Node's default. Nothing
 * in the module needs them (they serve Emscripten's `exit()`, which libdeflate
 * never calls), so the first call runs between a snapshot of those listeners
 * and the removal of any it added. On a thread (each has its own `process`
 * listeners and its own instance) and in browsers (no `process`) alike.
 */
import { deflate as packageDeflate, gzip as packageGzip, zlib as packageZlib } from 'libdeflate';

/** A libdeflate compress function: the whole of `input` at `level` (1 to 12), a new array. */
export type LibdeflateCompress = (input: Uint8Array, level: number) => Uint8Array;

/** The events the Emscripten loader listens to on Node.js. */
const LOADER_EVENTS = ['uncaughtException', 'unhandledRejection'] as const;

type Listener = (...args: unknown[]) => void;
interface ProcessEvents {
  listeners(event: string): Listener[];
  removeListener(event: string, listener: Listener): unknown;
}

/** Whether this thread's libdeflate instance exists (its first call returned). */
let loaded = false;

function processEvents(): ProcessEvents | undefined {
  const p = (globalThis as { process?: Partial<ProcessEvents> }).process;
  return typeof p?.listeners === 'function' && typeof p.removeListener === 'function' ? (p as ProcessEvents) : undefined;
}

function withoutLoaderListeners(compress: LibdeflateCompress): LibdeflateCompress {
  return (input, level) => {
    if (loaded) return compress(input, level);
    const events = processEvents();
    if (events === undefined) {
      const out = compress(input, level);
      loaded = true;
      return out;
    }
    const before = LOADER_EVENTS.map((e) => events.listeners(e));
    try {
      const out = compress(input, level);
      loaded = true;
      return out;
    } finally {
      // Also when the call threw: a loader that ran half-way may have added them.
      LOADER_EVENTS.forEach((e, i) => {
        for (const l of events.listeners(e)) if (!before[i].includes(l)) events.removeListener(e, l);
      });
    }
  };
}

/** Raw deflate (RFC 1951) of the whole input. */
export const libdeflateDeflate: LibdeflateCompress = withoutLoaderListeners(packageDeflate);
/** zlib format (RFC 1950) of the whole input. */
export const libdeflateZlib: LibdeflateCompress = withoutLoaderListeners(packageZlib);
/** gzip format (RFC 1952) of the whole input. */
export const libdeflateGzip: LibdeflateCompress = withoutLoaderListeners(packageGzip);
