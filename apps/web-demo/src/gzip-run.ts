import { ParallelGzipEncoder, type CompressionLevel, type QueueFactory } from '@twq/compress';
import { opsModuleOf, type Codec } from './codec.js';

/** Input is fed to the encoder in pieces of this size; the page gets a turn between pieces. */
export const PIECE_BYTES = 1 << 20;

export interface GzipRunOptions {
  readonly createQueue: QueueFactory;
  readonly codec: Codec;
  readonly threads: number;
  readonly level: CompressionLevel;
  readonly blockSize: number;
  readonly fileName: string;
}

export interface GzipRunResult {
  /** The .gz file, in the pieces the encoder emitted. */
  readonly output: Uint8Array<ArrayBuffer>[];
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** Starting the workers (or the inline queue), not counted in `compressMs`. */
  readonly startMs: number;
  /** From the first byte in to the trailer out. */
  readonly compressMs: number;
}

/**
 * Compresses `input` into one gzip member with @twq/compress's parallel
 * encoder. The workers path and the main-thread path run through here, with
 * only the queue factory differing, so with the same codec they produce the
 * same bytes and the timing compares like with like.
 * `onProgress` gets the input bytes compressed so far and the time since the start.
 */
export async function gzipRun(
  input: Uint8Array,
  options: GzipRunOptions,
  onProgress: (bytesIn: number, elapsedMs: number) => void,
): Promise<GzipRunResult> {
  const output: Uint8Array<ArrayBuffer>[] = [];
  let bytesOut = 0;
  const encoder = new ParallelGzipEncoder(
    {
      createQueue: options.createQueue,
      opsModule: opsModuleOf(options.codec),
      threads: options.threads,
      level: options.level,
      blockSize: options.blockSize,
      fileName: options.fileName,
    },
    (bytes) => {
      // Only valid during the call (it may be shared memory): copy.
      output.push(bytes.slice());
      bytesOut += bytes.length;
    },
  );
  const t0 = performance.now();
  try {
    await encoder.start();
    const t1 = performance.now();
    for (let at = 0; at < input.length; at += PIECE_BYTES) {
      await encoder.write(input.subarray(at, at + PIECE_BYTES));
      onProgress(encoder.bytesWritten, performance.now() - t1);
      await yieldToPage();
    }
    await encoder.finish();
    const t2 = performance.now();
    onProgress(encoder.bytesWritten, t2 - t1);
    return { output, bytesIn: encoder.bytesWritten, bytesOut, startMs: t1 - t0, compressMs: t2 - t1 };
  } catch (e) {
    await encoder.abort(e);
    throw e;
  }
}

/**
 * Gives the page one task's turn (rendering, input, timers) without the 4 ms
 * clamp of nested setTimeout: both paths pay the same small price.
 */
export function yieldToPage(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
