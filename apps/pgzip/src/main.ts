import { closeSync, existsSync, lstatSync, readdirSync, statSync, type Stats } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Writable, type Readable } from 'node:stream';
import { describeValue } from '@twq/node';
import { AtomicOutput, exists, type OutputMeta } from './atomic-output.js';
import { ByteReader } from './byte-reader.js';
import { compressDirect, compressStream, isRegularFile, readChunks, readStreamOf } from './compress-one.js';
import { CorruptInputError } from './corrupt-input-error.js';
import { inflateMembers, type DecompressResult } from './decompress-one.js';
import { describeError } from './describe-error.js';
import { EXIT_ERROR, EXIT_OK, EXIT_WARNING } from './exit-status.js';
import { FileProblem } from './file-problem.js';
import { openInput, type OpenInput } from './input-file.js';
import { FIXED_HEADER_BYTES, TRAILER_BYTES, readHeader, type GzipHeader } from './gzip-header.js';
import { listFile, listHeading, listLine, listStream, listTotals, type ListEntry } from './list-one.js';
import { LICENSE, USAGE, UsageError, parseCli, type CliOptions } from './options.js';
import type { ProgressSpec, ProgressTarget } from './progress.js';
import { startProgress, wantsProgress, type Progress } from './progress.js';
import { askYesNo } from './prompt.js';
import { StdoutError } from './stdout-error.js';
import { SEARCHED_SUFFIXES, compressedSuffixOf, decompressedName } from './suffix.js';

export { EXIT_ERROR, EXIT_OK, EXIT_WARNING };
export { StdoutError };

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
  /** The environment: its GZIP variable holds options, as gzip's does (the CLI passes process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** -l's running totals, over every file listed. */
interface ListTotals {
  count: number;
  compressed: number;
  uncompressed: number;
  lastOverhead: number;
}

/** One run: its options, streams, exit status so far and -l's totals. */
interface Run {
  readonly options: CliOptions;
  readonly io: Io;
  status: number;
  readonly totals: ListTotals;
}

/**
 * Runs the command line; resolves with the exit status. Never throws for a
 * user's mistake; throws StdoutError when standard output is a broken pipe
 * (the CLI then ends as gzip does: killed by SIGPIPE).
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  checkIo(io);
  let options: CliOptions;
  try {
    options = parseCli(argv, io.env ?? {});
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr.write(`${PROGRAM}: ${e.message}\n${e.tryHelp ? `Try '${PROGRAM} --help' for more information.\n` : ''}`);
    return EXIT_ERROR;
  }
  if (options.envWarning && !options.quiet) io.stderr.write(`${PROGRAM}: warning: GZIP environment variable is deprecated; use an alias or script\n`);
  if (options.help) {
    io.stdout.write(USAGE);
    return EXIT_OK;
  }
  if (options.license) {
    io.stdout.write(`${PROGRAM} ${io.version}\n${LICENSE}`);
    return EXIT_OK;
  }
  if (options.version) {
    io.stdout.write(`${PROGRAM} ${io.version}\n`);
    return EXIT_OK;
  }
  const run: Run = { options, io, status: EXIT_OK, totals: { count: 0, compressed: 0, uncompressed: 0, lastOverhead: 0 } };
  const files = options.files.length === 0 ? ['-'] : options.files;
  for (const file of files) {
    try {
      await processOne(run, file, true);
    } catch (e) {
      if (!(e instanceof StdoutError)) throw e;
      if (e.code === 'EPIPE') throw e;
      io.stderr.write(`${PROGRAM}: stdout: ${describeError(e.cause)}\n`);
      return EXIT_ERROR;
    }
  }
  if (options.list && files.length > 1 && !options.quiet && run.totals.count > 0) {
    const t = run.totals;
    io.stdout.write(listTotals(t.compressed, t.uncompressed, t.lastOverhead, options.verbose));
  }
  return run.status;
}

/** One operand (a file, a directory with -r, or - for standard input); its problems reported, the run goes on. */
async function processOne(run: Run, file: string, top: boolean): Promise<void> {
  const { options } = run;
  try {
    await (file === '-' ? processStdin(run) : processFile(run, file, top));
  } catch (e) {
    if (e instanceof StdoutError) throw e;
    const problem =
      e instanceof FileProblem ? e : e instanceof CorruptInputError ? new FileProblem(e.message, EXIT_ERROR) : new FileProblem(describeError(e, options.decompress || options.test), EXIT_ERROR);
    report(run, file === '-' ? 'stdin' : file, problem);
  }
}

function report(run: Run, name: string, problem: FileProblem): void {
  if (problem.status === EXIT_ERROR || !run.options.quiet || run.options.verbose) {
    const text = problem.form === 'alone' ? problem.message : problem.form === 'space' ? `${name} ${problem.message}` : `${name}: ${problem.message}`;
    run.io.stderr.write(problem.form === 'answer' ? `${problem.message}\n` : `${PROGRAM}: ${text}\n`);
  }
  // An error outranks a warning, a warning a notice (EXIT_OK: said, but no change of status).
  if (problem.status === EXIT_ERROR || (problem.status === EXIT_WARNING && run.status === EXIT_OK)) run.status = problem.status;
}

/** Standard input to standard output (or -t: checked and dropped; -l: listed). */
async function processStdin(run: Run): Promise<void> {
  const { options, io } = run;
  if (options.list) {
    addListLine(run, await listStream(io.stdin), 'stdout');
    return;
  }
  const decompressing = options.decompress || options.test;
  if (decompressing && io.stdin.isTTY === true && !options.force) {
    throw new FileProblem('compressed data not read from a terminal. Use -f to force decompression.', EXIT_ERROR);
  }
  if (!decompressing && io.stdout.isTTY === true && !options.force) {
    throw new FileProblem('compressed data not written to a terminal. Use -f to force compression.', EXIT_ERROR);
  }
  if (decompressing) {
    const reader = new ByteReader(io.stdin);
    await readHeader(reader);
    const result = await inflateMembers(reader, options.test ? undefined : detachable(io.stdout), () => undefined);
    if (result.trailingGarbage) throw new FileProblem('decompression OK, trailing garbage ignored', EXIT_WARNING);
    if (options.test && options.verbose) io.stderr.write(' OK\n');
    return;
  }
  const result = await compressStream(io.stdin, detachable(io.stdout), undefined, options, progressSpec('stdin', options, io));
  if (options.verbose) io.stderr.write(`${ratio(result.bytesIn, result.bytesOut, FIXED_HEADER_BYTES + TRAILER_BYTES)}\n`);
}

/** A warning gzip gives only at the top level (not while recursing) and not with -q, unless -v. */
function topLevelWarning(run: Run, top: boolean, message: string, form: 'colon' | 'space' = 'colon', status: typeof EXIT_OK | typeof EXIT_WARNING = EXIT_WARNING): void {
  const { options } = run;
  if (options.verbose || (top && !options.recursive && !options.quiet)) throw new FileProblem(message, status, form);
}

/**
 * `gunzip notes` decompresses notes.gz, as gzip does: a name that does not
 * exist and has no compressed suffix is tried with each suffix gzip knows
 * (the -S one first). None there: the name with the -S suffix, whose
 * "No such file or directory" is what gzip reports.
 */
function withSuffixIfMissing(file: string, suffix: string): string {
  if (decompressedName(file, suffix) !== undefined || existsSync(file)) return file;
  for (const s of [suffix, ...SEARCHED_SUFFIXES]) if (existsSync(file + s)) return file + s;
  return file + suffix;
}

/** One named file: opened once, checked, then compressed, decompressed, tested or listed. */
async function processFile(run: Run, given: string, top: boolean): Promise<void> {
  const { options } = run;
  const file = options.decompress || options.test || options.list ? withSuffixIfMissing(given, options.suffix) : given;
  const decompressing = options.decompress || options.test || options.list;
  const inPlace = !(options.stdout || options.test || options.list);
  // Opened first (as gzip): a directory is recursed into whatever its name.
  let opened: ReturnType<typeof openInput>;
  try {
    opened = openInput(file, { inPlace, force: options.force, recursive: options.recursive });
  } catch (e) {
    // Named as opened: gunzip notes reports notes.gz.
    throw e instanceof FileProblem || file === given ? e : new FileProblem(`${file}: ${describeError(e)}`, EXIT_ERROR, 'alone');
  }
  if ('directory' in opened) {
    for (const name of readdirSync(file).sort()) await processOne(run, join(file, name), false);
    return;
  }
  try {
    if (!decompressing && inPlace) {
      const found = compressedSuffixOf(file, options.suffix);
      if (found !== undefined && !options.force) {
        // A notice: gzip 1.12 says so but exits 0 for it.
        topLevelWarning(run, top, `already has ${found} suffix -- unchanged`, 'space', EXIT_OK);
        return;
      }
    }
    if (decompressing && decompressedName(file, options.suffix) === undefined && (options.decompress ? inPlace : options.recursive)) {
      // -t and -l try any file named on the command line; -d needs a suffix to name its output.
      topLevelWarning(run, top, 'unknown suffix -- ignored');
      return;
    }
    await processOpen(run, file, opened);
  } finally {
    closeSync(opened.fd);
  }
}

async function processOpen(run: Run, file: string, input: OpenInput): Promise<void> {
  const { options } = run;
  if (options.list) {
    const entry = await listFile(input.fd, input.stats.size, Math.floor(input.stats.mtimeMs / 1000));
    const name = options.restoreName && entry.header.name !== undefined ? entry.header.name : (decompressedName(file, options.suffix) ?? file);
    addListLine(run, entry, name);
    return;
  }
  await (options.decompress || options.test ? decompressFile(run, file, input) : compressFile(run, file, input));
}
function addListLine(run: Run, entry: ListEntry, name: string): void {
  const { options, io, totals } = run;
  if (!options.quiet && totals.count === 0) io.stdout.write(listHeading(options.verbose));
  totals.count++;
  totals.compressed += entry.compressed;
  totals.uncompressed += entry.uncompressed;
  totals.lastOverhead = entry.overhead;
  io.stdout.write(listLine(entry, name, options.verbose));
}

/** -d and -t on a file: the header first (nothing is created for a file that is not gzip), then every member. */
async function decompressFile(run: Run, file: string, input: OpenInput): Promise<void> {
  const { options, io } = run;
  const reader = new ByteReader(readChunks(input.fd));
  let header: GzipHeader;
  try {
    header = await readHeader(reader);
  } catch (e) {
    await reader.close();
    throw e;
  }
  const progress = await maybeProgress(progressSpec(file, options, io), input.stats.size);
  const onRead = (offset: number): void => progress?.update(offset);
  let result: DecompressResult;
  try {
    if (options.test) {
      result = await inflateMembers(reader, undefined, onRead);
    } else {
      let target = decompressedName(file, options.suffix);
      if (options.restoreName && header.name !== undefined) {
        // Only the stored name's last part, beside the input: a header cannot send output elsewhere.
        const stored = basename(header.name);
        if (stored !== '' && stored !== '.' && stored !== '..') target = join(dirname(file), stored);
      }
      const mtime = options.restoreName && header.mtime !== 0 ? new Date(header.mtime * 1000) : input.stats.mtime;
      result = await toDestination(run, file, target, input, { ...metaOf(input.stats), mtime }, async (output) => {
        const r = await inflateMembers(reader, output.stream(), onRead);
        return { bytesIn: r.bytesIn, bytesOut: r.bytesOut, trailingGarbage: r.trailingGarbage, overhead: header.length + TRAILER_BYTES };
      });
    }
  } finally {
    progress?.stop();
    await reader.close();
  }
  if (result.trailingGarbage) throw new FileProblem('decompression OK, trailing garbage ignored', EXIT_WARNING);
  if (options.test && options.verbose) io.stderr.write(`${file}:\t OK\n`);
}

async function compressFile(run: Run, file: string, input: OpenInput): Promise<void> {
  const { options, io } = run;
  const described = { name: basename(file), stats: input.stats };
  const spec = progressSpec(basename(file), options, io);
  // The header's bytes (with the stored name) and the trailer's: gzip's ratio leaves them out.
  const overhead = FIXED_HEADER_BYTES + (options.storeName ? Buffer.byteLength(described.name) + 1 : 0) + TRAILER_BYTES;
  await toDestination(run, file, file + options.suffix, input, metaOf(input.stats), async (output) => {
    // Regular file to a file descriptor: the zero-copy path. Anything else (a FIFO with -c, a pipe or terminal out): streams.
    const r =
      input.stats.isFile() && output.fd !== undefined
        ? await compressDirect(input.fd, output.fd, described, options, spec, output.isStdout)
        : await compressStream(readStreamOf(input.fd), output.stream(), described, options, spec);
    return { ...r, trailingGarbage: false, overhead };
  });
}

function metaOf(stats: Stats): OutputMeta {
  return { mode: stats.mode, uid: stats.uid, gid: stats.gid, atime: stats.atime, mtime: stats.mtime };
}

/** Where `work` writes: a stream, and a descriptor when it can be written directly. */
interface Output {
  stream(): Writable;
  readonly fd: number | undefined;
  readonly isStdout: boolean;
}

interface WorkResult {
  bytesIn: number;
  bytesOut: number;
  trailingGarbage: boolean;
  /** Header and trailer bytes, for -v's ratio. */
  overhead: number;
}

/**
 * Runs `work` into standard output (-c, or no target) or into `target`,
 * through a temporary file renamed into place only when all went well; the
 * input is removed (unless -k) only after that, and only if its name still
 * names the file that was read.
 */
async function toDestination(run: Run, file: string, target: string | undefined, input: OpenInput, meta: OutputMeta, work: (output: Output) => Promise<WorkResult>): Promise<WorkResult> {
  const { options, io } = run;
  if (options.stdout || target === undefined) {
    // A regular file is no terminal: checked first, so process.stdout is never created for it.
    const fd = io.stdoutFd !== undefined && isRegularFile(io.stdoutFd) ? io.stdoutFd : undefined;
    if (fd === undefined && !options.decompress && io.stdout.isTTY === true && !options.force) {
      throw new FileProblem('compressed data not written to a terminal. Use -f to force compression.', EXIT_ERROR);
    }
    const result = await work({ stream: () => detachable(io.stdout), fd, isStdout: true });
    if (options.verbose) io.stderr.write(verboseLine(run, file, result, 'stdout'));
    return result;
  }
  if ((await exists(target)) && !options.force && !(await mayOverwrite(run, target))) {
    throw new FileProblem(`${target} already exists;\tnot overwritten`, EXIT_WARNING, 'alone');
  }
  // A failure to create or to put the output in place names the output, not the input it was made from.
  let output: AtomicOutput;
  try {
    output = await AtomicOutput.create(target);
  } catch (e) {
    throw new FileProblem(`${target}: ${describeError(e)}`, EXIT_ERROR, 'alone');
  }
  let result: WorkResult;
  try {
    result = await work({ stream: () => output.stream, fd: options.decompress ? undefined : output.fd, isStdout: false });
  } catch (e) {
    await output.discard();
    throw e;
  }
  try {
    await output.commit(meta);
  } catch (e) {
    await output.discard();
    throw new FileProblem(`cannot write ${target}: ${describeError(e)}`, EXIT_ERROR);
  }
  if (!options.keep) await removeInput(file, input.stats);
  if (options.verbose) io.stderr.write(verboseLine(run, file, result, target));
  return result;
}

/** gzip -v's line for a file: its ratio, and where the output went (with -c, "replaced with stdout": gzip's words). */
function verboseLine(run: Run, file: string, result: WorkResult, target: string): string {
  const { options } = run;
  const [plain, packed] = options.decompress ? [result.bytesOut, result.bytesIn] : [result.bytesIn, result.bytesOut];
  return `${file}:\t${ratio(plain, packed, result.overhead)} -- ${options.keep ? 'created' : 'replaced with'} ${target}\n`;
}

/** gzip's question when standard input is a terminal; without one, the answer is no. */
async function mayOverwrite(run: Run, target: string): Promise<boolean> {
  const { io } = run;
  if (io.stdin.isTTY !== true) return false;
  const yes = await askYesNo(io.stdin, io.stderr, `${PROGRAM}: ${target} already exists; do you wish to overwrite (y or n)? `);
  if (!yes) throw new FileProblem('\tnot overwritten', EXIT_WARNING, 'answer');
  return true;
}

/** Removes the input by name, unless the name now names another file (moved or replaced meanwhile): then it is kept, and said. */
async function removeInput(file: string, read: Stats): Promise<void> {
  let now: Stats;
  try {
    now = lstatSync(file);
    // With -f a link was followed: its target is what was read, and the link is what goes (as gzip).
    if (now.isSymbolicLink()) now = statSync(file);
  } catch (e) {
    throw new FileProblem(`not removed: ${describeError(e)}`, EXIT_WARNING);
  }
  if (now.dev !== read.dev || now.ino !== read.ino) throw new FileProblem('was replaced while being read -- not removed', EXIT_WARNING);
  await unlink(file);
}

function progressSpec(label: string, options: CliOptions, io: Io): ProgressSpec {
  return { target: io.stderr, label, quiet: options.quiet };
}

async function maybeProgress(spec: ProgressSpec, size: number): Promise<Progress | undefined> {
  return wantsProgress(spec.target, spec.quiet, size) ? startProgress(spec.label, size, spec.target) : undefined;
}

/** The streams an embedder passes: checked before any is used (stdin and stdout may be getters that create them: not read here). */
function checkIo(io: unknown): void {
  const i = io as Partial<Io> | null;
  if (typeof io !== 'object' || i === null || typeof i.stderr?.write !== 'function' || !('stdin' in i) || !('stdout' in i) || typeof i.version !== 'string') {
    throw new TypeError(`io must be an object with stdin, stdout, stderr (with write()) and a version string, got ${describeValue(io)}`);
  }
}

/** The space saved, as gzip -v prints it: header and trailer (`overhead`) not counted as compressed data. */
function ratio(plain: number, packed: number, overhead: number): string {
  const saved = plain === 0 ? 0 : (100 * (plain - (packed - overhead))) / plain;
  return `${saved.toFixed(1).padStart(5)}%`;
}

/**
 * Standard output as a pipeline's last stage, without letting the pipeline
 * end or destroy it: several files may be written to it in turn (-c), and
 * process.stdout must stay open for later messages. Each chunk is passed on
 * with its write callback; a failure (EPIPE, ENOSPC) comes back as a
 * StdoutError, which ends the run.
 */
function detachable(stdout: Writable): Writable {
  return new Writable({
    highWaterMark: STDOUT_HIGH_WATER_MARK,
    write(chunk: Buffer, _encoding, callback) {
      try {
        stdout.write(chunk, (e) => {
          callback(e === undefined || e === null ? undefined : new StdoutError(e));
        });
      } catch (e) {
        callback(new StdoutError(e));
      }
    },
  });
}
