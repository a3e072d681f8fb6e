import { availableParallelism } from 'node:os';
import { DEFAULT_BLOCK_SIZE, DEFAULT_LEVEL, MAX_BLOCK_SIZE, MIN_BLOCK_SIZE, parallelGzipMemoryBytes } from '@twq/compress';
import { MAX_THREADS, describeValue, maxSharedBytes } from '@twq/node';
import { parseGetopt, type OptionSpec } from './getopt.js';
import { GZ_SUFFIX, MAX_SUFFIX_BYTES } from './suffix.js';
import { UsageError } from './usage-error.js';

/** A compression level, -1 (fastest) to -9 (best). */
export type Level = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

/** What the command line asks for. */
export interface CliOptions {
  readonly level: Level;
  readonly threads: number;
  /** Bytes. */
  readonly blockSize: number;
  readonly keep: boolean;
  readonly stdout: boolean;
  readonly decompress: boolean;
  readonly force: boolean;
  readonly test: boolean;
  readonly list: boolean;
  readonly recursive: boolean;
  /** The suffix added when compressing, and recognised first when decompressing (-S; default .gz). */
  readonly suffix: string;
  readonly verbose: boolean;
  readonly quiet: boolean;
  /** Store the file name and mtime in the header (gzip's default; -n turns it off). */
  readonly storeName: boolean;
  /** -N: when decompressing, name the output and set its time from the header. */
  readonly restoreName: boolean;
  readonly help: boolean;
  readonly license: boolean;
  readonly version: boolean;
  /** Files to process; empty means standard input. '-' also means standard input. */
  readonly files: readonly string[];
  /** Warnings about the GZIP environment variable, printed before anything else (unless -q). */
  readonly envWarning: boolean;
}

export { UsageError };

const KIB = 1024;

/** The digits of -1 .. -9. */
const LEVEL_FLAGS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

/**
 * Every flag the command takes (exported so that tests can check each one):
 * gzip's long and short names, and pigz's -p and -b. Each level digit is its
 * own flag (`level-1` .. `level-9`, short `-1` .. `-9`). Aliases name the
 * flag they stand for.
 */
export const CLI_OPTIONS = Object.freeze({
  ...Object.fromEntries(LEVEL_FLAGS.map((d) => [`level-${d}`, { type: 'boolean' as const, short: d }])),
  fast: { type: 'boolean' },
  best: { type: 'boolean' },
  processes: { type: 'string', short: 'p' },
  blocksize: { type: 'string', short: 'b' },
  keep: { type: 'boolean', short: 'k' },
  stdout: { type: 'boolean', short: 'c' },
  'to-stdout': { type: 'boolean', alias: 'stdout' },
  decompress: { type: 'boolean', short: 'd' },
  uncompress: { type: 'boolean', alias: 'decompress' },
  force: { type: 'boolean', short: 'f' },
  test: { type: 'boolean', short: 't' },
  list: { type: 'boolean', short: 'l' },
  recursive: { type: 'boolean', short: 'r' },
  suffix: { type: 'string', short: 'S' },
  verbose: { type: 'boolean', short: 'v' },
  quiet: { type: 'boolean', short: 'q' },
  silent: { type: 'boolean', alias: 'quiet' },
  'no-name': { type: 'boolean', short: 'n' },
  name: { type: 'boolean', short: 'N' },
  help: { type: 'boolean', short: 'h' },
  license: { type: 'boolean', short: 'L' },
  version: { type: 'boolean', short: 'V' },
} as const satisfies Record<string, OptionSpec>);

/**
 * The flags gzip accepts in the GZIP environment variable: the ones that
 * cannot change which files are touched or where output goes (gzip 1.12
 * refuses the others there, and so does twq-gzip).
 */
const ENV_SAFE = new Set([...LEVEL_FLAGS.map((d) => `level-${d}`), 'fast', 'best', 'no-name', 'name', 'quiet', 'silent', 'verbose']);

/**
 * Parses a command line as gzip does (getopt_long: short-flag groups such as
 * -kc9, `-p2`, `--suffix=.z`, unique prefixes of long names, `--`, flags after
 * file names), after the options of the GZIP environment variable when `env`
 * has one. Later flags win (the last level given, -q after -v).
 */
export function parseCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): CliOptions {
  // An embedder's mistake, not a user's: a TypeError (a string would be spread into its characters).
  if (!Array.isArray(argv) || !argv.every((a) => typeof a === 'string')) {
    throw new TypeError(`argv must be an array of strings, got ${describeArgv(argv)}`);
  }
  const envText = env.GZIP;
  const envArgs = envText === undefined ? [] : envText.split(/[ \t\n]+/).filter((a) => a.length > 0);
  const fromEnv = parseGetopt(envArgs, CLI_OPTIONS);
  if (fromEnv.positionals.length > 0 || envArgs.includes('--')) {
    const bad = fromEnv.positionals[0] ?? '--';
    throw new UsageError(bad === '--' ? '--: option not valid in GZIP environment variable' : `${bad}: non-option in GZIP environment variable`);
  }
  for (const o of fromEnv.options) {
    if (!ENV_SAFE.has(o.name)) throw new UsageError(`${o.given}: option not valid in GZIP environment variable`);
  }
  const fromArgs = parseGetopt(argv, CLI_OPTIONS);
  const v: Record<string, string | boolean> = {};
  let level: number = DEFAULT_LEVEL;
  let quiet = false;
  let verbose = false;
  for (const o of [...fromEnv.options, ...fromArgs.options]) {
    const spec = (CLI_OPTIONS as Record<string, OptionSpec>)[o.name];
    const name = spec.alias ?? o.name;
    v[name] = o.value ?? true;
    if (name.startsWith('level-')) level = Number(name.slice('level-'.length));
    else if (name === 'fast') level = 1;
    else if (name === 'best') level = 9;
    // -q and -v cancel each other, the later one winning (as gzip).
    else if (name === 'quiet') [quiet, verbose] = [true, false];
    else if (name === 'verbose') [quiet, verbose] = [false, true];
  }
  const suffix = parseSuffix(v.suffix as string | undefined);
  const threads = parseThreads(v.processes as string | undefined);
  const blockSize = parseBlockSize(v.blocksize as string | undefined);
  if (v.decompress !== true && v.test !== true && v.list !== true) checkMemory(threads, blockSize, 'processes' in v);
  return {
    level: level as Level,
    threads,
    blockSize,
    keep: v.keep === true,
    stdout: v.stdout === true,
    decompress: v.decompress === true,
    force: v.force === true,
    test: v.test === true,
    list: v.list === true,
    recursive: v.recursive === true,
    suffix,
    verbose,
    quiet,
    // -n and -N: the later one wins.
    storeName: lastOf(fromEnv.options, fromArgs.options, ['no-name', 'name']) !== 'no-name',
    restoreName: lastOf(fromEnv.options, fromArgs.options, ['no-name', 'name']) === 'name',
    help: v.help === true,
    license: v.license === true,
    version: v.version === true,
    files: fromArgs.positionals,
    envWarning: envArgs.length > 0,
  };
}

function lastOf(a: readonly { name: string }[], b: readonly { name: string }[], names: readonly string[]): string | undefined {
  let last: string | undefined;
  for (const o of [...a, ...b]) if (names.includes(o.name)) last = o.name;
  return last;
}

function describeArgv(argv: unknown): string {
  if (Array.isArray(argv)) {
    const bad: unknown = argv.find((a) => typeof a !== 'string');
    return `an array holding ${describeValue(bad)}`;
  }
  return describeValue(argv);
}

/** -S: gzip refuses an empty suffix and one longer than 30 bytes; a '/' would name another directory. */
function parseSuffix(text: string | undefined): string {
  if (text === undefined) return GZ_SUFFIX;
  if (text.length === 0 || Buffer.byteLength(text) > MAX_SUFFIX_BYTES || text.includes('/')) throw new UsageError(`invalid suffix '${text}'`, false);
  return text;
}

/** -p: threads, default one per core (as pigz). */
function parseThreads(text: string | undefined): number {
  if (text === undefined) return Math.max(1, Math.min(MAX_THREADS, availableParallelism()));
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > MAX_THREADS) {
    throw new UsageError(`-p (threads) must be an integer from 1 to ${MAX_THREADS}, got '${text}'`);
  }
  return n;
}

/**
 * -p and -b each in range may still ask for more shared memory than one
 * SharedArrayBuffer of this engine holds (-p 256 -b 4096): refused here,
 * before any file is opened or any output written.
 */
function checkMemory(threads: number, blockSize: number, given: boolean): void {
  // -p N: N - 1 workers and the main thread (see compress-one.ts).
  const bytes = parallelGzipMemoryBytes({ threads: threads - 1, blockSize });
  const limit = maxSharedBytes();
  if (bytes <= limit) return;
  throw new UsageError(
    `-p ${threads}${given ? '' : ' (the default: one per core)'} with -b ${blockSize / KIB} needs ${bytes} bytes of shared memory for its ${threads - 1} worker threads, ` +
      `more than the ${limit} bytes this engine allows in one SharedArrayBuffer: use a lower -p or -b`,
    false,
  );
}

/** -b: block size in KiB, as pigz takes it. */
function parseBlockSize(text: string | undefined): number {
  if (text === undefined) return DEFAULT_BLOCK_SIZE;
  const kib = Number(text);
  const bytes = kib * KIB;
  if (!/^\d+$/.test(text) || bytes < MIN_BLOCK_SIZE || bytes > MAX_BLOCK_SIZE) {
    throw new UsageError(`-b (block size in KiB) must be an integer from ${MIN_BLOCK_SIZE / KIB} to ${MAX_BLOCK_SIZE / KIB}, got '${text}'`);
  }
  return bytes;
}

/** The `--help` text. */
export const USAGE = `Usage: twq-gzip [OPTION]... [FILE]...
Compress or decompress FILEs (by default, compress FILES in-place), as gzip
does, compressing blocks in parallel on worker threads (pigz's method).

Mandatory arguments to long options are mandatory for short options too.

  -c, --stdout      write on standard output, keep original files unchanged
  -d, --decompress  decompress (single-threaded; multi-member files too)
  -f, --force       force overwrite of output file and compress links
  -h, --help        give this help
  -k, --keep        keep (don't delete) input files
  -l, --list        list compressed file contents
  -L, --license     display software license
  -n, --no-name     do not save or restore the original name and timestamp
  -N, --name        save or restore the original name and timestamp
  -q, --quiet       suppress all warnings
  -r, --recursive   operate recursively on directories
  -S, --suffix=SUF  use suffix SUF on compressed files
  -t, --test        test compressed file integrity
  -v, --verbose     verbose mode
  -V, --version     display version number
  -1, --fast        compress faster
  -9, --best        compress better
  -p, --processes=N threads that compress (default: one per core)
  -b, --blocksize=KIB  block size in KiB (default 128, 32 to 4096)

With no FILE, or when FILE is -, read standard input.

Exit status: 0 when all went well, 1 on an error, 2 when only warnings.
`;

export const LICENSE = `twq-gzip is free software, under the MIT License: you may use, copy, modify,
merge, publish, distribute, sublicense and sell copies of it, provided the
copyright notice and this permission notice are included in all copies.
THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND.
`;
