/**
 * The few web-platform globals that @twq/core may use: the ones that Node.js
 * and browsers (window and workers alike) both define. Core compiles against
 * these and the ECMAScript library only, without the DOM library and without
 * @types/node, so a `document`, a `Worker` or a `node:*` import cannot slip
 * into the environment-agnostic layer. These declarations are used by the
 * build only (tsconfig.build.json); the emitted .d.ts files take the types
 * from the consumer's DOM library or @types/node, both of which declare them.
 * (`declare const`, not the libraries' `var`: nothing here assigns them.)
 */

interface AbortSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  throwIfAborted(): void;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}
declare const AbortSignal: {
  prototype: AbortSignal;
  new (): AbortSignal;
  abort(reason?: unknown): AbortSignal;
  timeout(milliseconds: number): AbortSignal;
};

interface AbortController {
  readonly signal: AbortSignal;
  abort(reason?: unknown): void;
}
declare const AbortController: { prototype: AbortController; new (): AbortController };

declare function structuredClone<T>(value: T): T;
declare function queueMicrotask(callback: () => void): void;
declare function setTimeout(callback: () => void, ms?: number): unknown;
declare function clearTimeout(id: unknown): void;

interface TextEncoder {
  encode(input?: string): Uint8Array;
}
declare const TextEncoder: { prototype: TextEncoder; new (): TextEncoder };
interface TextDecoder {
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}
declare const TextDecoder: { prototype: TextDecoder; new (): TextDecoder };

declare const performance: { now(): number };

/** What a worker prints when teardown fails and its host gave no `warn`: both hosts have it. */
declare const console: { error(...data: unknown[]): void };

/** A worker polls the cancel flag of an async handler while it runs (claims): both hosts have timers. */
declare function setInterval(callback: () => void, ms?: number): unknown;
declare function clearInterval(id: unknown): void;

// WHATWG streams, as much as taskTransformStream uses: Node (>= 18) and browsers have them.
interface ReadableStreamDefaultReader<R> {
  read(): Promise<{ done: true; value?: undefined } | { done: false; value: R }>;
  releaseLock(): void;
}
interface ReadableStream<R> {
  getReader(): ReadableStreamDefaultReader<R>;
  cancel(reason?: unknown): Promise<void>;
}
interface ReadableStreamDefaultController<R> {
  close(): void;
  enqueue(chunk: R): void;
}
declare const ReadableStream: {
  new <R>(
    source: {
      pull?(controller: ReadableStreamDefaultController<R>): void | Promise<void>;
      cancel?(reason: unknown): void | Promise<void>;
    },
    strategy?: { highWaterMark?: number },
  ): ReadableStream<R>;
};
interface WritableStream<W> {
  abort(reason?: unknown): Promise<void>;
  /** Never read: keeps W in the type. */
  readonly __chunk?: W;
}
interface TransformStream<I, O> {
  readonly readable: ReadableStream<O>;
  readonly writable: WritableStream<I>;
}
declare const TransformStream: {
  new <I, O>(transformer?: undefined, writableStrategy?: { highWaterMark?: number }, readableStrategy?: { highWaterMark?: number }): TransformStream<I, O>;
};
