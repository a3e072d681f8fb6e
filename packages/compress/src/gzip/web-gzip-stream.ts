import { ParallelGzipEncoder, type ParallelGzipOptions } from './parallel-gzip-encoder.js';

/**
 * Parallel gzip as a WHATWG TransformStream (browsers, Node, Deno):
 * `readable.pipeThrough(createParallelGzipTransformStream(...))`. Backpressure
 * is the stream's: `transform` resolves once a chunk is in slots, and the
 * stream calls it again only when the readable side wants more.
 * Each output chunk is a fresh ArrayBuffer (transferable), never shared memory.
 */
export function createParallelGzipTransformStream(
  options: ParallelGzipOptions,
  writableStrategy?: QueuingStrategy<Uint8Array>,
  readableStrategy?: QueuingStrategy<Uint8Array>,
): TransformStream<Uint8Array, Uint8Array> {
  let sink: TransformStreamDefaultController<Uint8Array> | undefined;
  const encoder = new ParallelGzipEncoder(options, (bytes) => {
    sink?.enqueue(bytes.slice());
  });
  // `cancel` (the stream's readable side cancelled, or its writable side
  // aborted) is in the Streams standard and in Node 20, not yet in
  // TypeScript's DOM types: it stops the workers at once.
  const transformer: Transformer<Uint8Array, Uint8Array> & { cancel: (reason: unknown) => Promise<void> } = {
      start(controller) {
        // The workers start with the first full block (see ParallelGzipEncoder).
        sink = controller;
      },
      async transform(chunk) {
        try {
          await encoder.write(chunk);
        } catch (e) {
          // The stream errors; the workers must not outlive it.
          await encoder.abort(e);
          throw e;
        }
      },
      async flush() {
        await encoder.finish();
      },
      async cancel(reason) {
        await encoder.abort(reason);
      },
    };
  return new TransformStream<Uint8Array, Uint8Array>(transformer, writableStrategy, readableStrategy);
}
