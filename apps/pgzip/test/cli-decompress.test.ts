import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { compressibleText } from '@twq/test-support/corpus';
import { describe, expect, it } from 'vitest';
import { runCli, workspace } from './helpers/run-cli.js';

const data = compressibleText(500_000, 9);

/** A gzip file made by Debian's gzip, not by us. */
function systemGzip(bytes: Uint8Array): Buffer {
  return spawnSync('gzip', ['-c', '-6'], { input: bytes, maxBuffer: 1 << 26 }).stdout;
}

describe('twq-gzip -d', () => {
  it('restores a file compressed by twq-gzip, replacing FILE.gz', () => {
    const { dir, list } = workspace();
    writeFileSync(join(dir, 'doc'), data);
    expect(runCli(['doc'], { cwd: dir }).status).toBe(0);
    const r = runCli(['-d', 'doc.gz'], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    expect(list()).toEqual(['doc']);
    expect(Buffer.compare(readFileSync(join(dir, 'doc')), data)).toBe(0);
  });

  it('reads any gzip: one made by gzip, and a multi-member file', () => {
    const { dir } = workspace();
    const half = data.length >> 1;
    const multi = Buffer.concat([systemGzip(data.subarray(0, half)), zlib.gzipSync(data.subarray(half), { level: 1 })]);
    writeFileSync(join(dir, 'multi.gz'), multi);
    const r = runCli(['-dc', 'multi.gz'], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    expect(Buffer.compare(r.stdout, data)).toBe(0);
    writeFileSync(join(dir, 'plain.tgz'), systemGzip(data));
    expect(runCli(['-d', 'plain.tgz'], { cwd: dir }).status).toBe(0);
    expect(Buffer.compare(readFileSync(join(dir, 'plain.tar')), data)).toBe(0);
  });

  it('reads standard input to standard output', () => {
    const { dir } = workspace();
    const r = runCli(['-d'], { cwd: dir, input: zlib.gzipSync(data) });
    expect(r.status).toBe(0);
    expect(Buffer.compare(r.stdout, data)).toBe(0);
  });

  it('refuses a file without a known suffix (status 2), and an existing output without -f', () => {
    const { dir } = workspace();
    writeFileSync(join(dir, 'noext'), zlib.gzipSync(data));
    const a = runCli(['-d', 'noext'], { cwd: dir });
    expect(a.status).toBe(2);
    expect(a.stderr).toMatch(/unknown suffix -- ignored/);
    writeFileSync(join(dir, 'k.gz'), zlib.gzipSync(data));
    writeFileSync(join(dir, 'k'), 'keep me');
    const b = runCli(['-d', 'k.gz'], { cwd: dir });
    expect(b.status).toBe(2);
    expect(readFileSync(join(dir, 'k'), 'utf8')).toBe('keep me');
  });
});

describe('corrupt and truncated input to -d and -t fail clearly, leaving no partial output', () => {
  const good = zlib.gzipSync(data);
  const crcFlipped = Buffer.from(good);
  crcFlipped[crcFlipped.length - 8] ^= 0xff;
  const lengthFlipped = Buffer.from(good);
  lengthFlipped[lengthFlipped.length - 2] ^= 0x01;
  const bodyFlipped = Buffer.from(good);
  bodyFlipped[Math.floor(good.length / 2)] ^= 0xff;
  const cases: [string, Buffer, RegExp][] = [
    ['truncated', good.subarray(0, good.length >> 1), /unexpected end of file/],
    ['truncated trailer', good.subarray(0, good.length - 3), /unexpected end of file/],
    ['bad CRC', crcFlipped, /crc error/],
    ['bad length', lengthFlipped, /length error/],
    ['damaged data', bodyFlipped, /invalid compressed data|crc error/],
    ['not gzip at all', Buffer.from('just some text\n'), /not in gzip format/],
    ['empty file', Buffer.alloc(0), /unexpected end of file/],
  ];

  it.each(cases)('%s', (_name, bytes, message) => {
    const { dir, list } = workspace();
    writeFileSync(join(dir, 'bad.gz'), bytes);
    const d = runCli(['-d', 'bad.gz'], { cwd: dir });
    expect(d.status).toBe(1);
    expect(d.stderr).toMatch(message);
    expect(d.stderr).toMatch(/^twq-gzip: bad\.gz: /);
    expect(list()).toEqual(['bad.gz']);
    const t = runCli(['-t', 'bad.gz'], { cwd: dir });
    expect(t.status).toBe(1);
    expect(t.stderr).toMatch(message);
    expect(list()).toEqual(['bad.gz']);
  });

  it('-t accepts a good file silently, and says OK with -v', () => {
    const { dir } = workspace();
    writeFileSync(join(dir, 'good.gz'), good);
    const t = runCli(['-t', 'good.gz'], { cwd: dir });
    expect(t.status).toBe(0);
    expect(t.stderr).toBe('');
    expect(runCli(['-tv', 'good.gz'], { cwd: dir }).stderr).toMatch(/good\.gz:\s+OK/);
  });

  it('accepts zero padding after the last member (as gzip does)', () => {
    const { dir } = workspace();
    writeFileSync(join(dir, 'padded.gz'), Buffer.concat([good, Buffer.alloc(512)]));
    const r = runCli(['-dc', 'padded.gz'], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    expect(Buffer.compare(r.stdout, data)).toBe(0);
  });
});
