import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { compressibleText, randomBytes } from '@twq/test-support/corpus';
import { describe, expect, it } from 'vitest';
import { runCli, workspace, startCli } from './helpers/run-cli.js';

function gzipT(path: string): { ok: boolean; stderr: string } {
  const r = spawnSync('gzip', ['-t', path]);
  return { ok: r.status === 0, stderr: r.stderr.toString() };
}

describe('twq-gzip compresses', () => {
  it('a file in place: FILE.gz replaces FILE, with its mode and mtime; gzip -t and gunzip accept it', () => {
    const { dir, list } = workspace();
    const data = compressibleText(700_000, 1);
    const file = join(dir, 'notes.txt');
    writeFileSync(file, data);
    chmodSync(file, 0o640);
    utimesSync(file, new Date(1_600_000_000_000), new Date(1_600_000_000_000));
    const r = runCli(['-p', '2', 'notes.txt'], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    expect(list()).toEqual(['notes.txt.gz']);
    const gz = join(dir, 'notes.txt.gz');
    expect(statSync(gz).mode & 0o777).toBe(0o640);
    expect(statSync(gz).mtimeMs).toBe(1_600_000_000_000);
    expect(gzipT(gz).ok).toBe(true);
    const header = readFileSync(gz);
    expect(header[3]).toBe(0x08);
    expect(header.readUInt32LE(4)).toBe(1_600_000_000);
    expect(header.subarray(10, 20).toString('latin1')).toBe('notes.txt\0');
    const back = spawnSync('gzip', ['-d', '-c', gz], { maxBuffer: 1 << 26 });
    expect(Buffer.compare(back.stdout, data)).toBe(0);
  });

  it('with -k keeps the input, with -c writes standard output and keeps it', () => {
    const { dir, list } = workspace();
    const data = compressibleText(200_000, 2);
    writeFileSync(join(dir, 'a'), data);
    expect(runCli(['-k', 'a'], { cwd: dir }).status).toBe(0);
    expect(list()).toEqual(['a', 'a.gz']);
    const c = runCli(['-c', 'a'], { cwd: dir });
    expect(c.status).toBe(0);
    expect(Buffer.compare(zlib.gunzipSync(c.stdout), data)).toBe(0);
    expect(list()).toEqual(['a', 'a.gz']);
  });

  it('standard input to standard output when no file is given, or for -', () => {
    const { dir } = workspace();
    const data = compressibleText(300_000, 3);
    for (const args of [[], ['-'], ['-9', '-p', '1']]) {
      const r = runCli(args, { cwd: dir, input: data });
      expect(r.status, r.stderr).toBe(0);
      expect(Buffer.compare(zlib.gunzipSync(r.stdout), data)).toBe(0);
      expect(r.stdout[3]).toBe(0); // no name for standard input
    }
  });

  it.each([
    ['-1', 1],
    ['-6', 6],
    ['--best', 9],
  ] as const)('at %s, output that gzip -t accepts', (flag, _level) => {
    const { dir } = workspace();
    writeFileSync(join(dir, 'x'), Buffer.concat([compressibleText(400_000, 4), randomBytes(100_000, 5)]));
    const r = runCli([flag, '-b', '32', 'x'], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    expect(gzipT(join(dir, 'x.gz')).ok).toBe(true);
  });

  it.each(['1', '3'])('with -p %s (one thread only; three), the same bytes as with -p 2', (threads) => {
    const { dir } = workspace();
    writeFileSync(join(dir, 'p'), compressibleText(2_000_000, 7));
    const two = runCli(['-c', '-p', '2', 'p'], { cwd: dir });
    const other = runCli(['-c', '-p', threads, 'p'], { cwd: dir });
    expect(other.status, other.stderr).toBe(0);
    expect(Buffer.compare(other.stdout, two.stdout)).toBe(0);
  });

  it('an empty file, and -n stores no name or time', () => {
    const { dir } = workspace();
    writeFileSync(join(dir, 'empty'), '');
    expect(runCli(['-n', 'empty'], { cwd: dir }).status).toBe(0);
    const gz = readFileSync(join(dir, 'empty.gz'));
    expect(gz[3]).toBe(0);
    expect(gz.readUInt32LE(4)).toBe(0);
    expect(zlib.gunzipSync(gz).length).toBe(0);
    expect(gzipT(join(dir, 'empty.gz')).ok).toBe(true);
  });

  it('-v reports the space saved', () => {
    const { dir } = workspace();
    writeFileSync(join(dir, 'v.txt'), compressibleText(100_000, 6));
    const r = runCli(['-v', 'v.txt'], { cwd: dir });
    expect(r.stderr).toMatch(/^v\.txt:\s+\d+\.\d% -- replaced with v\.txt\.gz$/m);
  });
});

describe('twq-gzip refuses, with a clear message and a non-zero status', () => {
  it('to overwrite an existing output without -f (and leaves both files as they were)', () => {
    const { dir, list } = workspace();
    writeFileSync(join(dir, 'f'), 'new data');
    writeFileSync(join(dir, 'f.gz'), 'precious');
    const r = runCli(['f'], { cwd: dir });
    // A warning, as gzip's (standard input is no terminal here: no question).
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('twq-gzip: f.gz already exists;\tnot overwritten\n');
    expect(readFileSync(join(dir, 'f.gz'), 'utf8')).toBe('precious');
    expect(list()).toEqual(['f', 'f.gz']);
    const forced = runCli(['-f', 'f'], { cwd: dir });
    expect(forced.status).toBe(0);
    expect(zlib.gunzipSync(readFileSync(join(dir, 'f.gz'))).toString()).toBe('new data');
  });

  it('a missing file (status 1), and goes on with the other files', () => {
    const { dir, list } = workspace();
    writeFileSync(join(dir, 'here'), 'x');
    const r = runCli(['nothere', 'here'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/twq-gzip: nothere: No such file or directory/);
    expect(list()).toEqual(['here.gz']);
  });

  it('a directory (ignored, status 2)', () => {
    const { dir } = workspace();
    const r = runCli(['.'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/is a directory -- ignored/);
  });

  it('a file that already has the .gz suffix (unchanged; status 0, as gzip 1.12)', () => {
    const { dir, list } = workspace();
    writeFileSync(join(dir, 'y.gz'), 'data');
    const r = runCli(['y.gz'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('twq-gzip: y.gz already has .gz suffix -- unchanged\n');
    expect(list()).toEqual(['y.gz']);
  });

  it('unreadable input: a clear message, status 1, no output file left behind', () => {
    const { dir, list } = workspace();
    // Reading /proc/self/mem at offset 0 fails (EIO) even for root, mid-way through a regular-looking file.
    const r1 = runCli(['-f', '/proc/self/mem', '-c'], { cwd: dir });
    expect(r1.status).toBe(1);
    expect(r1.stderr).toMatch(/\/proc\/self\/mem: (Input\/output error|Bad address)/);
    // The same through a link, to a file: the temporary output is removed, no FILE.gz appears.
    symlinkSync('/proc/self/mem', join(dir, 'mem'));
    const r3 = runCli(['-f', 'mem'], { cwd: dir });
    expect(r3.status).toBe(1);
    expect(r3.stderr).toMatch(/mem: (Input\/output error|Bad address)/);
    expect(list()).toEqual(['mem']);
    rmSync(join(dir, 'mem'));
    writeFileSync(join(dir, 'secret'), 'x');
    chmodSync(join(dir, 'secret'), 0);
    const r2 = runCli(['secret'], { cwd: dir });
    if (process.getuid?.() === 0) {
      expect(r2.status).toBe(0); // root reads anything: nothing to test here
    } else {
      expect(r2.status).toBe(1);
      expect(r2.stderr).toMatch(/secret: Permission denied/);
      expect(list()).toEqual(['secret']);
    }
  });

  it('bad options: unknown flag, threads, block size', () => {
    const { dir } = workspace();
    const x = runCli(['-x'], { cwd: dir });
    expect(x.status).toBe(1);
    expect(x.stderr).toBe("twq-gzip: invalid option -- 'x'\nTry 'twq-gzip --help' for more information.\n");
    const p = runCli(['-p', 'two'], { cwd: dir });
    expect(p.status).toBe(1);
    expect(p.stderr).toMatch(/-p \(threads\) must be an integer from 1 to 256, got 'two'/);
    expect(runCli(['-b', '16'], { cwd: dir }).stderr).toMatch(/-b \(block size in KiB\) must be an integer from 32 to 4096, got '16'/);
  });

  it('-p and -b each in range whose workers need more shared memory than the engine allows: refused before any output, naming both flags and the limit', async () => {
    const { buffer } = await import('node:buffer').then((m) => ({ buffer: m.constants.MAX_LENGTH }));
    // 255 workers x 2 slots of 4 MiB blocks (and their deflate bounds) need over 4 GiB: more than Node.js 20 allows.
    if (buffer > 2 ** 33) return;
    const { dir, list } = workspace();
    writeFileSync(join(dir, 'in'), compressibleText(100_000, 4));
    for (const args of [['-c', '-p', '256', '-b', '4096', 'in'], ['-p', '256', '-b', '4096', 'in']]) {
      const r = runCli(args, { cwd: dir });
      expect(r.status, r.stderr).toBe(1);
      expect(r.stdout.length, 'nothing written to standard output').toBe(0);
      expect(r.stderr).toMatch(new RegExp(`^twq-gzip: -p 256 with -b 4096 needs \\d+ bytes of shared memory for its 255 worker threads, more than the ${buffer} bytes this engine allows in one SharedArrayBuffer: use a lower -p or -b\n$`));
      expect(r.stderr).not.toMatch(/Invalid typed array length/);
      expect(list(), 'no output file').toEqual(['in']);
    }
    // Half the threads fit.
    expect(runCli(['-c', '-p', '128', '-b', '4096', 'in'], { cwd: dir }).status).toBe(0);
  });

  it('--help and --version answer on standard output', () => {
    const { dir } = workspace();
    expect(runCli(['--help'], { cwd: dir }).stdout.toString()).toMatch(/^Usage: twq-gzip/);
    expect(runCli(['-V'], { cwd: dir }).stdout.toString()).toMatch(/^twq-gzip \d+\.\d+\.\d+/);
  });
});

describe('twq-gzip interrupted', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
    ['SIGQUIT', 131],
  ] as const)('by %s mid-way leaves no partial output (the temporary file is removed)', async (signal, status) => {
    const { dir, list } = workspace();
    // Large and slow enough (-9, one thread) to be caught mid-way.
    writeFileSync(join(dir, 'big'), compressibleText(24_000_000, 8));
    const child = startCli(['-9', '-p', '1', 'big'], dir);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
      resolve(code);
    }));
    await expect.poll(() => list().some((f) => f.startsWith('.twq-gzip-')), { timeout: 20_000, interval: 5 }).toBe(true);
    child.kill(signal);
    expect(await exited).toBe(status);
    expect(list()).toEqual(['big']);
  });
});
