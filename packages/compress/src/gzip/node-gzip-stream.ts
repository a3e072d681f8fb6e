import { Transform, type TransformCallback, type TransformOptions } from 'node:stream';
import { checkOptionsObject } from '../check.js';
import { DEFAULT_BLOCK_SIZE, checkBlockSize } from './block-size.js';
import { ParallelGzipEncoder, type ParallelGzipOptions } from './parallel-gzip-encoder.js';

/** Options of the Node stream: the encoder's, plus the stream's buffer limits. */
export interface ParallelGzipStreamOptions extends ParallelGzipOptions {
  /** Bytes buffered on the writable side before `write()` returns false. Default: one block. */
  writableHighWaterMark?: number;
  /** Bytes buffered on the readable side before the stream stops taking input. Default: one block. */
  readableHighWaterMark?: number;
}

/**
 * Parallel gzip as a Node.js Transform stream: `pipeline(source, stream, sink)`.
 * Backpressure is the stream's own: a chunk is acknowledged once it is copied
 * into slots, which waits for free slots; output is pushed in order as blocks
 * finish, so memory is the slots plus the two stream buffers, whatever the
 * input size. Destroying the stream stops the workers at once.
 */
export class ParallelGzipStream extends Transform {
  readonly encoder: ParallelGzipEncoder;

  constructor(options: ParallelGzipStreamOptions) {
    checkOptionsObject(options);
    // Checked before it sizes the stream's buffers: Node would otherwise report a bad readableHighWaterMark.
    const block = checkBlockSize(options.blockSize ?? DEFAULT_BLOCK_SIZE);
    const transformOptions: TransformOptions = {
      writableHighWaterMark: options.writableHighWaterMark ?? block,
      readableHighWaterMark: options.readableHighWaterMark ?? block,
    };
    super(transformOptions);
    // push() keeps the chunk: copy it out of shared memory, which the next block reuses.
    this.encoder = new ParallelGzipEncoder(options, (bytes) => this.push(Buffer.from(bytes)));
  }

  /** @internal Node.js's Transform hook: queues the chunk's blocks. */
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.encoder.write(chunk).then(() => {
      callback();
    }, callback);
  }

  /** @internal Node.js's Transform hook: compresses the last block and writes the trailer. */
  override _flush(callback: TransformCallback): void {
    this.encoder.finish().then(() => {
      callback();
    }, callback);
  }

  /** @internal Node.js's stream hook: stops the queue. */
  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.encoder.abort(error ?? undefined).then(
      () => {
        callback(error);
      },
      () => {
        callback(error);
      },
    );
  }
}
