/**
 * twq-gzip against GNU gzip (/usr/bin/gzip, part of Debian's base system):
 * each row sets up the same files in two scratch directories, runs gzip in
 * one and twq-gzip in the other with the same arguments, standard input and
 * environment, and compares the exit status, standard error (gzip's name
 * replaced by twq-gzip's), standard output (decompressed first when it is
 * compressed data) and what the directory holds afterwards: names, types,
 * permission bits, owners, times, contents (decompressed for gzip files,
 * with the name and time their headers store). Where twq-gzip differs on
 * purpose, the row says what differs and why; every other byte must agree.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { compressibleText } from '@twq/test-support/corpus';
import { describe, it } from 'vitest';
import { CLI } from './helpers/run-cli.js';

const GZIP = '/usr/bin/gzip';
const RUN_TIMEOUT_MS = 60_000;
const isRoot = process.getuid?.() === 0;
/** Every input's time: outputs that take it from their input must show it, in both directories. */
const INPUT_TIME = new Date(1_600_000_000_000);

/** What a row's directory starts with: text, bytes, a directory, a link, a FIFO or another name for a file. */
type Entry = string | Uint8Array | { dir: true } | { symlink: string } | { fifo: true } | { hardlink: string };

const text = compressibleText(300_000, 31).toString();
const other = compressibleText(50_000, 32).toString();
/** gzip files made by gzip itself, so that both tools start from the same bytes. */
const byGzip = (data: string, name: string): Uint8Array => {
  const dir = mkdtempSync(join(tmpdir(), 'twq-gzip-fixture-'));
  try {
    writeFileSync(join(dir, name), data);
    utimesSync(join(dir, name), INPUT_TIME, INPUT_TIME);
    if (spawnSync(GZIP, ['-k', name], { cwd: dir }).status !== 0) throw new Error(`gzip -k ${name} failed`);
    return readFileSync(join(dir, `${name}.gz`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
const aGz = byGzip(text, 'a');
const bGz = byGzip(other, 'b');
const storedName = byGzip(other, 'original-name');
const badCrc = Uint8Array.from(aGz, (b, i) => (i === aGz.length - 8 ? b ^ 0xff : b));

interface Row {
  readonly name: string;
  readonly args: readonly string[];
  readonly files?: Readonly<Record<string, Entry>>;
  readonly stdin?: Uint8Array;
  readonly env?: Readonly<Record<string, string>>;
  /** What standard output holds: compressed data (compared decompressed), bytes to compare as they are, or nothing. */
  readonly stdout?: 'gzip' | 'exact';
  /** Compare only the exit status and the files: the text differs on purpose, for this reason. */
  readonly textDiffers?: string;
  /** Run as root only (owners). */
  readonly root?: boolean;
  /** Make these files someone else's (uid 1234, gid 2345) and give them these modes. */
  readonly owners?: Readonly<Record<string, number>>;
}

const OTHER_UID = 1234;
const OTHER_GID = 2345;

const ROWS: readonly Row[] = [
  // ---- compress ----
  { name: 'compress in place', args: ['a'], files: { a: text } },
  { name: 'compress, keep', args: ['-k', 'a'], files: { a: text } },
  { name: 'compress, verbose', args: ['-v', 'a'], files: { a: 'hello\n' } },
  { name: 'compress to stdout', args: ['-c', 'a'], files: { a: text }, stdout: 'gzip' },
  { name: 'compress to stdout, verbose, two files', args: ['-cv', 'a', 'b'], files: { a: 'hello\n', b: 'world\n' }, stdout: 'gzip' },
  { name: 'compress at -1 and --best', args: ['-1', '--best', 'a'], files: { a: text } },
  { name: 'compress, no name (-n)', args: ['-n', 'a'], files: { a: text } },
  { name: 'compress an empty file', args: ['e'], files: { e: '' } },
  { name: 'compress standard input', args: [], stdin: Buffer.from(text), stdout: 'gzip' },
  { name: 'compress standard input, -v', args: ['-v'], stdin: Buffer.from('hello\n'), stdout: 'gzip' },
  { name: 'compress with a suffix', args: ['-S', '.z', 'a'], files: { a: text } },
  { name: 'compress with --suffix=', args: ['--suffix=_gz', 'a'], files: { a: text } },
  { name: 'an empty suffix', args: ['-S', '', 'a'], files: { a: text } },
  { name: 'a suffix too long', args: ['-S', '.1234567890123456789012345678901', 'a'], files: { a: text } },
  { name: 'a missing file among good ones', args: ['missing', 'a'], files: { a: text } },
  { name: 'a directory without -r', args: ['d'], files: { d: { dir: true } } },
  {
    name: 'recursive',
    args: ['-r', 'd'],
    files: { d: { dir: true }, 'd/x': text, 'd/e': { dir: true }, 'd/e/y': other, 'd/done.gz': aGz },
  },
  { name: 'recursive, verbose', args: ['-rv', 'd'], files: { d: { dir: true }, 'd/x': 'hi\n', 'd/done.gz': aGz } },
  { name: 'a file already ending in .gz', args: ['a.gz'], files: { 'a.gz': aGz } },
  { name: 'a file already ending in .gz, quiet', args: ['-q', 'a.gz'], files: { 'a.gz': aGz } },
  { name: 'a file already ending in .GZ (any case)', args: ['A.GZ'], files: { 'A.GZ': aGz } },
  { name: 'an existing output, no -f', args: ['a'], files: { a: text, 'a.gz': 'precious' } },
  { name: 'an existing output, -f', args: ['-f', 'a'], files: { a: text, 'a.gz': 'old' } },
  { name: 'a symbolic link', args: ['link'], files: { target: text, link: { symlink: 'target' } } },
  { name: 'a symbolic link, -f', args: ['-f', 'link'], files: { target: text, link: { symlink: 'target' } } },
  { name: 'a symbolic link, -c', args: ['-c', 'link'], files: { target: text, link: { symlink: 'target' } }, stdout: 'gzip' },
  { name: 'a file with another hard link', args: ['h'], files: { h: text, h2: { hardlink: 'h' } } },
  { name: 'a file with another hard link, -f', args: ['-f', 'h'], files: { h: text, h2: { hardlink: 'h' } } },
  { name: 'a FIFO, -f', args: ['-f', 'p'], files: { p: { fifo: true } } },
  { name: "someone else's file, mode 640", args: ['theirs'], files: { theirs: text }, root: true, owners: { theirs: 0o640 } },
  { name: 'a set-user-ID file', args: ['-f', 'suid'], files: { suid: text }, root: true, owners: { suid: 0o4755 } },
  { name: 'a 252-byte name', args: ['n'.repeat(252)], files: { ['n'.repeat(252)]: text } },

  // ---- decompress ----
  { name: 'decompress in place', args: ['-d', 'a.gz'], files: { 'a.gz': aGz } },
  { name: 'decompress, keep, verbose', args: ['-dkv', 'a.gz'], files: { 'a.gz': aGz } },
  { name: 'decompress to stdout', args: ['-dc', 'a.gz', 'b.gz'], files: { 'a.gz': aGz, 'b.gz': bGz }, stdout: 'exact' },
  { name: 'decompress --uncompress --to-stdout', args: ['--uncompress', '--to-stdout', 'a.gz'], files: { 'a.gz': aGz }, stdout: 'exact' },
  { name: 'decompress standard input', args: ['-d'], stdin: aGz, stdout: 'exact' },
  { name: 'decompress .tgz to .tar', args: ['-d', 'x.tgz'], files: { 'x.tgz': aGz } },
  { name: 'decompress an unknown suffix', args: ['-d', 'noext'], files: { noext: aGz } },
  { name: 'decompress an unknown suffix to stdout', args: ['-dc', 'noext'], files: { noext: aGz }, stdout: 'exact' },
  { name: 'decompress a missing file', args: ['-d', 'missing.gz'] },
  { name: 'decompress a name without its suffix (gunzip notes)', args: ['-dv', 'notes'], files: { 'notes.gz': aGz } },
  { name: 'decompress a name without its suffix, found as .z', args: ['-d', 'notes'], files: { 'notes.z': aGz } },
  { name: 'decompress a missing name without a suffix', args: ['-d', 'nothere'] },
  { name: 'list a name without its suffix', args: ['-l', 'notes'], files: { 'notes.gz': aGz }, stdout: 'exact' },
  { name: 'decompress with -N (the stored name)', args: ['-dN', 'renamed.gz'], files: { 'renamed.gz': storedName } },
  { name: 'decompress with a suffix', args: ['-d', '-S', '.zz', 'a.zz'], files: { 'a.zz': aGz } },
  { name: 'decompress recursive', args: ['-dr', 'd'], files: { d: { dir: true }, 'd/a.gz': aGz, 'd/plain': 'left alone', 'd/e': { dir: true }, 'd/e/b.gz': bGz } },
  { name: 'decompress, the output exists', args: ['-d', 'a.gz'], files: { 'a.gz': aGz, a: 'precious' } },
  { name: 'decompress a CRC error', args: ['-d', 'bad.gz'], files: { 'bad.gz': badCrc } },
  { name: 'decompress a truncated file', args: ['-d', 't.gz'], files: { 't.gz': aGz.subarray(0, aGz.length >> 1) } },
  { name: 'decompress a file that is not gzip', args: ['-d', 'n.gz'], files: { 'n.gz': 'plain text\n' } },
  { name: 'decompress an empty file', args: ['-d', 'e.gz'], files: { 'e.gz': '' } },
  { name: 'decompress two members', args: ['-d', 'm.gz'], files: { 'm.gz': Buffer.concat([aGz, bGz]) } },
  { name: 'decompress trailing garbage', args: ['-d', 'g.gz'], files: { 'g.gz': Buffer.concat([aGz, Buffer.from('garbage')]) } },
  { name: 'decompress zero padding', args: ['-d', 'z.gz'], files: { 'z.gz': Buffer.concat([aGz, Buffer.alloc(100)]) } },
  { name: 'decompress a zero byte then a member', args: ['-dc', 'z.gz'], files: { 'z.gz': Buffer.concat([aGz, Buffer.alloc(1), bGz]) }, stdout: 'exact' },
  { name: 'decompress a symbolic link', args: ['-d', 'l.gz'], files: { 'a.gz': aGz, 'l.gz': { symlink: 'a.gz' } } },
  { name: "decompress someone else's file", args: ['-d', 'theirs.gz'], files: { 'theirs.gz': aGz }, root: true, owners: { 'theirs.gz': 0o604 } },
  { name: 'decompress a set-user-ID file', args: ['-d', 'suid.gz'], files: { 'suid.gz': aGz }, root: true, owners: { 'suid.gz': 0o4755 } },

  // ---- test ----
  { name: 'test a good file', args: ['-t', 'a.gz'], files: { 'a.gz': aGz } },
  { name: 'test, verbose', args: ['-tv', 'a.gz', 'b.gz'], files: { 'a.gz': aGz, 'b.gz': bGz } },
  { name: 'test standard input, verbose', args: ['-tv'], stdin: aGz },
  { name: 'test a CRC error', args: ['-t', 'bad.gz'], files: { 'bad.gz': badCrc } },
  { name: 'test trailing garbage, quiet', args: ['-tq', 'g.gz'], files: { 'g.gz': Buffer.concat([aGz, Buffer.from('x')]) } },
  { name: 'test a file without a suffix', args: ['-t', 'noext'], files: { noext: aGz } },

  // ---- list ----
  { name: 'list', args: ['-l', 'a.gz'], files: { 'a.gz': aGz }, stdout: 'exact' },
  { name: 'list two files (totals)', args: ['-l', 'a.gz', 'b.gz'], files: { 'a.gz': aGz, 'b.gz': bGz }, stdout: 'exact' },
  { name: 'list, verbose', args: ['-lv', 'a.gz', 'b.gz'], files: { 'a.gz': aGz, 'b.gz': bGz }, stdout: 'exact', env: { TZ: 'UTC' } },
  { name: 'list, quiet', args: ['-lq', 'a.gz', 'b.gz'], files: { 'a.gz': aGz, 'b.gz': bGz }, stdout: 'exact' },
  { name: 'list with -N', args: ['-lN', 'renamed.gz'], files: { 'renamed.gz': storedName }, stdout: 'exact' },
  { name: 'list standard input', args: ['-l'], stdin: aGz, stdout: 'exact' },
  {
    name: 'list a multi-member file',
    args: ['-l', 'm.gz'],
    files: { 'm.gz': Buffer.concat([aGz, bGz]) },
    stdout: 'exact',
    textDiffers: "the ratio: gzip's counts no header bytes for a multi-member file, twq-gzip's the first member's (both show the last member's size, as gzip's manual warns)",
  },
  { name: 'list a file that is not gzip, and a good one', args: ['-l', 'n.gz', 'a.gz'], files: { 'n.gz': 'text\n', 'a.gz': aGz }, stdout: 'exact' },

  // ---- flags ----
  { name: 'an unknown short flag', args: ['-x', 'a'], files: { a: text } },
  { name: 'an unknown long flag', args: ['--fastest', 'a'], files: { a: text } },
  { name: 'a flag given a value', args: ['--keep=1', 'a'], files: { a: text } },
  { name: '-S without its value', args: ['-S'] },
  { name: '--suffix without its value', args: ['--suffix'] },
  { name: 'an ambiguous prefix', args: ['--s', 'a'], files: { a: text }, textDiffers: "gzip's list of possibilities names --synchronous, which twq-gzip does not have" },
  {
    name: 'a unique prefix (--dec)',
    args: ['--dec', '-c', 'a.gz'],
    files: { 'a.gz': aGz },
    stdout: 'exact',
  },
  { name: '-0 (gzip has no level 0)', args: ['-0', 'a'], files: { a: text } },
  { name: 'flags after the file, and --', args: ['a', '-k', '--', '-c'], files: { a: text, '-c': other } },
  { name: 'GZIP=-9 (deprecated, warned)', args: ['a'], files: { a: text }, env: { GZIP: '-9' } },
  { name: 'GZIP=-q (no warning)', args: ['a'], files: { a: text }, env: { GZIP: '-q' } },
  { name: 'GZIP=-c (refused there)', args: ['a'], files: { a: text }, env: { GZIP: '-c' } },
  { name: 'GZIP with an operand', args: ['a'], files: { a: text }, env: { GZIP: 'file' } },
  { name: '--version', args: ['--version'], textDiffers: 'the version text names twq-gzip and its own version and licence' },
  { name: '--help', args: ['-h'], textDiffers: "twq-gzip's help lists its own flags (-p, -b) and not gzip's it lacks (--rsyncable, --synchronous, -a)" },
  { name: '--license', args: ['-L'], textDiffers: "twq-gzip's licence is MIT, gzip's the GPL" },
];

/** gzip's words where twq-gzip's are its own: its name, and the blank line gzip puts before some messages. */
function normalize(stderr: string): string {
  return stderr
    .replaceAll(/^(\/usr\/bin\/)?gzip: /gm, 'twq-gzip: ')
    .replaceAll("Try `gzip --help' for more information.", "Try 'twq-gzip --help' for more information.")
    .replaceAll(/^\n/gm, '');
}

interface Seen {
  type: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  content?: string;
  header?: { name: string | undefined; mtime: number };
}

/** A gzip file's content decompressed, and its header's name and time: the bytes differ between compressors, these must not. */
function describeGzip(bytes: Buffer): { content: string; header: { name: string | undefined; mtime: number } } | undefined {
  if (bytes.length < 18 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return undefined;
  let content: Buffer;
  try {
    content = zlib.gunzipSync(bytes);
  } catch {
    return undefined;
  }
  const hasName = (bytes[3] & 0x08) !== 0;
  const name = hasName ? bytes.subarray(10, bytes.indexOf(0, 10)).toString('latin1') : undefined;
  return { content: content.toString('base64'), header: { name, mtime: bytes.readUInt32LE(4) } };
}

/** The directory as both tools must leave it. */
function snapshot(dir: string, prefix = ''): Record<string, Seen> {
  const out: Record<string, Seen> = {};
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const s = lstatSync(path);
    const type = s.isDirectory() ? 'dir' : s.isSymbolicLink() ? 'symlink' : s.isFIFO() ? 'fifo' : s.isFile() ? 'file' : 'other';
    const seen: Seen = { type, mode: s.mode & 0o7777, uid: s.uid, gid: s.gid, mtime: type === 'file' ? Math.floor(s.mtimeMs / 1000) : 0 };
    if (type === 'file') {
      const bytes = readFileSync(path);
      const gz = describeGzip(bytes);
      if (gz === undefined) seen.content = bytes.toString('base64');
      else Object.assign(seen, gz);
    }
    out[prefix + name] = seen;
    if (type === 'dir') Object.assign(out, snapshot(path, `${prefix}${name}/`));
  }
  return out;
}

function setUp(row: Row): string {
  const dir = mkdtempSync(join(tmpdir(), 'twq-gzip-compare-'));
  for (const [name, entry] of Object.entries(row.files ?? {})) {
    const path = join(dir, name);
    if (typeof entry === 'string' || entry instanceof Uint8Array) writeFileSync(path, entry);
    else if ('dir' in entry) mkdirSync(path);
    else if ('symlink' in entry) symlinkSync(entry.symlink, path);
    else if ('hardlink' in entry) linkSync(join(dir, entry.hardlink), path);
    else if (spawnSync('mkfifo', [path]).status !== 0) throw new Error(`mkfifo ${path} failed`);
  }
  for (const [name, mode] of Object.entries(row.owners ?? {})) {
    chownSync(join(dir, name), OTHER_UID, OTHER_GID);
    chmodSync(join(dir, name), mode);
  }
  // Files, and then directories deepest first, so that setting one time does not move another.
  const all = Object.keys(row.files ?? {}).sort((x, y) => y.length - x.length);
  for (const name of all) if (!lstatSync(join(dir, name)).isSymbolicLink()) utimesSync(join(dir, name), INPUT_TIME, INPUT_TIME);
  return dir;
}

/** Runs one tool on a row, killed (and failed) past the time limit. */
function run(command: string[], row: Row, cwd: string): Promise<{ status: number | null; stdout: Buffer; stderr: string }> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', TZ: 'UTC', ...row.env };
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], [...command.slice(1), ...row.args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command.join(' ')} ${row.args.join(' ')} did not exit within ${RUN_TIMEOUT_MS} ms`));
    }, RUN_TIMEOUT_MS);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(row.stdin ?? new Uint8Array(0));
  });
}

function comparable(stdout: Buffer, kind: Row['stdout']): string {
  if (kind === 'gzip') return zlib.gunzipSync(stdout).toString('base64');
  if (kind === 'exact') return stdout.toString('base64');
  return stdout.toString();
}

// Rows run a few at a time (each mostly waits for its two processes), and both tools of a row at once.
describe('twq-gzip and GNU gzip on the same inputs and flags', { concurrent: true }, () => {
  it.for(ROWS.filter((r) => isRoot || r.root !== true))('$name', async (row, { expect }) => {
    const gzipDir = setUp(row);
    const twqDir = setUp(row);
    try {
      const [expected, actual] = await Promise.all([run([GZIP], row, gzipDir), run([process.execPath, CLI], row, twqDir)]);
      const shown = `gzip ${row.args.join(' ')}\ngzip stderr: ${expected.stderr}\ntwq-gzip stderr: ${actual.stderr}`;
      expect(actual.status, `exit status\n${shown}`).toBe(expected.status);
      expect(snapshot(twqDir), `the directory afterwards\n${shown}`).toEqual(snapshot(gzipDir));
      if (row.textDiffers === undefined) {
        expect(actual.stderr, `standard error\n${shown}`).toBe(normalize(expected.stderr));
        expect(comparable(actual.stdout, row.stdout), `standard output\n${shown}`).toBe(comparable(expected.stdout, row.stdout));
      }
    } finally {
      rmSync(gzipDir, { recursive: true, force: true });
      rmSync(twqDir, { recursive: true, force: true });
    }
  });
});
