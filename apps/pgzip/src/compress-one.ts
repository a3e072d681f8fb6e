import { fstatSync, read, readSync, writeSync, type Stats } from 'node:fs';
import { promisify } from 'node:util';
import { Readable, type Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GZIP_OS_UNIX, createParallelGzipEncoder, createParallelGzipStream, type GzipOptions } from '@twq/compress';
import { createQueue } from '@twq/node';
import type { CliOptions } from './options.js';
import { StdoutError } from './stdout-error.js';
import { progressMeter, startProgress, wantsProgress, type Progress, type ProgressSpec } from './progress.js';

const readAsync = promisify(read);

/** Bytes read at a time from a pipe or terminal: eight 128 KiB blocks per read keeps callbacks few. */
export const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * Blocks compressed between two turns of the event loop on the direct path:
 * often enough that a signal (Ctrl-C) is handled at once, rarely enough to cost nothing.
 */
const BLOCKS_PER_YIELD = 64;

/** What a compression did, for -v. */
export interface CompressResult {
  readonly bytesIn: number;
  readonly bytesOut: number;
}

/** The input file, when there is one (not standard input). */
export interface InputFile {
  readonly name: string;
  readonly stats: Stats;
}

/**
 * The chunks of an open file, read in turn from its current position. The
 * descriptor stays open, whatever happens (its opener closes it): an
 * fs.ReadStream closes its descriptor when destroyed, and a number closed
 * twice may by then be another file's.
 */
export async function* readChunks(fd: number): AsyncGenerator<Buffer> {
  for (;;) {
    const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
    const { bytesRead } = await readAsync(fd, buffer, 0, READ_CHUNK_BYTES, null);
    if (bytesRead === 0) return;
    yield buffer.subarray(0, bytesRead);
  }
}

/** An open file as a stream (see readChunks): destroying it leaves the descriptor open. */
export function readStreamOf(fd: number): Readable {
  return Readable.from(readChunks(fd), { objectMode: false });
}

/** Whether `fd` is a regular file: then it can be read (or written) directly, without streams. */
export function isRegularFile(fd: number): boolean {
  try {
    return fstatSync(fd).isFile();
  } catch {
    return false;
  }
}

/**
 * -p N means N threads compress: N - 1 workers and this (main) thread, which
 * compresses a block itself whenever no worker slot is free. The main thread
 * has nothing else to do here but read and write, so this uses every core
 * with one thread fewer to start (a worker thread is a V8 isolate: tens of
 * milliseconds of start-up each), and -p 1 starts none.
 */
function gzipOptions(options: CliOptions, file: InputFile | undefined): Omit<GzipOptions, 'createQueue'> {
  return {
    level: options.level,
    threads: options.threads - 1,
    submitterCompression: 'when-idle',
    blockSize: options.blockSize,
    os: GZIP_OS_UNIX,
    fileName: options.storeName ? file?.name : undefined,
    mtime: options.storeName ? file?.stats.mtime : undefined,
  };
}

async function maybeProgress(spec: ProgressSpec, size: number | undefined): Promise<Progress | undefined> {
  return size !== undefined && wantsProgress(spec.target, spec.quiet, size) ? startProgress(spec.label, size, spec.target) : undefined;
}

/**
 * Regular file to regular file, without a copy on either side: each block
 * is read from the input straight into its slot in shared memory, and each
 * finished block is written to the output straight from its slot (when it
 * comes in order). No stream, no intermediate buffer: the submitter's share
 * of the work stays small, which is what lets two workers use two cores.
 */
export async function compressDirect(inputFd: number, outputFd: number, file: InputFile, options: CliOptions, spec: ProgressSpec, isStdout = false): Promise<CompressResult> {
  const encoder = createParallelGzipEncoder({ createQueue, ...gzipOptions(options, file) }, (bytes) => {
    try {
      writeAll(outputFd, bytes);
    } catch (e) {
      // Standard output's failures end the run (as gzip's write_error); a file's are that file's problem.
      throw isStdout ? new StdoutError(e) : e;
    }
  });
  // Start the workers at once, without waiting for them: this thread compresses the first blocks meanwhile.
  encoder.start().catch(() => undefined);
  const progress = await maybeProgress(spec, file.stats.size);
  try {
    let read = 0;
    for (let blocks = 1; ; blocks++) {
      const region = await encoder.reserve();
      const n = readSync(inputFd, region, 0, region.length, null);
      if (n === 0) break;
      encoder.commit(n);
      read += n;
      progress?.update(read);
      if (blocks % BLOCKS_PER_YIELD === 0) await new Promise(setImmediate);
    }
    await encoder.finish();
  } catch (e) {
    await encoder.abort(e);
    throw e;
  } finally {
    progress?.stop();
  }
  return { bytesIn: encoder.bytesWritten, bytesOut: encoder.bytesEmitted };
}

/**
 * Any stream to any stream (standard input, pipes, terminals): the input
 * stream, an optional progress meter, the parallel gzip Transform stream (its
 * own worker threads, stopped at the end or on failure), the output stream.
 */
export async function compressStream(input: Readable, output: Writable, file: InputFile | undefined, options: CliOptions, spec: ProgressSpec): Promise<CompressResult> {
  const gzip = createParallelGzipStream({ createQueue, ...gzipOptions(options, file) });
  const progress = await maybeProgress(spec, file?.stats.size);
  const stages: (Readable | Transform | Writable)[] = [input];
  if (progress !== undefined) stages.push(progressMeter(progress));
  stages.push(gzip, output);
  try {
    await (pipeline as (...streams: (Readable | Transform | Writable)[]) => Promise<void>)(...stages);
  } finally {
    progress?.stop();
  }
  return { bytesIn: gzip.encoder.bytesWritten, bytesOut: gzip.encoder.bytesEmitted };
}

/** writeSync until every byte is out (a regular file takes all at once; this covers the rest). */
function writeAll(fd: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
}
