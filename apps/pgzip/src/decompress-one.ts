import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { describeError } from './describe-error.js';
import { progressMeter, startProgress, wantsProgress, type Progress, type ProgressSpec } from './progress.js';

export interface DecompressJob {
  readonly input: Readable;
  /** Undefined for -t: the data is checked and dropped. */
  readonly output: Writable | undefined;
  readonly size: number | undefined;
  readonly progress: ProgressSpec;
}

export interface DecompressResult {
  readonly bytesIn: number;
  readonly bytesOut: number;
}

/** A fault in the compressed data (as opposed to an I/O error): the message says what, as gzip would. */
export class CorruptInputError extends Error {
  override name = 'CorruptInputError';
}

/**
 * Decompresses one input, single-threaded, with node:zlib's gunzip: every
 * member of a multi-member file in turn, each checked against its CRC-32 and
 * length. Zero padding after the last member is accepted (as gzip accepts
 * it); anything else is reported as corrupt.
 */
export async function decompressOne(job: DecompressJob): Promise<DecompressResult> {
  let bytesIn = 0;
  let bytesOut = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytesIn += chunk.length;
      callback(null, chunk);
    },
  });
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  const outputCounter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytesOut += chunk.length;
      callback(null, chunk);
    },
  });
  const sink =
    job.output ??
    new Writable({
      write(_chunk, _encoding, callback) {
        callback();
      },
    });
  const progress: Progress | undefined =
    job.size !== undefined && wantsProgress(job.progress.target, job.progress.quiet, job.size)
      ? await startProgress(job.progress.label, job.size, job.progress.target)
      : undefined;
  const stages: (Readable | Transform | Writable)[] = [job.input, counter];
  if (progress !== undefined) stages.push(progressMeter(progress));
  stages.push(gunzip, outputCounter, sink);
  try {
    await (pipeline as (...streams: (Readable | Transform | Writable)[]) => Promise<void>)(...stages);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const fromZlib = typeof code === 'string' && code.startsWith('Z_');
    if (fromZlib) throw new CorruptInputError(describeError(e, true, bytesOut > 0), { cause: e });
    throw e;
  } finally {
    progress?.stop();
  }
  if (bytesIn === 0) throw new CorruptInputError('unexpected end of file');
  return { bytesIn, bytesOut };
}
