/**
 * CLI cases: the built command runs as a user runs it (a child process in a
 * scratch directory, with a kill timer); it must exit non-zero, say on stderr
 * what was wrong (the flag, the value, the file), and leave the directory as
 * it found it: no output file, no temporary file, no input removed.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';

export type CliName = 'twq-gzip' | 'twq-bench';

/** In `after`: the file must exist, whatever it holds (an output whose header carries a time). */
export const ANY_CONTENT = '\u0000any content\u0000';

export interface CliCase {
  readonly cli: CliName;
  /** The flag under test, by its long name as the CLI defines it ('processes', 'level-5'); for twq-bench, 'command --flag'. */
  readonly flag: string;
  readonly label: string;
  /** Arguments; `{dir}` stands for the scratch directory. */
  readonly args: readonly string[];
  /** Files to create first: contents, or null for a directory. */
  readonly files?: Readonly<Record<string, string | Uint8Array | null>>;
  /** Symbolic links to create (name -> target), FIFOs, and second names of files (name -> existing file). */
  readonly symlinks?: Readonly<Record<string, string>>;
  readonly fifos?: readonly string[];
  readonly hardlinks?: Readonly<Record<string, string>>;
  /** Of those, the ones to make unreadable (mode 000) for the run. */
  readonly unreadable?: readonly string[];
  readonly stdin?: Uint8Array;
  /** Expected exit status; default: 1. */
  readonly status?: number;
  /** Fragments stderr must contain: the flag and the value, or the file and what is wrong with it. */
  readonly stderr: readonly string[];
  /** Expected files afterwards, when a case changes them (default: exactly those of `files`, unchanged). */
  readonly after?: Readonly<Record<string, string | Uint8Array | null>>;
  /** Nothing may be written to stdout (default true; false where a partial stream to stdout is inherent). */
  readonly quietStdout?: boolean;
  readonly timeoutMs?: number;
}

const require = createRequire(import.meta.url);

/** The command a package's "bin" names: what ships (and what `pnpm --filter ... build` makes). */
function binOf(pkg: string, name: CliName): string {
  const manifest = require.resolve(`${pkg}/package.json`);
  const bin = (JSON.parse(readFileSync(manifest, 'utf8')) as { bin?: Record<string, string> }).bin?.[name];
  if (bin === undefined) throw new Error(`${pkg} has no bin named ${name}`);
  return join(dirname(manifest), bin);
}

export const CLI_PATHS: Readonly<Record<CliName, string>> = {
  'twq-gzip': binOf('@twq/pgzip', 'twq-gzip'),
  'twq-bench': binOf('@twq/bench', 'twq-bench'),
};

export interface CliRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs a command in `cwd`; killed (and failed) past the time limit. */
export function runCli(cli: CliName, args: readonly string[], cwd: string, stdin: Uint8Array | undefined, timeoutMs: number): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATHS[cli], ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cli} ${args.join(' ')} did not exit within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin ?? new Uint8Array(0));
  });
}

/** What a directory holds: names to contents (null for a directory), recursively, without following links. */
export function snapshot(dir: string, prefix = ''): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const key = prefix + name;
    const stats = lstatSync(path);
    if (stats.isDirectory()) {
      out[key] = null;
      Object.assign(out, snapshot(path, `${key}/`));
    } else if (stats.isSymbolicLink()) {
      out[key] = `symlink to ${readlinkSync(path)}`;
    } else if (stats.isFIFO()) {
      out[key] = 'fifo';
    } else {
      out[key] = readFileSync(path).toString('base64');
    }
  }
  return out;
}

function create(dir: string, files: Readonly<Record<string, string | Uint8Array | null>>): void {
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    if (content === null) mkdirSync(path, { recursive: true });
    else writeFileSync(path, content);
  }
}

/** Links and FIFOs, after the files they may name. */
function createSpecial(dir: string, c: Pick<CliCase, 'symlinks' | 'fifos' | 'hardlinks'>): void {
  for (const [name, target] of Object.entries(c.symlinks ?? {})) symlinkSync(target, join(dir, name));
  for (const [name, existing] of Object.entries(c.hardlinks ?? {})) linkSync(join(dir, existing), join(dir, name));
  for (const name of c.fifos ?? []) execFileSync('mkfifo', [join(dir, name)]);
}

/** The snapshot `files` (and the case's links and FIFOs) make, as `snapshot` reports it. */
function expected(files: Readonly<Record<string, string | Uint8Array | null>>, c: Pick<CliCase, 'symlinks' | 'fifos' | 'hardlinks'> = {}): Record<string, string | null> {
  const scratch = mkdtempSync(join(tmpdir(), 'twq-catalogue-expect-'));
  try {
    create(scratch, files);
    createSpecial(scratch, c);
    return snapshot(scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Runs one CLI case in a fresh scratch directory and checks all it must do. */
export async function runCliCase(c: CliCase): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'twq-catalogue-cli-'));
  try {
    create(dir, c.files ?? {});
    createSpecial(dir, c);
    const args = c.args.map((a) => a.replaceAll('{dir}', dir));
    for (const name of c.unreadable ?? []) chmodSync(join(dir, name), 0o000);
    const run = await runCli(c.cli, args, dir, c.stdin, c.timeoutMs ?? 20_000);
    for (const name of c.unreadable ?? []) chmodSync(join(dir, name), 0o644);
    const shown = `${c.cli} ${args.join(' ')}\nstatus ${String(run.status)}, signal ${String(run.signal)}\nstderr: ${run.stderr}`;
    expect(run.signal, `killed by a signal: ${shown}`).toBeNull();
    expect(run.status, `a non-zero exit status: ${shown}`).not.toBe(0);
    expect(run.status, `exit status: ${shown}`).toBe(c.status ?? 1);
    for (const fragment of c.stderr) expect(run.stderr, `stderr names what is wrong: ${shown}`).toContain(fragment);
    expect(run.stderr, 'no stack trace: the user gets a message').not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    if (c.quietStdout !== false) expect(run.stdout.length, `nothing on stdout: ${shown}`).toBe(0);
    const actual = snapshot(dir);
    const want = expected(c.after ?? c.files ?? {}, c.after === undefined ? c : {});
    for (const [name, content] of Object.entries(c.after ?? {})) if (content === ANY_CONTENT && name in actual) want[name] = actual[name];
    expect(actual, 'the directory afterwards: no output or temporary file left, no input removed').toEqual(want);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
