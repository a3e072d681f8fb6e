import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../src/main.js';
import { progressMeter, startProgress, wantsProgress } from '../src/progress.js';
import { decompressedName, hasCompressedSuffix } from '../src/suffix.js';
import { parseCli } from '../src/options.js';

/** Standard streams that look like terminals. */
function ttyIo(): Io & { errors: () => string } {
  const stderr: string[] = [];
  const stdout = Object.assign(new PassThrough(), { isTTY: true });
  const stdin = Object.assign(Readable.from([]), { isTTY: true });
  return {
    stdin,
    stdout,
    stderr: { isTTY: true, write: (text: string) => stderr.push(text) > 0 },
    version: '0.0.0',
    errors: () => stderr.join(''),
  };
}

describe('terminals', () => {
  it('refuses to write compressed data to a terminal without -f', async () => {
    const io = ttyIo();
    expect(await main([], io)).toBe(1);
    expect(io.errors()).toMatch(/compressed data not written to a terminal. Use -f to force compression./);
  });

  it('refuses to read compressed data from a terminal without -f', async () => {
    const io = ttyIo();
    expect(await main(['-d'], io)).toBe(1);
    expect(io.errors()).toMatch(/compressed data not read from a terminal/);
  });
});

describe('progress bar', () => {
  it('is drawn only on a terminal, when not quiet, for large inputs', () => {
    expect(wantsProgress({ isTTY: true, write: () => true }, false, 64 << 20)).toBe(true);
    expect(wantsProgress({ isTTY: false, write: () => true }, false, 64 << 20)).toBe(false);
    expect(wantsProgress({ isTTY: true, write: () => true }, true, 64 << 20)).toBe(false);
    expect(wantsProgress({ isTTY: true, write: () => true }, false, 1000)).toBe(false);
    expect(wantsProgress({ isTTY: true, write: () => true }, false, undefined)).toBe(false);
  });

  it('counts the bytes going by and passes them on unchanged', async () => {
    const drawn: string[] = [];
    const target = Object.assign(new PassThrough(), { isTTY: true, columns: 100 });
    target.on('data', (d: Buffer) => drawn.push(d.toString()));
    const meter = progressMeter(await startProgress('big.txt', 4 << 20, target));
    const out: Buffer[] = [];
    meter.on('data', (d: Buffer) => out.push(d));
    const done = new Promise((resolve) => meter.on('end', resolve));
    for (let i = 0; i < 4; i++) meter.write(Buffer.alloc(1 << 20, i));
    meter.end();
    await done;
    expect(Buffer.concat(out).length).toBe(4 << 20);
    expect(drawn.join('')).toMatch(/big\.txt \[[#-]+\] \d+%/);
  });
});

describe('names and options', () => {
  it('knows the suffixes gzip knows', () => {
    expect(decompressedName('a.gz')).toBe('a');
    expect(decompressedName('dir/a.tgz')).toBe('dir/a.tar');
    expect(decompressedName('A.GZ')).toBe('A');
    expect(decompressedName('.gz')).toBeUndefined();
    expect(decompressedName('dir/.gz')).toBeUndefined();
    expect(decompressedName('a.txt')).toBeUndefined();
    expect(hasCompressedSuffix('x.z')).toBe(true);
  });

  it('parses grouped flags, the last level wins, -b is in KiB', () => {
    const o = parseCli(['-kc9', '-1', '-p2', '-b', '64', 'f']);
    expect(o).toMatchObject({ keep: true, stdout: true, level: 1, threads: 2, blockSize: 65_536, files: ['f'] });
    expect(parseCli(['--fast', '--best']).level).toBe(9);
    expect(parseCli([]).level).toBe(6);
  });
});
