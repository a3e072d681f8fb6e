import { closeSync, openSync, type Stats } from 'node:fs';
import { stat, unlink } from 'node:fs/promises';
import { basename } from 'node:path';
import { Writable, type Readable } from 'node:stream';
import { AtomicOutput, exists } from './atomic-output.js';
import { compressDirect, compressStream, isRegularFile, openInput } from './compress-one.js';
import { CorruptInputError, decompressOne } from './decompress-one.js';
import { describeError } from './describe-error.js';
import { USAGE, UsageError, parseCli, type CliOptions } from './options.js';
import type { ProgressSpec, ProgressTarget } from './progress.js';
import { GZ_SUFFIX, decompressedName, hasCompressedSuffix } from './suffix.js';

/** Exit statuses, as gzip's. */
export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_WARNING = 2;

/** Bytes buffered towards standard output. */
const STDOUT_HIGH_WATER_MARK = 1024 * 1024;

/** Name used in messages. */
const PROGRAM = 'twq-gzip';

/** The standard streams, passed in so that tests (and embedders) can supply their own. */
export interface Io {
  readonly stdin: Readable & { readonly isTTY?: boolean };
  readonly stdout: Writable & { readonly isTTY?: boolean };
  readonly stderr: ProgressTarget;
  /** Descriptor of standard output, when it may be written directly (a regular file): the CLI passes 1. */
  readonly stdoutFd?: number;
  readonly version: string;
}

/** A problem with one file: reported, the run goes on, the exit status says so. */
class FileProblem extends Error {
  override name = 'FileProblem';
  constructor(
    message: string,
    readonly status: typeof EXIT_ERROR | typeof EXIT_WARNING,
  ) {
    super(message);
  }
}

/** Runs the command line; resolves with the exit status. Never throws for a user's mistake. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  checkIo(io);
  let options: CliOptions;
  try {
    options = parseCli(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr.write(`${PROGRAM}: ${e.message}\n`);
    return EXIT_ERROR;
  }
  if (options.help) {
    io.stdout.write(USAGE);
    return EXIT_OK;
  }
  if (options.version) {
    io.stdout.write(`${PROGRAM} ${io.version}\n`);
    return EXIT_OK;
  }
  const files = options.files.length === 0 ? ['-'] : options.files;
  let status = EXIT_OK;
  for (const file of files) {
    try {
      await (file === '-' ? processStdin(options, io) : processFile(file, options, io));
    } catch (e) {
      const problem = e instanceof FileProblem ? e : new FileProblem(describeError(e, options.decompress || options.test), EXIT_ERROR);
      if (problem.status === EXIT_ERROR || !options.quiet) io.stderr.write(`${PROGRAM}: ${file === '-' ? 'stdin' : file}: ${problem.message}\n`);
      // An error outranks a warning.
      if (status !== EXIT_ERROR) status = problem.status;
    }
  }
  return status;
}

/** Standard input to standard output (or -t: checked and dropped). */
async function processStdin(options: CliOptions, io: Io): Promise<void> {
  const decompressing = options.decompress || options.test;
  if (decompressing && io.stdin.isTTY === true && !options.force) {
    throw new FileProblem('compressed data not read from a terminal. Use -f to force decompression.', EXIT_ERROR);
  }
  if (!decompressing && io.stdout.isTTY === true && !options.force) {
    throw new FileProblem('compressed data not written to a terminal. Use -f to force compression.', EXIT_ERROR);
  }
  if (decompressing) {
    await runDecompress(io.stdin, options.test ? undefined : detachable(io.stdout), undefined, 'stdin', options, io);
    return;
  }
  const result = await compressStream(io.stdin, detachable(io.stdout), undefined, options, progressSpec('stdin', options, io));
  if (options.verbose) io.stderr.write(`stdin:\t${ratio(result.bytesIn, result.bytesOut)}\n`);
}

/** One named file: checks, then compress / decompress / test, to a file or to standard output. */
async function processFile(file: string, options: CliOptions, io: Io): Promise<void> {
  const stats = await stat(file);
  if (stats.isDirectory()) throw new FileProblem('is a directory -- ignored', EXIT_WARNING);
  if (!stats.isFile() && !options.force) throw new FileProblem('is not a regular file -- ignored', EXIT_WARNING);
  if (options.test) {
    await runDecompress(openInput(file), undefined, stats.size, file, options, io);
    if (options.verbose) io.stderr.write(`${file}:\tOK\n`);
    return;
  }
  if (options.decompress) {
    const target = decompressedName(file);
    if (target === undefined && !options.stdout) throw new FileProblem('unknown suffix -- ignored', EXIT_WARNING);
    await toDestination(file, target, stats, options, io, (output) => runDecompress(openInput(file), output.stream(), stats.size, file, options, io));
    return;
  }
  if (hasCompressedSuffix(file) && !options.force) {
    throw new FileProblem(`already has ${GZ_SUFFIX} suffix -- unchanged`, EXIT_WARNING);
  }
  const input = { name: basename(file), stats };
  const spec = progressSpec(basename(file), options, io);
  await toDestination(file, file + GZ_SUFFIX, stats, options, io, async (output) => {
    // Regular file to regular file: the zero-copy path. Anything else (a FIFO with -f, a pipe or terminal out): streams.
    if (stats.isFile() && output.fd !== undefined) {
      const fd = openSync(file, 'r');
      try {
        return await compressDirect(fd, output.fd, input, options, spec);
      } finally {
        closeSync(fd);
      }
    }
    return compressStream(openInput(file), output.stream(), input, options, spec);
  });
}

/** Where a file's output goes: a stream, and a descriptor when it can be written directly. */
interface Output {
  stream(): Writable;
  readonly fd: number | undefined;
}

/**
 * Runs `work` from `file` to standard output (-c), or to `target` through a
 * temporary file that is renamed into place only when everything succeeded
 * (and removed otherwise); then removes the input unless -k.
 */
async function toDestination(
  file: string,
  target: string | undefined,
  stats: Stats,
  options: CliOptions,
  io: Io,
  work: (output: Output) => Promise<{ bytesIn: number; bytesOut: number }>,
): Promise<void> {
  if (options.stdout || target === undefined) {
    // A regular file is no terminal: checked first, so process.stdout is never created for it.
    const fd = io.stdoutFd !== undefined && isRegularFile(io.stdoutFd) ? io.stdoutFd : undefined;
    if (fd === undefined && !options.decompress && io.stdout.isTTY === true && !options.force) {
      throw new FileProblem('compressed data not written to a terminal. Use -f to force compression.', EXIT_ERROR);
    }
    await work({ stream: () => detachable(io.stdout), fd });
    return;
  }
  if ((await exists(target)) && !options.force) throw new FileProblem(`${target} already exists; not overwritten (use -f)`, EXIT_ERROR);
  // A failure to create or to put the output in place names the output, not the input it was made from.
  let output: AtomicOutput;
  try {
    output = await AtomicOutput.create(target);
  } catch (e) {
    throw new FileProblem(`cannot create ${target}: ${describeError(e)}`, EXIT_ERROR);
  }
  let result: { bytesIn: number; bytesOut: number };
  try {
    result = await work({ stream: () => output.stream, fd: output.fd });
  } catch (e) {
    await output.discard();
    throw e;
  }
  try {
    await output.commit({ mode: stats.mode, atime: stats.atime, mtime: stats.mtime });
  } catch (e) {
    await output.discard();
    throw new FileProblem(`cannot write ${target}: ${describeError(e)}`, EXIT_ERROR);
  }
  if (!options.keep) await unlink(file);
  if (options.verbose) {
    const [plain, packed] = options.decompress ? [result.bytesOut, result.bytesIn] : [result.bytesIn, result.bytesOut];
    io.stderr.write(`${file}:\t${ratio(plain, packed)} -- ${options.keep ? 'created' : 'replaced with'} ${target}\n`);
  }
}

function progressSpec(label: string, options: CliOptions, io: Io): ProgressSpec {
  return { target: io.stderr, label, quiet: options.quiet };
}

async function runDecompress(
  input: Readable,
  output: Writable | undefined,
  size: number | undefined,
  label: string,
  options: CliOptions,
  io: Io,
): Promise<{ bytesIn: number; bytesOut: number }> {
  try {
    return await decompressOne({ input, output, size, progress: progressSpec(label, options, io) });
  } catch (e) {
    if (e instanceof CorruptInputError) throw new FileProblem(e.message, EXIT_ERROR);
    throw e;
  }
}

/** The streams an embedder passes: checked before any is used (stdin and stdout may be getters that create them: not read here). */
function checkIo(io: unknown): void {
  const i = io as Partial<Io> | null;
  if (typeof io !== 'object' || i === null || typeof i.stderr?.write !== 'function' || !('stdin' in i) || !('stdout' in i) || typeof i.version !== 'string') {
    throw new TypeError(`io must be an object with stdin, stdout, stderr (with write()) and a version string, got ${typeof io === 'object' && io !== null ? Object.prototype.toString.call(io) : String(io)}`);
  }
}

/** The space saved, as gzip -v prints it. */
function ratio(plain: number, packed: number): string {
  const saved = plain === 0 ? 0 : (1 - packed / plain) * 100;
  return `${saved.toFixed(1).padStart(5)}%`;
}

/**
 * Standard output as a pipeline's last stage, without letting the pipeline
 * end or destroy it: several files may be written to it in turn (-c), and
 * process.stdout must stay open for later messages. Each chunk is passed on
 * with its write callback, so stdout's errors (EPIPE) fail the pipeline.
 */
function detachable(stdout: Writable): Writable {
  return new Writable({
    highWaterMark: STDOUT_HIGH_WATER_MARK,
    write(chunk: Buffer, _encoding, callback) {
      stdout.write(chunk, callback);
    },
  });
}
