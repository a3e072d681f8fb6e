import { PIECE_BYTES, yieldToPage, type GzipRunResult } from './gzip-run.js';

/**
 * The baseline a browser user already has: ONE `CompressionStream('gzip')`
 * over the whole input, on the main thread (the platform compresses off the
 * JavaScript thread as it sees fit). Fed in the same 1 MiB pieces as the
 * other paths, with the same turn for the page between pieces. No level can
 * be set: it is zlib's default, 6.
 */
export async function nativeStreamRun(input: Uint8Array, onProgress: (bytesIn: number, elapsedMs: number) => void): Promise<GzipRunResult> {
  const t0 = performance.now();
  const stream = new CompressionStream('gzip');
  const writer = stream.writable.getWriter();
  const output: Uint8Array<ArrayBuffer>[] = [];
  let bytesOut = 0;
  const collected = (async () => {
    const reader = stream.readable.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      output.push(value);
      bytesOut += value.length;
    }
  })();
  for (let at = 0; at < input.length; at += PIECE_BYTES) {
    // A copy per piece: the writer may keep the chunk until the codec reads it.
    await writer.write(input.slice(at, at + PIECE_BYTES));
    onProgress(Math.min(input.length, at + PIECE_BYTES), performance.now() - t0);
    await yieldToPage();
  }
  await writer.close();
  await collected;
  const t1 = performance.now();
  onProgress(input.length, t1 - t0);
  return { output, bytesIn: input.length, bytesOut, startMs: 0, compressMs: t1 - t0 };
}
