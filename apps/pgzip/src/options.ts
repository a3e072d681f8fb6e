import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { DEFAULT_BLOCK_SIZE, DEFAULT_LEVEL, MAX_BLOCK_SIZE, MIN_BLOCK_SIZE, type CompressionLevel } from '@twq/compress';

/** What the command line asks for. */
export interface CliOptions {
  readonly level: CompressionLevel;
  readonly threads: number;
  /** Bytes. */
  readonly blockSize: number;
  readonly keep: boolean;
  readonly stdout: boolean;
  readonly decompress: boolean;
  readonly force: boolean;
  readonly test: boolean;
  readonly verbose: boolean;
  readonly quiet: boolean;
  /** Store the file name and mtime in the header (gzip's default; -n turns it off). */
  readonly storeName: boolean;
  readonly help: boolean;
  readonly version: boolean;
  /** Files to process; empty means standard input. '-' also means standard input. */
  readonly files: readonly string[];
}

/** A command line that cannot be run: the message says what is wrong; exit status 1. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const KIB = 1024;
const MAX_THREADS = 256;

/** The digits of -1 .. -9. */
const LEVEL_FLAGS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

/**
 * Every flag the command takes, as node:util parseArgs defines them (exported
 * so that tests can check each one): each level digit is its own boolean
 * flag (`level-1` .. `level-9`, short `-1` .. `-9`).
 */
export const CLI_OPTIONS = Object.freeze({
  ...Object.fromEntries(LEVEL_FLAGS.map((d) => [`level-${d}`, { type: 'boolean' as const, short: d }])),
  fast: { type: 'boolean' },
  best: { type: 'boolean' },
  processes: { type: 'string', short: 'p' },
  blocksize: { type: 'string', short: 'b' },
  keep: { type: 'boolean', short: 'k' },
  stdout: { type: 'boolean', short: 'c' },
  'to-stdout': { type: 'boolean' },
  decompress: { type: 'boolean', short: 'd' },
  uncompress: { type: 'boolean' },
  force: { type: 'boolean', short: 'f' },
  test: { type: 'boolean', short: 't' },
  verbose: { type: 'boolean', short: 'v' },
  quiet: { type: 'boolean', short: 'q' },
  'no-name': { type: 'boolean', short: 'n' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const satisfies Record<string, { type: 'boolean' | 'string'; short?: string }>);

/**
 * node:util parseArgs (no dependency; short-flag groups such as -kc9, `-p2`
 * and `--` come with it). Each level digit is its own boolean flag; the last
 * one given wins, as with gzip.
 */
export function parseCli(argv: readonly string[]): CliOptions {
  // An embedder's mistake, not a user's: a TypeError (a string would be spread into its characters).
  if (!Array.isArray(argv) || !argv.every((a) => typeof a === 'string')) {
    throw new TypeError(`argv must be an array of strings, got ${describeArgv(argv)}`);
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      tokens: true,
      options: CLI_OPTIONS,
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message.replace(/^TypeError \[\w+\]: /, '')}\nTry 'twq-gzip --help'.`);
  }
  const v = parsed.values as Record<string, string | boolean | undefined>;
  let level: number = DEFAULT_LEVEL;
  for (const token of parsed.tokens) {
    if (token.kind !== 'option') continue;
    if (token.name.startsWith('level-')) level = Number(token.name.slice('level-'.length));
    else if (token.name === 'fast') level = 1;
    else if (token.name === 'best') level = 9;
  }
  return {
    level: level as CompressionLevel,
    threads: parseThreads(v.processes as string | undefined),
    blockSize: parseBlockSize(v.blocksize as string | undefined),
    keep: v.keep === true,
    stdout: v.stdout === true || v['to-stdout'] === true,
    decompress: v.decompress === true || v.uncompress === true,
    force: v.force === true,
    test: v.test === true,
    verbose: v.verbose === true,
    quiet: v.quiet === true,
    storeName: v['no-name'] !== true,
    help: v.help === true,
    version: v.version === true,
    files: parsed.positionals,
  };
}

function describeArgv(argv: unknown): string {
  if (Array.isArray(argv)) {
    const bad: unknown = argv.find((a) => typeof a !== 'string');
    return `an array holding ${typeof bad === 'object' && bad !== null ? Object.prototype.toString.call(bad) : String(bad)}`;
  }
  if (typeof argv === 'string') return JSON.stringify(argv);
  return typeof argv === 'object' && argv !== null ? Object.prototype.toString.call(argv) : String(argv);
}

/** -p: threads, default one per core (as pigz). */
function parseThreads(text: string | undefined): number {
  if (text === undefined) return Math.max(1, availableParallelism());
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > MAX_THREADS) {
    throw new UsageError(`-p (threads) must be an integer from 1 to ${MAX_THREADS}, got '${text}'`);
  }
  return n;
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

export const USAGE = `Usage: twq-gzip [OPTION]... [FILE]...
Compress or decompress FILEs (by default, compress in place, as gzip does),
compressing blocks in parallel on worker threads (pigz's method). With no
FILE, or when FILE is -, read standard input and write standard output.

  -1 .. -9, --fast, --best   compression level (default 6)
  -p, --processes N          threads that compress (default: one per core):
                             the main thread and N-1 workers
  -b, --blocksize KIB        block size in KiB (default 128, 32 to 4096)
  -c, --stdout               write to standard output, keep input files
  -d, --decompress           decompress (single-threaded; multi-member files too)
  -t, --test                 test compressed files' integrity
  -k, --keep                 keep (do not delete) input files
  -f, --force                overwrite output files; compress to a terminal;
                             compress files that already end in .gz
  -n, --no-name              do not store the file name and time
  -v, --verbose              report each file's name and ratio
  -q, --quiet                suppress warnings
  -h, --help                 show this help
  -V, --version              show the version

Exit status: 0 when all went well, 1 on an error, 2 when only warnings.
`;
