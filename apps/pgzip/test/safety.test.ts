/**
 * Issue 15's data-loss and safety cases, one describe each: what gzip does
 * with a user's files, twq-gzip must do too. Each ran against the command
 * before this change and failed (see the README's "Behaviour").
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, closeSync, linkSync, lstatSync, openSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { compressibleText } from '@twq/test-support/corpus';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../src/main.js';
import { CLI, runCli, workspace, startCli } from './helpers/run-cli.js';

const isRoot = process.getuid?.() === 0;
/** A user and group other than root's, for files "someone else" owns. */
const OTHER_UID = 1234;
const OTHER_GID = 2345;

/** What GNU gzip does with the same file: its exit status and output. */
function gzip(args: string[], cwd: string): { status: number | null; stdout: Buffer; stderr: string } {
  const r = spawnSync('/usr/bin/gzip', args, { cwd, maxBuffer: 1 << 26 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

describe('1. every member is decoded; bytes after the last one are padding (zeros only) or a warning', () => {
  const first = compressibleText(200_000, 21);
  const second = compressibleText(100_000, 22);
  const a = zlib.gzipSync(first);
  const b = zlib.gzipSync(second);
  const cases: [string, Buffer, number, Uint8Array][] = [
    ['two members', Buffer.concat([a, b]), 0, Buffer.concat([first, second])],
    ['a member, zero padding', Buffer.concat([a, Buffer.alloc(1000)]), 0, first],
    ['a member, a zero byte, a whole second member', Buffer.concat([a, Buffer.alloc(1), b]), 2, first],
    ['a member, then text', Buffer.concat([a, Buffer.from('garbage!')]), 2, first],
    ['a member, zeros, then text', Buffer.concat([a, Buffer.alloc(3), Buffer.from('x')]), 2, first],
    ['a tiny member, then text', Buffer.concat([zlib.gzipSync('hi\n'), Buffer.from('trailing')]), 2, Buffer.from('hi\n')],
  ];

  it.each(cases)('%s: -d, -dc and -t give gzip\'s status and output', (_name, bytes, status, plain) => {
    const { dir, list } = workspace();
    writeFileSync(join(dir, 'x.gz'), bytes);
    const expectedGzip = gzip(['-dc', 'x.gz'], dir);
    expect(expectedGzip.status).toBe(status);
    const dc = runCli(['-dc', 'x.gz'], { cwd: dir });
    expect(dc.status, dc.stderr).toBe(status);
    expect(Buffer.compare(dc.stdout, plain)).toBe(0);
    expect(Buffer.compare(dc.stdout, expectedGzip.stdout)).toBe(0);
    const warning = status === 2 ? 'twq-gzip: x.gz: decompression OK, trailing garbage ignored\n' : '';
    expect(dc.stderr).toBe(warning);
    const t = runCli(['-t', 'x.gz'], { cwd: dir });
    expect(t.status).toBe(status);
    expect(t.stderr).toBe(warning);
    const fromStdin = runCli(['-d'], { cwd: dir, input: bytes });
    expect(fromStdin.status).toBe(status);
    expect(Buffer.compare(fromStdin.stdout, plain)).toBe(0);
    // In place: the output is complete and the .gz is replaced, as gzip does (its status says there was more).
    const d = runCli(['-d', 'x.gz'], { cwd: dir });
    expect(d.status).toBe(status);
    expect(list()).toEqual(['x']);
    expect(Buffer.compare(readFileSync(join(dir, 'x')), plain)).toBe(0);
  });

  it('-q keeps the warning quiet but not the status', () => {
    const { dir } = workspace();
    writeFileSync(join(dir, 'x.gz'), Buffer.concat([a, Buffer.from('junk')]));
    const r = runCli(['-tq', 'x.gz'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('');
  });
});

describe('2. non-regular files are refused in place, with or without -f, and never removed', () => {
  function refusesInPlace(make: (path: string) => number | null): void {
    const { dir, list } = workspace();
    for (const name of ['node', 'node.gz']) expect(make(join(dir, name))).toBe(0);
    for (const args of [['node'], ['-f', 'node'], ['-k', '-f', 'node'], ['-d', '-f', 'node.gz']]) {
      const r = runCli(args, { cwd: dir });
      const file = args[args.length - 1];
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toBe(`twq-gzip: ${file} is not a directory or a regular file - ignored\n`);
      expect(list()).toEqual(['node', 'node.gz']);
      expect(lstatSync(join(dir, 'node')).isFile()).toBe(false);
    }
  }

  it('a FIFO', () => {
    refusesInPlace((path) => spawnSync('mkfifo', [path]).status);
  });

  // mknod needs root (CI runs as root). A device with /dev/null's numbers, made in the scratch directory: no real /dev node is touched.
  it.runIf(isRoot)('a character device', () => {
    refusesInPlace((path) => spawnSync('mknod', [path, 'c', '1', '3']).status);
  });
});

describe('3. symbolic and hard links; the input is the file that was opened', () => {
  it('a symbolic link is refused without -f (ELOOP, status 1); with -f its target is compressed and the link replaced', () => {
    const { dir, list } = workspace();
    writeFileSync(join(dir, 'target'), 'the only copy\n');
    symlinkSync('target', join(dir, 'link'));
    const r = runCli(['link'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('twq-gzip: link: Too many levels of symbolic links\n');
    expect(list()).toEqual(['link', 'target']);
    const f = runCli(['-f', 'link'], { cwd: dir });
    expect(f.status, f.stderr).toBe(0);
    expect(list()).toEqual(['link.gz', 'target']);
    expect(zlib.gunzipSync(readFileSync(join(dir, 'link.gz'))).toString()).toBe('the only copy\n');
    // -c reads through a link: nothing is replaced.
    symlinkSync('target', join(dir, 'again'));
    expect(runCli(['-c', 'again'], { cwd: dir }).status).toBe(0);
  });

  it('a file with other hard links is refused without -f (status 2); with -f compressed, the other name kept', () => {
    const { dir, list } = workspace();
    writeFileSync(join(dir, 'h'), 'linked\n');
    linkSync(join(dir, 'h'), join(dir, 'h2'));
    const r = runCli(['h'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('twq-gzip: h has 1 other link -- file ignored\n');
    expect(list()).toEqual(['h', 'h2']);
    expect(runCli(['-f', 'h'], { cwd: dir }).status).toBe(0);
    expect(list()).toEqual(['h.gz', 'h2']);
    expect(readFileSync(join(dir, 'h2'), 'utf8')).toBe('linked\n');
  });

  it('a file replaced under its name while being compressed: the output holds what was opened, and the newcomer is not removed', async () => {
    const { dir, list } = workspace();
    const original = compressibleText(24_000_000, 23);
    writeFileSync(join(dir, 'big'), original);
    writeFileSync(join(dir, 'newcomer'), 'not to be removed\n');
    const child = startCli(['-9', '-p', '1', 'big'], dir);
    const stderr: Buffer[] = [];
    child.stderr?.on('data', (b: Buffer) => stderr.push(b));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
      resolve(code);
    }));
    await expect.poll(() => list().some((f) => f.startsWith('.twq-gzip-')), { timeout: 20_000, interval: 5 }).toBe(true);
    renameSync(join(dir, 'newcomer'), join(dir, 'big'));
    expect(await exited).toBe(2);
    expect(Buffer.concat(stderr).toString()).toBe('twq-gzip: big: was replaced while being read -- not removed\n');
    expect(list()).toEqual(['big', 'big.gz']);
    expect(readFileSync(join(dir, 'big'), 'utf8')).toBe('not to be removed\n');
    expect(Buffer.compare(zlib.gunzipSync(readFileSync(join(dir, 'big.gz'))), original)).toBe(0);
  });
});

describe.runIf(isRoot)('4. ownership and mode bits, as root (CI runs as root)', () => {
  it("the output gets the input's owner, group and permission bits, both ways", () => {
    const { dir } = workspace();
    writeFileSync(join(dir, 'theirs'), compressibleText(50_000, 24));
    chownSync(join(dir, 'theirs'), OTHER_UID, OTHER_GID);
    chmodSync(join(dir, 'theirs'), 0o640);
    expect(runCli(['theirs'], { cwd: dir }).status).toBe(0);
    const gz = statSync(join(dir, 'theirs.gz'));
    expect([gz.uid, gz.gid, gz.mode & 0o7777]).toEqual([OTHER_UID, OTHER_GID, 0o640]);
    expect(runCli(['-d', 'theirs.gz'], { cwd: dir }).status).toBe(0);
    const back = statSync(join(dir, 'theirs'));
    expect([back.uid, back.gid, back.mode & 0o7777]).toEqual([OTHER_UID, OTHER_GID, 0o640]);
  });

  it.each([
    ['4755', 0o4755, 'is set-user-ID on execution - ignored'],
    ['2755', 0o2755, 'is set-group-ID on execution - ignored'],
    ['1644', 0o1644, 'has the sticky bit set - file ignored'],
  ])('a mode-%s input is refused in place, even with -f (no set-ID file is ever created)', (_label, mode, message) => {
    const { dir, list } = workspace();
    writeFileSync(join(dir, 'x.gz'), zlib.gzipSync('#!/bin/sh\necho hi\n'));
    writeFileSync(join(dir, 'y'), '#!/bin/sh\necho hi\n');
    for (const name of ['x.gz', 'y']) {
      chownSync(join(dir, name), OTHER_UID, OTHER_GID);
      chmodSync(join(dir, name), mode);
    }
    for (const [args, name] of [[['-d', 'x.gz'], 'x.gz'], [['-df', 'x.gz'], 'x.gz'], [['y'], 'y'], [['-f', 'y'], 'y']] as const) {
      const r = runCli([...args], { cwd: dir });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toBe(`twq-gzip: ${name} ${message}\n`);
      expect(list()).toEqual(['x.gz', 'y']);
    }
    // Standard output makes no file: allowed, as gzip.
    expect(runCli(['-dc', 'x.gz'], { cwd: dir }).stdout.toString()).toBe('#!/bin/sh\necho hi\n');
  });
});

describe('5. standard output that fails: no stack trace, gzip\'s status', () => {
  it('a closed pipe (twq-gzip -c big | head): killed by SIGPIPE, silently, as gzip', async () => {
    const { dir } = workspace();
    writeFileSync(join(dir, 'big'), compressibleText(8_000_000, 25));
    writeFileSync(join(dir, 'big.gz'), zlib.gzipSync(compressibleText(8_000_000, 25), { level: 1 }));
    for (const args of [['-c', 'big'], ['-dc', 'big.gz']]) {
      const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      const stderr: Buffer[] = [];
      child.stderr.on('data', (b: Buffer) => stderr.push(b));
      child.stdout.once('data', () => child.stdout.destroy());
      const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('close', (c, s) => {
        resolve([c, s]);
      }));
      expect([code, signal], args.join(' ')).toEqual([null, 'SIGPIPE']);
      expect(Buffer.concat(stderr).toString()).toBe('');
    }
  });

  it('a full device (> /dev/full): one line, status 1', () => {
    const { dir } = workspace();
    writeFileSync(join(dir, 'a'), compressibleText(3_000_000, 26));
    writeFileSync(join(dir, 'a.gz'), zlib.gzipSync(compressibleText(3_000_000, 26)));
    // As root, a device with /dev/full's numbers in the scratch directory; otherwise /dev/full itself (only written to).
    const full = isRoot ? join(dir, 'full') : '/dev/full';
    if (isRoot) expect(spawnSync('mknod', [full, 'c', '1', '7']).status).toBe(0);
    for (const args of [['-c', 'a'], ['-dc', 'a.gz'], []]) {
      const fd = openSync(full, 'w');
      try {
        const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, stdio: [args.length === 0 ? 'pipe' : 'ignore', fd, 'pipe'], input: args.length === 0 ? readFileSync(join(dir, 'a')) : undefined });
        expect(r.status, args.join(' ')).toBe(1);
        expect(r.stderr.toString()).toBe('twq-gzip: stdout: No space left on device\n');
      } finally {
        closeSync(fd);
      }
    }
  });
});

describe('6. long names, and what a signal leaves', () => {
  it('a 252-byte name compresses to a 255-byte one and back (the temporary name fits too)', () => {
    const { dir, list } = workspace();
    const name = 'n'.repeat(252);
    writeFileSync(join(dir, name), 'long\n');
    const r = runCli([name], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    expect(list()).toEqual([`${name}.gz`]);
    expect(runCli(['-d', `${name}.gz`], { cwd: dir }).status).toBe(0);
    expect(list()).toEqual([name]);
    // Multi-byte characters: 84 three-byte ones (252 bytes) and the suffix.
    const wide = '\u20ac'.repeat(84);
    writeFileSync(join(dir, wide), 'euro\n');
    expect(runCli([wide], { cwd: dir }).status).toBe(0);
    expect(list()).toContain(`${wide}.gz`);
  });
  // SIGHUP and SIGQUIT: in cli-compress.test.ts, "twq-gzip interrupted", beside SIGINT and SIGTERM.
});

/** Standard streams where standard input is a terminal that answers `answer`. */
function terminalIo(answer: string | undefined): Io & { errors: () => string } {
  const stderr: string[] = [];
  const stdin = Object.assign(answer === undefined ? Readable.from([]) : Readable.from([Buffer.from(answer)]), { isTTY: true });
  return {
    stdin,
    stdout: new PassThrough(),
    stderr: { write: (text: string) => stderr.push(text) > 0 },
    version: '0.0.0',
    errors: () => stderr.join(''),
  };
}

describe('7. an existing output: asked about on a terminal, refused otherwise', () => {
  function setUp(): { dir: string; list: () => string[] } {
    const { dir, list } = workspace();
    writeFileSync(join(dir, 'f'), zlib.gzipSync('new\n'));
    renameSync(join(dir, 'f'), join(dir, 'f.gz'));
    writeFileSync(join(dir, 'f'), 'old\n');
    return { dir, list };
  }

  it('answered y: overwritten', async () => {
    const { dir, list } = setUp();
    const io = terminalIo('y\n');
    expect(await main(['-d', join(dir, 'f.gz')], io)).toBe(0);
    expect(io.errors()).toBe(`twq-gzip: ${join(dir, 'f')} already exists; do you wish to overwrite (y or n)? `);
    expect(readFileSync(join(dir, 'f'), 'utf8')).toBe('new\n');
    expect(list()).toEqual(['f']);
  });

  it.each([['n\n'], ['\n'], [undefined]])('answered %j (or the terminal closed): kept, status 2', async (answer) => {
    const { dir, list } = setUp();
    const io = terminalIo(answer);
    expect(await main(['-d', join(dir, 'f.gz')], io)).toBe(2);
    expect(io.errors()).toBe(`twq-gzip: ${join(dir, 'f')} already exists; do you wish to overwrite (y or n)? \tnot overwritten\n`);
    expect(readFileSync(join(dir, 'f'), 'utf8')).toBe('old\n');
    expect(list()).toEqual(['f', 'f.gz']);
  });

  it('standard input no terminal: refused without a question, status 2, as gzip', () => {
    const { dir, list } = setUp();
    const r = runCli(['-d', 'f.gz'], { cwd: dir });
    const g = gzip(['-d', 'f.gz'], dir);
    expect([r.status, g.status]).toEqual([2, 2]);
    expect(r.stderr).toBe('twq-gzip: f already exists;\tnot overwritten\n');
    expect(list()).toEqual(['f', 'f.gz']);
  });
});
